import assert from "node:assert/strict";
import { PCI_CAP_ID_MSIX } from "../pci/config_regs.ts";
import { FakeDevice, type RigOptions, virtioRig } from "./_test_rig.ts";
import { VIRTIO_PCI_LEGACY as R } from "./legacy_registers.ts";

const NO_VECTOR = 0xffff;

/** A function with MSI-X whose entries `v` hold address 0xfee0_0000 + v * 0x1000, data 0x40 + v. */
function withMsix(options: RigOptions = {}) {
  const device = options.device ?? new FakeDevice({ queueSizes: [16, 16] });
  const rig = virtioRig({ vectors: 3, ...options, device });
  const cap = rig.capabilities().find((c) => c.id === PCI_CAP_ID_MSIX)!.offset;
  const table = rig.mem(1);
  const program = (v: number) => {
    table.write(16 * v, 4, 0xfee0_0000 + v * 0x1000);
    table.write(16 * v + 4, 4, 0);
    table.write(16 * v + 8, 4, 0x40 + v);
  };
  const setMask = (v: number, masked: boolean) => table.write(16 * v + 12, 4, masked ? 1 : 0);
  const control = (value: number) => rig.cfgWrite(cap + 2, 2, value);
  const enable = () => control(0x8000);
  const pending = () => table.read(0x800, 4);
  return { ...rig, device, cap, table, program, setMask, control, enable, pending };
}

/** Legacy bring-up with MSI-X on: queues at PFN 0x10 + i, config vector 0, queue i vector i + 1. */
function started(options: RigOptions = {}) {
  const rig = withMsix(options);
  const { legacy, program, setMask, enable } = rig;
  for (let v = 0; v < 3; v++) {
    program(v);
    setMask(v, false);
  }
  enable();
  legacy.write(R.MSI_CONFIG_VECTOR, 2, 0);
  for (let q = 0; q < 2; q++) {
    legacy.write(R.QUEUE_SEL, 2, q);
    legacy.write(R.QUEUE_PFN, 4, 0x10 + q);
    legacy.write(R.MSI_QUEUE_VECTOR, 2, q + 1);
  }
  legacy.write(R.STATUS, 1, 0x07);
  return rig;
}

Deno.test("the MSI-X capability puts the table at BAR1 offset 0 and the PBA at 0x800 of 4 KiB", () => {
  const { cap, cfgRead, cfgWrite, fn } = withMsix({ firmware: false });
  assert.equal(cfgRead(cap + 2, 2), 2, "table size field is vectors - 1, MSI-X off");
  assert.equal(cfgRead(cap + 4, 4), 0x0000_0001, "table at offset 0 of BAR1");
  assert.equal(cfgRead(cap + 8, 4), 0x0000_0801, "PBA at 0x800 of BAR1");
  cfgWrite(0x14, 4, 0xffffffff);
  assert.equal(cfgRead(0x14, 4), 0xfffff000, "a 4 KiB 32-bit memory BAR");
  cfgWrite(cap + 2, 2, 0xffff);
  assert.equal(cfgRead(cap + 2, 2), 0xc002, "only enable and function mask are writable");
  assert.equal(fn.msix?.barSize, 4096);
});

Deno.test("device config moves from offset 20 to 24 while MSI-X is enabled", () => {
  const { legacy, enable, control, device } = withMsix();
  assert.equal(legacy.read(20, 1), 0xa0, "MSI-X off: config at 20");
  enable();
  assert.equal(legacy.read(24, 1), 0xa0, "MSI-X on: config at 24");
  assert.equal(legacy.read(R.MSI_CONFIG_VECTOR, 2), NO_VECTOR);
  control(0);
  assert.equal(legacy.read(22, 2), 0xa3a2);
  assert.deepEqual(device.configReads, [[0, 1], [0, 1], [2, 2]]);
});

Deno.test("a vector the device cannot use reads back as VIRTIO_NO_VECTOR", () => {
  const { legacy, enable } = withMsix();
  enable();
  legacy.write(R.MSI_CONFIG_VECTOR, 2, 2);
  assert.equal(legacy.read(R.MSI_CONFIG_VECTOR, 2), 2);
  legacy.write(R.MSI_CONFIG_VECTOR, 2, 3);
  assert.equal(legacy.read(R.MSI_CONFIG_VECTOR, 2), NO_VECTOR, "3 vectors: 0-2 only");
  legacy.write(R.QUEUE_SEL, 2, 1);
  legacy.write(R.MSI_QUEUE_VECTOR, 2, 1);
  assert.equal(legacy.read(R.MSI_QUEUE_VECTOR, 2), 1);
  legacy.write(R.MSI_QUEUE_VECTOR, 2, 0x8000);
  assert.equal(legacy.read(R.MSI_QUEUE_VECTOR, 2), NO_VECTOR);
  legacy.write(R.QUEUE_SEL, 2, 5);
  assert.equal(legacy.read(R.MSI_QUEUE_VECTOR, 2), NO_VECTOR, "a queue the device lacks");
});

Deno.test("a queue interrupt with MSI-X enabled sends that queue's message and leaves INTx low", () => {
  const { device, msis, intx } = started();
  device.ctx.interruptQueue(1);
  device.ctx.interruptConfig();
  assert.deepEqual(msis, [[0xfee0_2000, 0x42], [0xfee0_0000, 0x40]]);
  assert.deepEqual(intx, []);
});

Deno.test("a queue whose vector is VIRTIO_NO_VECTOR raises no interrupt under MSI-X", () => {
  const { device, legacy, msis, intx } = started();
  legacy.write(R.QUEUE_SEL, 2, 0);
  legacy.write(R.MSI_QUEUE_VECTOR, 2, NO_VECTOR);
  device.ctx.interruptQueue(0);
  assert.deepEqual(msis, []);
  assert.deepEqual(intx, []);
});

Deno.test("a masked vector sets its pending bit in the PBA and is delivered on unmask", () => {
  const { device, setMask, pending, msis } = started();
  setMask(2, true);
  device.ctx.interruptQueue(1);
  assert.deepEqual(msis, []);
  assert.equal(pending(), 0b100);
  setMask(2, false);
  assert.deepEqual(msis, [[0xfee0_2000, 0x42]]);
  assert.equal(pending(), 0);
});

Deno.test("the function mask holds every vector pending until it is cleared", () => {
  const { device, control, pending, msis } = started();
  control(0xc000);
  device.ctx.interruptQueue(0);
  device.ctx.interruptConfig();
  assert.deepEqual(msis, []);
  assert.equal(pending(), 0b011);
  control(0x8000);
  assert.deepEqual(msis, [[0xfee0_0000, 0x40], [0xfee0_1000, 0x41]]);
  assert.equal(pending(), 0);
});

Deno.test("enabling MSI-X lowers an asserted INTx", () => {
  const { device, legacy, enable, intxLevel } = withMsix();
  legacy.write(R.QUEUE_PFN, 4, 0x10);
  legacy.write(R.STATUS, 1, 0x07);
  device.ctx.interruptQueue(0);
  assert.equal(intxLevel(), true);
  enable();
  assert.equal(intxLevel(), false);
});

Deno.test("no MSI-X message is sent while bus mastering is off", () => {
  const { device, cfgRead, cfgWrite, msis } = started();
  cfgWrite(0x04, 2, cfgRead(0x04, 2) & ~0x4);
  device.ctx.interruptQueue(0);
  assert.deepEqual(msis, []);
});

Deno.test("a virtio reset returns vectors to VIRTIO_NO_VECTOR but keeps MSI-X enabled", () => {
  const { legacy, cfgRead, cap, table } = started();
  legacy.write(R.STATUS, 1, 0);
  assert.equal(cfgRead(cap + 2, 2) & 0x8000, 0x8000);
  assert.equal(legacy.read(R.MSI_CONFIG_VECTOR, 2), NO_VECTOR);
  legacy.write(R.QUEUE_SEL, 2, 1);
  assert.equal(legacy.read(R.MSI_QUEUE_VECTOR, 2), NO_VECTOR);
  assert.equal(table.read(16 + 8, 4), 0x41, "the table is the driver's, untouched");
});

Deno.test("a PCI reset disables MSI-X, clears the table and masks every vector", () => {
  const { bus, cfgRead, cfgWrite, cap, table, fn } = started();
  bus.reset();
  assert.equal(cfgRead(cap + 2, 2), 2);
  cfgWrite(0x14, 4, fn.msix!.barSize * 16); // place BAR1 again to look at the table
  cfgWrite(0x04, 2, 0x06);
  for (let v = 0; v < 3; v++) {
    assert.equal(table.read(16 * v, 4), 0);
    assert.equal(table.read(16 * v + 12, 4), 1, `vector ${v} masked`);
  }
});

Deno.test("vector control keeps only its mask bit and the PBA ignores writes", () => {
  const { table, pending } = withMsix();
  table.write(12, 4, 0xffff_fffe);
  assert.equal(table.read(12, 4), 0);
  table.write(0x800, 4, 0xffff_ffff);
  assert.equal(pending(), 0);
  assert.equal(table.read(0x400, 4), 0, "the gap between table and PBA reads 0");
});
