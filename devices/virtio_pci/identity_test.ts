import assert from "node:assert/strict";
import { PCI_CAP_ID_MSIX, PCI_CAP_ID_VNDR } from "../pci/config_regs.ts";
import { FakeDevice, virtioRig } from "./_test_rig.ts";
import { VirtioPciFunction } from "./virtio_pci_function.ts";
import { VIRTIO_PCI_CAP } from "./virtio_constants.ts";

Deno.test("a transitional virtio-blk function is 1af4:1001 rev 0 with subsystem 1af4:0002, pin A", () => {
  const { cfgRead } = virtioRig({ classCode: 0x0100 });
  assert.equal(cfgRead(0x00, 4), 0x10011af4);
  assert.equal(cfgRead(0x08, 4), 0x01000000, "revision 0, prog-if 0, class 0100");
  assert.equal(cfgRead(0x2c, 4), 0x00021af4);
  assert.equal(cfgRead(0x3d, 1), 1);
  assert.equal(cfgRead(0x0e, 1), 0, "single-function type 0 header");
});

Deno.test("each classic device type gets its transitional device ID and subsystem ID", () => {
  const ids: [type: number, id: number][] = [[1, 0x1000], [2, 0x1001], [5, 0x1002], [3, 0x1003], [
    4,
    0x1005,
  ]];
  for (const [type, id] of ids) {
    const { cfgRead } = virtioRig({ device: new FakeDevice({ deviceId: type }) });
    assert.equal(cfgRead(0x02, 2), id, `type ${type}`);
    assert.equal(cfgRead(0x2e, 2), type, `subsystem of type ${type}`);
  }
});

Deno.test("a modern-only function is 1af4:1040+type, revision 1, without BAR0", () => {
  const { cfgRead, fn } = virtioRig({
    device: new FakeDevice({ deviceId: 1 }),
    classCode: 0x0200,
    disableLegacy: true,
  });
  assert.equal(cfgRead(0x00, 4), 0x10411af4);
  assert.equal(cfgRead(0x08, 1), 1);
  assert.equal(cfgRead(0x0a, 2), 0x0200);
  assert.equal(cfgRead(0x10, 4), 0, "BAR0 is not implemented");
  assert.equal(fn.legacyHandler, undefined);
  assert.notEqual(fn.barAddress(4), undefined);
});

Deno.test("BAR0 is an I/O BAR of the next power of two of the registers plus device config", () => {
  const cases: [configSize: number, vectors: number, size: number][] = [
    [8, 0, 32], // 20 + 8
    [8, 2, 32], // 24 + 8
    [12, 0, 32], // 20 + 12
    [12, 2, 64], // 24 + 12
    [0, 0, 32], // 20
    [60, 0, 128], // 20 + 60
  ];
  for (const [configSize, vectors, size] of cases) {
    const { cfgWrite, cfgRead } = virtioRig({
      device: new FakeDevice({ configSize }),
      vectors,
      firmware: false,
    });
    cfgWrite(0x10, 4, 0xffffffff);
    const probe = cfgRead(0x10, 4);
    assert.equal(probe & 1, 1, "I/O space");
    assert.equal((~(probe & ~3) + 1) & 0xffff, size, `config ${configSize}, vectors ${vectors}`);
  }
});

Deno.test("a transitional function lists the modern vendor capabilities before MSI-X, as QEMU places them", () => {
  const { capabilities, cfgRead } = virtioRig({ vectors: 3 });
  const caps = capabilities();
  assert.deepEqual(
    caps.map(({ offset, id }) => [offset, id]),
    [
      [0x40, PCI_CAP_ID_VNDR],
      [0x50, PCI_CAP_ID_VNDR],
      [0x60, PCI_CAP_ID_VNDR],
      [0x70, PCI_CAP_ID_VNDR],
      [0x84, PCI_CAP_ID_VNDR],
      [0x98, PCI_CAP_ID_MSIX],
    ],
  );
  assert.deepEqual(caps.slice(0, 5).map((c) => c.type), [
    VIRTIO_PCI_CAP.COMMON_CFG,
    VIRTIO_PCI_CAP.ISR_CFG,
    VIRTIO_PCI_CAP.DEVICE_CFG,
    VIRTIO_PCI_CAP.NOTIFY_CFG,
    VIRTIO_PCI_CAP.PCI_CFG,
  ]);
  assert.equal(cfgRead(0x06, 2) & 0x10, 0x10, "status announces the capability list");
});

Deno.test("disableModern leaves only the legacy BAR and the MSI-X capability", () => {
  const { capabilities, fn, cfgRead } = virtioRig({ vectors: 2, disableModern: true });
  assert.deepEqual(capabilities().map((c) => [c.offset, c.id]), [[0x40, PCI_CAP_ID_MSIX]]);
  assert.equal(fn.modernHandler, undefined);
  assert.equal(cfgRead(0x20, 4), 0, "BAR4 is not implemented");
  assert.equal(cfgRead(0x02, 2), 0x1001);
});

Deno.test("no MSI-X vectors means no MSI-X capability and no BAR1", () => {
  const { capabilities, cfgRead, fn } = virtioRig({ vectors: 0 });
  assert.ok(capabilities().every((c) => c.id !== PCI_CAP_ID_MSIX));
  assert.equal(cfgRead(0x14, 4), 0);
  assert.equal(fn.msix, undefined);
});

Deno.test("contradictory or impossible transport options throw clear errors", () => {
  const dev = (fields = {}) => new FakeDevice(fields);
  assert.throws(
    () => new VirtioPciFunction(dev(), { classCode: 0, disableLegacy: true, disableModern: true }),
    /leave no interface/,
  );
  assert.throws(
    () => new VirtioPciFunction(dev({ deviceId: 16 }), { classCode: 0 }),
    /no transitional PCI ID/,
  );
  assert.doesNotThrow(() =>
    new VirtioPciFunction(dev({ deviceId: 16 }), { classCode: 0, disableLegacy: true })
  );
  assert.throws(() => new VirtioPciFunction(dev(), { classCode: 0, vectors: 2 }), /deliverMsi/);
  assert.throws(
    () => new VirtioPciFunction(dev(), { classCode: 0, vectors: 4096, deliverMsi: () => {} }),
    /MSI-X vectors/,
  );
  assert.throws(
    () => new VirtioPciFunction(dev({ queueSizes: [100] }), { classCode: 0 }),
    /power of two/,
  );
  assert.throws(() => new VirtioPciFunction(dev({ deviceId: 0 }), { classCode: 0 }), /type 0/);
});
