import assert from "node:assert/strict";
import { E820_RAM } from "../firmware/boot_state.ts";
import * as K from "./keys.ts";
import type { FwCfgContents } from "./item_store.ts";
import { vgaMode } from "./linux_items.ts";
import { qemuPcItems } from "./qemu_pc_items.ts";
import { leValue, readDirectory, readFile, readItem, rig } from "./_test_rig.ts";

/** A bzImage-shaped file: `setupSects` + 1 setup sectors, then `kernelBytes` bytes of 0x90. */
function fakeBzImage(
  o: { protocol?: number; setupSects?: number; kernelBytes?: number; initrdMax?: number } = {},
): Uint8Array {
  const sects = o.setupSects ?? 4;
  const setupBytes = ((sects || 4) + 1) * 512;
  const image = new Uint8Array(setupBytes + (o.kernelBytes ?? 1000));
  image.fill(0x90, setupBytes);
  const dv = new DataView(image.buffer);
  image[0x1f1] = sects;
  image.set([0x48, 0x64, 0x72, 0x53], 0x202); // "HdrS"
  dv.setUint16(0x206, o.protocol ?? 0x20f, true);
  image[0x211] = 0x01; // LOADED_HIGH
  dv.setUint32(0x22c, o.initrdMax ?? 0x7fffffff, true);
  return image;
}

function item(c: FwCfgContents, key: number): Uint8Array | undefined {
  return c.items.find(([k]) => k === key)?.[1];
}

Deno.test("qemuPcItems gives the pc machine's standard items and files", () => {
  const { io, fwCfg } = rig();
  fwCfg.addAll(qemuPcItems({ ramSize: 128 << 20, cpus: 2, nographic: true }));
  assert.equal(leValue(readItem(io, K.FW_CFG_RAM_SIZE, 8)), 128 << 20);
  assert.equal(leValue(readItem(io, K.FW_CFG_NB_CPUS, 2)), 2);
  assert.equal(leValue(readItem(io, K.FW_CFG_MAX_CPUS, 2)), 2);
  assert.equal(leValue(readItem(io, K.FW_CFG_NOGRAPHIC, 2)), 1);
  assert.equal(leValue(readItem(io, K.FW_CFG_BOOT_MENU, 2)), 0);
  assert.equal(leValue(readItem(io, K.FW_CFG_IRQ0_OVERRIDE, 4)), 1);
  assert.deepEqual([...readItem(io, K.FW_CFG_HPET, 2)], [0xff, 0], "no HPET");
  assert.deepEqual([...readItem(io, K.FW_CFG_UUID, 16)], new Array(16).fill(0));
  assert.deepEqual([...readItem(io, K.FW_CFG_NUMA, 8 * 3 + 1)], new Array(25).fill(0));
  assert.deepEqual(readDirectory(io).map((e) => [e.name, e.size]), [
    ["bios-geometry", 0],
    ["bootorder", 0],
    ["etc/boot-fail-wait", 4],
    ["etc/e820", 20],
  ]);
  assert.deepEqual([...readFile(io, "etc/boot-fail-wait")!], [0xff, 0xff, 0xff, 0xff]);
  const e820 = new DataView(readFile(io, "etc/e820")!.buffer);
  assert.deepEqual(
    [
      Number(e820.getBigUint64(0, true)),
      Number(e820.getBigUint64(8, true)),
      e820.getUint32(16, true),
    ],
    [0, 128 << 20, E820_RAM],
    "QEMU's TCG pc map: one RAM entry from 0",
  );
  assert.equal(item(qemuPcItems({ ramSize: 1 << 20 }), K.FW_CFG_KERNEL_DATA), undefined);
});

Deno.test("qemuPcItems takes the board's e820 map and refuses bad counts", () => {
  const c = qemuPcItems({
    ramSize: 1 << 20,
    e820: [{ addr: 0, size: 0x9fc00, type: 1 }, {
      addr: 0x100000,
      size: 0x1000,
      type: 2,
    }],
  });
  assert.equal(c.files.find(([n]) => n === "etc/e820")![1].length, 40);
  assert.throws(() => qemuPcItems({ ramSize: 1 << 20, cpus: 0 }), /CPU count/);
  assert.throws(() => qemuPcItems({ ramSize: 1 << 20, cpus: 4, maxCpus: 2 }), /maximum CPU/);
  assert.throws(() => qemuPcItems({ ramSize: -1 }), /RAM size/);
  assert.throws(() => qemuPcItems({ ramSize: 1 << 20, uuid: new Uint8Array(4) }), /UUID/);
});

Deno.test("a Linux bzImage is split into setup and kernel as x86_load_linux does", () => {
  const image = fakeBzImage({ setupSects: 4, kernelBytes: 1000 });
  const c = qemuPcItems({ ramSize: 64 << 20, kernel: image, cmdline: "console=ttyS0" });
  assert.equal(leValue(item(c, K.FW_CFG_SETUP_ADDR)!), 0x10000);
  assert.equal(leValue(item(c, K.FW_CFG_SETUP_SIZE)!), 5 * 512);
  assert.equal(item(c, K.FW_CFG_SETUP_DATA)!.length, 5 * 512);
  assert.equal(leValue(item(c, K.FW_CFG_KERNEL_ADDR)!), 0x100000);
  assert.equal(leValue(item(c, K.FW_CFG_KERNEL_SIZE)!), 1000);
  assert.deepEqual(item(c, K.FW_CFG_KERNEL_DATA), image.subarray(5 * 512));
  assert.equal(leValue(item(c, K.FW_CFG_CMDLINE_ADDR)!), 0x20000);
  assert.equal(leValue(item(c, K.FW_CFG_CMDLINE_SIZE)!), 14);
  assert.equal(new TextDecoder().decode(item(c, K.FW_CFG_CMDLINE_DATA)), "console=ttyS0\0");
  const setup = new DataView(item(c, K.FW_CFG_SETUP_DATA)!.buffer);
  assert.equal(setup.getUint32(0x228, true), 0x20000, "cmd_line_ptr");
  assert.equal(setup.getUint8(0x210), 0xb0, "type_of_loader: QEMU");
  assert.equal(setup.getUint8(0x211), 0x81, "CAN_USE_HEAP");
  assert.equal(setup.getUint16(0x224, true), 0xfe00, "heap_end_ptr");
  assert.equal(image[0x210], 0, "the caller's image is not patched");
  assert.deepEqual(c.files.find(([n]) => n === "etc/boot/kernel")![1], image);
  assert.equal(item(c, K.FW_CFG_INITRD_DATA), undefined);
});

Deno.test("the initrd goes page-aligned under initrd_addr_max and the ACPI reserve", () => {
  const initrd = new Uint8Array(0x1801);
  const low = qemuPcItems({ ramSize: 64 << 20, kernel: fakeBzImage(), initrd });
  const top = (64 << 20) - 0x28000 - 1;
  const expected = Math.floor((top - 0x1801) / 4096) * 4096;
  assert.equal(leValue(item(low, K.FW_CFG_INITRD_ADDR)!), expected);
  assert.equal(leValue(item(low, K.FW_CFG_INITRD_SIZE)!), 0x1801);
  assert.equal(item(low, K.FW_CFG_INITRD_DATA), initrd);
  const setup = new DataView(item(low, K.FW_CFG_SETUP_DATA)!.buffer);
  assert.equal(setup.getUint32(0x218, true), expected);
  assert.equal(setup.getUint32(0x21c, true), 0x1801);
  const capped = qemuPcItems({
    ramSize: 64 << 20,
    kernel: fakeBzImage({ initrdMax: 0x0fffff }),
    initrd,
  });
  assert.equal(leValue(item(capped, K.FW_CFG_INITRD_ADDR)!), 0xfe000);
  assert.throws(
    () => qemuPcItems({ ramSize: 1 << 20, kernel: fakeBzImage(), initrd: new Uint8Array(1 << 20) }),
    /initrd is too large/,
  );
});

Deno.test("old boot protocols load low and take the command line below 0x9a000", () => {
  const c = qemuPcItems({ ramSize: 16 << 20, kernel: fakeBzImage({ protocol: 0x201 }) });
  assert.equal(leValue(item(c, K.FW_CFG_SETUP_ADDR)!), 0x90000);
  assert.equal(leValue(item(c, K.FW_CFG_CMDLINE_ADDR)!), 0x9a000 - 16);
  const setup = new DataView(item(c, K.FW_CFG_SETUP_DATA)!.buffer);
  assert.equal(setup.getUint16(0x20, true), 0xa33f, "old command line magic");
  assert.equal(setup.getUint16(0x22, true), 0x9a000 - 16 - 0x90000);
  assert.throws(
    () =>
      qemuPcItems({
        ramSize: 16 << 20,
        kernel: fakeBzImage({ protocol: 0x1ff }),
        initrd: new Uint8Array(1),
      }),
    /too old/,
  );
  const setupSects0 = qemuPcItems({ ramSize: 16 << 20, kernel: fakeBzImage({ setupSects: 0 }) });
  assert.equal(leValue(item(setupSects0, K.FW_CFG_SETUP_SIZE)!), 5 * 512, "0 sectors means 4");
});

Deno.test("vga= on the command line sets the setup header's video mode", () => {
  const c = qemuPcItems({ ramSize: 16 << 20, kernel: fakeBzImage(), cmdline: "quiet vga=0x317" });
  assert.equal(new DataView(item(c, K.FW_CFG_SETUP_DATA)!.buffer).getUint16(0x1fa, true), 0x317);
  assert.equal(vgaMode("vga=normal"), 0xffff);
  assert.equal(vgaMode("a vga=ext b"), 0xfffe);
  assert.equal(vgaMode("vga=ask"), 0xfffd);
  assert.equal(vgaMode("vga=791 root=/dev/sda"), 791);
  assert.equal(vgaMode("vga=017"), 15);
  assert.equal(vgaMode("console=ttyS0"), undefined);
  assert.throws(() => vgaMode("vga=big"), /vga=/);
});

Deno.test("a kernel that is not a bzImage goes whole into the kernel items", () => {
  const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 9, 9]);
  const c = qemuPcItems({ ramSize: 16 << 20, kernel: elf, cmdline: "x" });
  assert.equal(leValue(item(c, K.FW_CFG_KERNEL_SIZE)!), 10);
  assert.equal(item(c, K.FW_CFG_KERNEL_DATA), elf);
  assert.equal(item(c, K.FW_CFG_SETUP_DATA), undefined);
  assert.equal(item(c, K.FW_CFG_CMDLINE_DATA), undefined, "as for QEMU's multiboot path");
});
