import type { AccessSize } from "../bus/access.ts";
import { RangeBus } from "../bus/range_bus.ts";
import { assignPciResources } from "../pci/assign_resources.ts";
import { PCI_BASE_ADDRESS_0, PCI_CAPABILITY_LIST } from "../pci/config_regs.ts";
import { PciConfigPorts } from "../pci/config_ports.ts";
import { PciBus } from "../pci/pci_bus.ts";
import type { VirtioActivation, VirtioDevice } from "./virtio_device.ts";
import { VirtioPciFunction, type VirtioPciOptions } from "./virtio_pci_function.ts";

/** A virtio device that records what the transport tells it and serves config from bytes. */
export class FakeDevice implements VirtioDevice {
  deviceId = 2;
  features = 0n;
  queueSizes: number[] = [256];
  configSize = 8;
  badFeaturesFallback?: bigint;
  readonly config: Uint8Array;
  readonly configReads: [offset: number, size: number][] = [];
  readonly configWrites: [offset: number, size: number, value: number][] = [];
  readonly activations: VirtioActivation[] = [];
  readonly notifies: number[] = [];
  resets = 0;

  constructor(fields: Partial<Pick<FakeDevice, "deviceId" | "features" | "configSize">> & {
    queueSizes?: number[];
    badFeaturesFallback?: bigint;
  } = {}) {
    Object.assign(this, fields);
    this.config = new Uint8Array(this.configSize).map((_, i) => 0xa0 + i);
  }

  /** The most recent activation. */
  get ctx(): VirtioActivation {
    const ctx = this.activations.at(-1);
    if (!ctx) throw new Error("the device was never activated");
    return ctx;
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    this.configReads.push([offset, size]);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | this.config[offset + i];
    return v >>> 0;
  }

  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void {
    this.configWrites.push([offset, size, value]);
  }

  activate(ctx: VirtioActivation): void {
    this.activations.push(ctx);
  }

  notify(index: number): void {
    this.notifies.push(index);
  }

  reset(): void {
    this.resets++;
  }
}

/** Options of {@link virtioRig}. */
export interface RigOptions<D extends VirtioDevice = FakeDevice> extends Partial<VirtioPciOptions> {
  /** The device; a one-queue block-like fake by default. */
  device?: D;
  /** Let firmware (`assignPciResources`) place BARs and enable decoding and mastering. */
  firmware?: boolean;
}

const SLOT = 3;

/**
 * A PC's view of one virtio function in slot 3: configuration cycles through 0xcf8/0xcfc, BARs on
 * the I/O and memory buses, INTx A observed at the bus, MSI messages recorded.
 */
export function virtioRig<D extends VirtioDevice = FakeDevice>(options: RigOptions<D> = {}) {
  const io = new RangeBus("io", 0x10000);
  const mmio = new RangeBus("mmio", 2 ** 32);
  const bus = new PciBus({ io, mmio });
  new PciConfigPorts(bus).register(io);
  const intx: boolean[] = [];
  bus.setIntxRouter({
    setPciIntx: (slot, pin, level) => {
      if (slot === SLOT && pin === 1) intx.push(level);
    },
  });
  const msis: [address: number, data: number][] = [];
  const device = (options.device ?? new FakeDevice()) as D;
  const fn = new VirtioPciFunction(device, {
    classCode: 0x0100,
    deliverMsi: (address, data) => msis.push([address, data]),
    ...options,
  });
  bus.add(fn, { slot: SLOT });
  if (options.firmware ?? true) assignPciResources(bus);

  const select = (offset: number) =>
    io.write(0xcf8, 4, 0x80000000 | (SLOT << 11) | (offset & 0xfc));
  const cfgRead = (offset: number, size: AccessSize) => {
    select(offset);
    return io.read(0xcfc + (offset & 3), size);
  };
  const cfgWrite = (offset: number, size: AccessSize, value: number) => {
    select(offset);
    io.write(0xcfc + (offset & 3), size, value);
  };
  const barBase = (index: number) => {
    const v = cfgRead(PCI_BASE_ADDRESS_0 + 4 * index, 4);
    return (v & 1 ? v & ~3 : v & ~0xf) >>> 0;
  };
  /** Legacy BAR0 access, as `ioread8/16/32(bar0 + offset)`. */
  const legacy = {
    read: (offset: number, size: AccessSize) => io.read(barBase(0) + offset, size),
    write: (offset: number, size: AccessSize, value: number) =>
      io.write(barBase(0) + offset, size, value),
  };
  /** Memory access into BAR `index`. */
  const mem = (index: number) => ({
    read: (offset: number, size: AccessSize) => mmio.read(barBase(index) + offset, size),
    write: (offset: number, size: AccessSize, value: number) =>
      mmio.write(barBase(index) + offset, size, value),
  });
  /** The capability list as a driver walks it: offset, ID and (vendor) cfg_type. */
  const capabilities = () => {
    const out: { offset: number; id: number; type: number }[] = [];
    for (let p = cfgRead(PCI_CAPABILITY_LIST, 1); p !== 0; p = cfgRead(p + 1, 1)) {
      out.push({ offset: p, id: cfgRead(p, 1), type: cfgRead(p + 3, 1) });
    }
    return out;
  };
  /** INTx A of the slot as the interrupt router last saw it. */
  const intxLevel = () => intx.at(-1) ?? false;
  return {
    io,
    mmio,
    bus,
    fn,
    device,
    msis,
    intx,
    intxLevel,
    cfgRead,
    cfgWrite,
    barBase,
    legacy,
    mem,
    capabilities,
  };
}
