import assert from "node:assert/strict";
import {
  assignMacAddresses,
  defaultMacAddress,
  formatMacAddress,
  NET_CONFIG,
  NET_CONFIG_SIZE,
  netFeatures,
  netSettings,
  parseMacAddress,
  writeNetConfig,
} from "./virtio_net_config.ts";

Deno.test("parseMacAddress takes QEMU's spellings and refuses the rest with QEMU's message", () => {
  assert.deepEqual([...parseMacAddress("52:54:00:Ab:cD:01")], [0x52, 0x54, 0, 0xab, 0xcd, 1]);
  assert.deepEqual([...parseMacAddress("02-00-00-00-00-0f")], [2, 0, 0, 0, 0, 0x0f]);
  assert.equal(formatMacAddress(parseMacAddress("52-54:00-12:34-56")), "52:54:00:12:34:56");
  for (
    const bad of [
      "52:54:00:12:34",
      "5:54:00:12:34:56",
      "52:54:00:12:34:567",
      "52:54:00:12:34:5g",
      "",
    ]
  ) {
    assert.throws(
      () => parseMacAddress(bad),
      new RegExp(`^Error: Property 'virtio-net-pci.mac' doesn't take value '${bad}'$`),
    );
  }
});

Deno.test("defaultMacAddress counts up from QEMU's 52:54:00:12:34:56", () => {
  assert.equal(formatMacAddress(defaultMacAddress(0)), "52:54:00:12:34:56");
  assert.equal(formatMacAddress(defaultMacAddress(1)), "52:54:00:12:34:57");
  assert.equal(formatMacAddress(defaultMacAddress(0xa9)), "52:54:00:12:34:ff");
  assert.throws(() => defaultMacAddress(0xaa), RangeError);
});

Deno.test("netSettings applies QEMU's defaults and refuses queue sizes QEMU refuses", () => {
  const s = netSettings({});
  assert.equal(formatMacAddress(s.mac), "52:54:00:12:34:56");
  assert.deepEqual([s.rxQueueSize, s.txQueueSize, s.mergeableRxBuffers], [256, 256, true]);
  assert.equal(netSettings({ mrg_rxbuf: false }).mergeableRxBuffers, false);
  assert.equal(netSettings({ rx_queue_size: 1024 }).rxQueueSize, 1024);
  for (const size of [128, 384, 2048]) {
    assert.throws(
      () => netSettings({ tx_queue_size: size }),
      new RegExp(
        `Invalid tx_queue_size \\(= ${size}\\), must be a power of 2 between 256 and 1024`,
      ),
    );
  }
});

Deno.test("netFeatures offers MAC, STATUS and ANY_LAYOUT, and MRG_RXBUF unless turned off", () => {
  const base = (1n << 5n) | (1n << 16n) | (1n << 27n);
  assert.equal(netFeatures(netSettings({})), base | (1n << 15n));
  assert.equal(netFeatures(netSettings({ mrg_rxbuf: false })), base);
});

Deno.test("writeNetConfig lays out mac and a little-endian status (§5.1.4)", () => {
  const config = new Uint8Array(NET_CONFIG_SIZE).fill(0xee);
  const view = new DataView(config.buffer);
  writeNetConfig(view, parseMacAddress("52:54:00:12:34:99"), true);
  assert.deepEqual([...config], [0x52, 0x54, 0, 0x12, 0x34, 0x99, 1, 0]);
  writeNetConfig(view, parseMacAddress("52:54:00:12:34:99"), false);
  assert.equal(view.getUint16(NET_CONFIG.status, true), 0);
});

Deno.test("assignMacAddresses hands out QEMU's first free 52:54:00:12:34:XX, in order", () => {
  const mac = (text: string) => parseMacAddress(text);
  const given = [
    undefined,
    mac("52:54:00:12:34:57"), // QEMU's prefix: its last byte is taken
    undefined,
    mac("02:00:00:00:00:58"), // another prefix takes nothing
    undefined,
    mac("52:54:00:12:34:56"), // a duplicate of an earlier default stays as given
  ];
  assert.deepEqual(assignMacAddresses(given).map(formatMacAddress), [
    "52:54:00:12:34:56",
    "52:54:00:12:34:57",
    "52:54:00:12:34:58",
    "02:00:00:00:00:58",
    "52:54:00:12:34:59",
    "52:54:00:12:34:56",
  ]);
  // 0x56..0xfe is 169 addresses; QEMU's -1 then gives 0xff to every later NIC.
  const many = assignMacAddresses(new Array(171).fill(undefined)).map((m) => m[5]);
  assert.equal(new Set(many.slice(0, 169)).size, 169);
  assert.deepEqual([many[0], many[168], many[169], many[170]], [0x56, 0xfe, 0xff, 0xff]);
});
