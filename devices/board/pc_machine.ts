import { Cpu } from "../../cpu/cpu.ts";
import { cpuid, FEAT_APIC, findCpuModel, hasFeature } from "../../cpu/cpu_model.ts";
import { APIC_LVT_LINT0, APIC_LVT_LINT1, APIC_SVR } from "../apic/registers.ts";
import { writeBiosDataArea } from "../firmware/bios_data_area.ts";
import { writeMpTable } from "../firmware/mp_table.ts";
import { pciInterruptsOf } from "../firmware/pci_interrupts.ts";
import {
  programInterruptControllers,
  writeInterruptVectorTable,
} from "../firmware/legacy_interrupts.ts";
import { formatCpuState } from "../../cpu/cpu_state_text.ts";
import { TripleFault } from "../../cpu/fault.ts";
import "../../cpu/ops/mod.ts";
import { connectFerr } from "../../cpu/ops/fpu_ops.ts";
import { run, RUN_HALTED } from "../../cpu/run.ts";
import { type CompiledModule, Jit } from "../../cpu/jit/jit.ts";
import { wasmToText } from "../../cpu/jit/wasm_text.ts";
import { RangeBus } from "../bus/range_bus.ts";
import type { Chardev } from "../chardev/mod.ts";
import { type Clock, HostClock, InstructionClock } from "../clock.ts";
import { BootImageError, findMultibootHeader, loadMultiboot } from "../firmware/multiboot.ts";
import { isLinuxImage, loadLinux } from "../firmware/linux_boot.ts";
import { Pit } from "../i8254/mod.ts";
import { PicPair } from "../i8259/mod.ts";
import { IrqLine } from "../irq.ts";
import { IoApic, ioApicPinOf, IrqSplitter, LocalApic } from "../apic/mod.ts";
import type { MachineControl } from "../machine_control.ts";
import { PhysicalMemory } from "../memory/mod.ts";
import { LAPIC_BASE } from "../memory/layout.ts";
import { Rtc } from "../mc146818/mod.ts";
import { assignPciResources, I440fx, PciBus, PciConfigPorts, Piix3 } from "../pci/mod.ts";
import { A20Gate, I8042, Port92, PostCodePort, ResetControl } from "../system_control/mod.ts";
import { TimerQueue } from "../timer_queue.ts";
import { Uart16550 } from "../uart16550/mod.ts";
import { enterBootState } from "./enter_boot.ts";
import { installFwCfg } from "../fw_cfg/mod.ts";
import { e820Map } from "../firmware/boot_state.ts";

/** Serial port bases and IRQs of COM1..COM4 on a PC. */
const COM_PORTS: [number, number][] = [[0x3f8, 4], [0x2f8, 3], [0x3e8, 4], [0x2e8, 3]];

/** Everything a device needs from the board when it is plugged in. */
export interface BoardContext {
  io: RangeBus;
  memory: PhysicalMemory;
  pci: PciBus;
  control: MachineControl;
  clock: Clock;
  timers: TimerQueue;
  /** The ISA interrupt line `n` (0–15) of the PIC pair. */
  isaIrq(n: number): IrqLine;
  /** Opens (or returns the already opened) chardev with this -chardev id. */
  chardev(id: string): Chardev;
  /** Delivers an MSI/MSI-X message to the local APIC (device-originated writes). */
  deliverMsi(address: number, data: number): void;
  /** Runs `poll` between CPU slices (device workers' interrupt requests, host I/O). */
  onSlice(poll: () => void): void;
}

/** A device instance plugged into the board (built-in or from a plugin). */
export type DeviceFactory = (ctx: BoardContext) => void;

export interface PcMachineOptions {
  /** Guest RAM in bytes. */
  memoryBytes: number;
  /** Guest memory allocated beforehand (devices that start first need it); sized by memoryBytes otherwise. */
  memory?: PhysicalMemory;
  /** `-cpu` model name. @default "qemu32" */
  cpuModel?: string;
  kernel?: { name: string; data: Uint8Array };
  /** -initrd files: the initrd for Linux, modules for multiboot. */
  initrd?: { name: string; data: Uint8Array }[];
  append?: string;
  bios?: Uint8Array;
  /** COM1.. backends, in order. */
  serial?: Chardev[];
  /** Named chardevs from -chardev. */
  chardevs?: Map<string, Chardev>;
  devices?: DeviceFactory[];
  /** -no-reboot: a reset request ends the VMM with status 0. */
  noReboot?: boolean;
  /** Ties guest time to the instruction count (1 ns per instruction × 2^shift). */
  icountShift?: number;
  /** "jit" compiles hot guest code to WebAssembly; "interp" interprets everything. @default "jit" */
  accel?: "jit" | "interp";
  /**
   * QEMU's -d items: "int" logs every interrupt and exception, "cpu_reset" dumps state on reset;
   * "jit" logs the JIT's statistics on exit, "jit_dump" each compiled module as text.
   */
  debug?: string[];
  /** Receives diagnostic lines (reset reasons…). @default stderr */
  log?: (line: string) => void;
}

/** i8042 command byte SeaBIOS leaves: keyboard IRQ, aux disabled, translation (0x01|0x20|0x40). */
const BIOS_KEYBOARD_COMMAND_BYTE = 0x61;

/** Instructions per run slice between timer checks. */
const SLICE = 20_000;
/** Wall-clock time between yields to the event loop (terminal input, workers). */
const YIELD_MS = 15;
/**
 * Most host time one run step may add to guest time (see HostClock): shorter than a 250 Hz
 * tick, so a stall of the VMM never merges two timer interrupts of such a guest.
 */
const STEP_LIMIT_NS = 4e6;

/**
 * The PC: i440FX/PIIX3 board with the ISA platform devices, one i686 CPU,
 * and the loaders the VMM uses as firmware.
 */
export class PcMachine implements MachineControl {
  readonly memory: PhysicalMemory;
  readonly io: RangeBus = new RangeBus("io", 0x10000);
  readonly cpu: Cpu;
  readonly clock: Clock;
  readonly timers: TimerQueue;
  readonly pic: PicPair = new PicPair();
  readonly lapic: LocalApic;
  readonly ioapic: IoApic;
  /** ISA interrupt lines go to both the PIC pair and the I/O APIC. */
  readonly #irqs: IrqSplitter;
  readonly pci: PciBus;
  readonly a20: A20Gate;
  #exitStatus: number | undefined;
  #resetPending: string | undefined;
  #wake: (() => void) | undefined;
  #chardevs: Map<string, Chardev>;
  readonly #log: (line: string) => void;
  readonly #options: PcMachineOptions;
  /** Device callbacks run between CPU slices. */
  readonly #pollers: (() => void)[] = [];
  /** ISA IRQs the firmware gave to PCI INTx lines. */
  #pciIrqs: number[] = [];
  /** Devices returned to their power-on state on a machine reset. */
  readonly #resettable: { reset(): void }[] = [];
  /** `-d jit_dump` output still being turned into text, in module order. */
  #jitDumps: Promise<void> = Promise.resolve();

  constructor(options: PcMachineOptions) {
    this.#options = options;
    this.#log = options.log ?? ((l) => console.error(l));
    const bios = options.bios;
    this.memory = options.memory ?? new PhysicalMemory({
      ramSize: options.memoryBytes,
      romSpace: bios ? bios.length + 0x20000 : 0,
    });
    this.cpu = new Cpu(this.memory, this.io);
    const model = findCpuModel(options.cpuModel ?? "qemu32");
    if (!model) throw new Error(`unknown CPU model '${options.cpuModel}'`);
    this.cpu.model = model;
    const cpu = this.cpu;
    if ((options.accel ?? "jit") === "jit") {
      const dump = this.#logs("jit_dump");
      cpu.jit = new Jit(cpu, dump ? { onModule: (m) => this.#dumpModule(m) } : {});
    }
    if (options.icountShift !== undefined) {
      const clock = new InstructionClock(() => cpu.instructions, 2 ** options.icountShift);
      this.clock = clock;
    } else {
      this.clock = new HostClock();
    }
    this.timers = new TimerQueue(this.clock);
    cpu.readTsc = () => BigInt(Math.floor(this.clock.now()));
    this.lapic = new LocalApic({
      clock: this.clock,
      timers: this.timers,
      pic: this.pic,
      nmi: () => {
        cpu.nmiPending = true;
        this.#wake?.();
      },
      present: hasFeature(model, FEAT_APIC),
    });
    this.lapic.register(this.memory.mmio);
    this.ioapic = new IoApic(this.lapic, { tickPins: [ioApicPinOf(0)] });
    this.ioapic.register(this.memory.mmio);
    this.#irqs = new IrqSplitter(this.pic, this.ioapic);
    cpu.interrupts = this.lapic;
    const irq13 = this.isaIrq(13);
    connectFerr(cpu, (level) => irq13.set(level));
    cpu.apicPresent = hasFeature(model, FEAT_APIC);
    cpu.apicBase = this.lapic;
    if (options.debug?.includes("int")) {
      cpu.onInterrupt = (v, code, sw) =>
        this.#log(
          `int: v=${v.toString(16).padStart(2, "0")} e=${(code >>> 0).toString(16)} ` +
            `${sw ? "INT" : "   "} cs:eip=${cpu.segSel(1).toString(16)}:${
              (cpu.eip >>> 0).toString(16)
            } ` +
            `cr2=${(cpu.mmu.cr2 >>> 0).toString(16)}`,
        );
    }
    this.#chardevs = options.chardevs ?? new Map();

    const keep = <T extends { reset(): void }>(d: T): T => {
      this.#resettable.push(d);
      return d;
    };
    keep(this.pic).register(this.io);
    keep(new Pit({ clock: this.clock, timers: this.timers, irq: this.isaIrq(0) }))
      .register(this.io);
    const rtc = new Rtc({ clock: this.clock, timers: this.timers, irq: this.isaIrq(8) });
    rtc.setMemorySize(options.memoryBytes);
    rtc.register(this.io);
    this.a20 = new A20Gate({
      onChange: (on) => {
        cpu.mmu.a20Mask = on ? -1 : ~(1 << 20);
        cpu.mmu.flushAll();
        cpu.invalidateFetch();
      },
    });
    keep(
      new I8042({ control: this, a20: this.a20, irq: this.isaIrq(1), auxIrq: this.isaIrq(12) }),
    ).register(this.io);
    keep(new Port92({ control: this, a20: this.a20 })).register(this.io);
    new PostCodePort().register(this.io);
    (options.serial ?? []).forEach((chardev, i) => {
      if (i >= COM_PORTS.length) throw new Error("at most 4 serial ports are supported");
      const [base, irq] = COM_PORTS[i];
      keep(new Uart16550({ irq: this.isaIrq(irq), chardev, timers: this.timers }))
        .register(this.io, base);
    });

    this.pci = new PciBus({ io: this.io, mmio: this.memory.mmio });
    this.pci.add(new I440fx(), { slot: 0 });
    const piix3 = new Piix3(this.#irqs);
    this.pci.add(piix3, { slot: 1 });
    this.pci.setIntxRouter(piix3);
    const resetControl = keep(new ResetControl({ control: this }));
    new PciConfigPorts(this.pci, { resetControl }).register(this.io);

    const ctx = this.context();
    // QEMU's pc machine always has fw_cfg; test suites learn the machine from it.
    keep(installFwCfg(ctx, {
      cpus: 1,
      kernel: options.kernel?.data,
      initrd: options.initrd?.[0]?.data,
      cmdline: options.append,
      e820: e820Map(options.memoryBytes),
    }));
    for (const plug of options.devices ?? []) plug(ctx);
    this.#pciIrqs = assignPciResources(this.pci);
    for (const irq of this.#pciIrqs) this.pic.setLevelTriggered(irq, true);

    if (bios) this.#mapBios(bios);
    this.#boot();
  }

  /** The view of the board handed to devices. */
  context(): BoardContext {
    return {
      io: this.io,
      memory: this.memory,
      pci: this.pci,
      control: this,
      clock: this.clock,
      timers: this.timers,
      isaIrq: (n) => this.isaIrq(n),
      deliverMsi: (address, data) => this.lapic.deliverMsi(address, data),
      onSlice: (poll) => void this.#pollers.push(poll),
      chardev: (id) => {
        const c = this.#chardevs.get(id);
        if (!c) throw new Error(`chardev '${id}' not found`);
        return c;
      },
    };
  }

  isaIrq(n: number): IrqLine {
    return new IrqLine(this.#irqs, n);
  }

  #mapBios(bios: Uint8Array): void {
    if (bios.length % 0x1000 !== 0 || bios.length < 0x1000 || bios.length > 16 << 20) {
      throw new BootImageError("BIOS image size must be a multiple of 4 KiB, at most 16 MiB");
    }
    const offset = this.memory.mapRom(2 ** 32 - bios.length, bios);
    // Like QEMU's isa-bios: the last 128 KiB (or all of a smaller ROM) also below 1 MiB.
    const low = Math.min(bios.length, 0x20000);
    this.memory.alias(0x100000 - low, offset + bios.length - low, low, true);
  }

  #boot(): void {
    const o = this.#options;
    this.cpu.reset();
    if (o.bios) return; // the CPU starts at the reset vector, F000:FFF0
    if (!o.kernel) return;
    this.#writeFirmwareTables();
    const image = o.kernel.data;
    const initrd = o.initrd ?? [];
    if (findMultibootHeader(image) >= 0 && !isLinuxImage(image)) {
      enterBootState(
        this.cpu,
        loadMultiboot(this.memory, image, {
          cmdline: o.append ?? "",
          kernelName: o.kernel.name,
          modules: initrd.map((m) => ({ name: m.name, data: m.data })),
        }),
      );
    } else if (isLinuxImage(image)) {
      if (initrd.length > 1) throw new BootImageError("Linux takes one -initrd file");
      enterBootState(
        this.cpu,
        loadLinux(this.memory, image, { cmdline: o.append ?? "", initrd: initrd[0]?.data }),
      );
    } else {
      throw new BootImageError(`${o.kernel.name}: not a Linux bzImage or multiboot kernel`);
    }
  }

  /**
   * What a BIOS leaves behind for an OS booted with -kernel: the interrupt
   * vector table with its handlers, the 8259s and the 8254 as POST programs
   * them, the keyboard controller as SeaBIOS sets it up, the BIOS data
   * area and an MP table describing the local APIC, the I/O APIC and the
   * interrupt routing (Linux without ACPI finds the I/O APIC through it).
   */
  #writeFirmwareTables(): void {
    const serialCount = Math.min(this.#options.serial?.length ?? 0, COM_PORTS.length);
    writeBiosDataArea(this.memory, {
      serialPorts: COM_PORTS.slice(0, serialCount).map(([base]) => base),
    });
    writeInterruptVectorTable(this.memory);
    programInterruptControllers(this.io);
    if (this.cpu.apicPresent) {
      // SeaBIOS's smp_setup: APIC enabled in software, LINT0 the 8259's virtual wire (ExtINT,
      // level), LINT1 NMI (level).
      const mmio = this.memory.mmio;
      mmio.write(LAPIC_BASE + APIC_SVR, 4, mmio.read(LAPIC_BASE + APIC_SVR, 4) | 0x100);
      mmio.write(LAPIC_BASE + APIC_LVT_LINT0, 4, 0x8700);
      mmio.write(LAPIC_BASE + APIC_LVT_LINT1, 4, 0x8400);
    }
    // SeaBIOS's keyboard set-up: IRQ1 on, mouse port disabled, scan codes translated to set 1.
    this.io.write(0x64, 1, 0x60);
    this.io.write(0x60, 1, BIOS_KEYBOARD_COMMAND_BYTE);
    const [signature, , , features] = cpuid(this.cpu.model, 1, this.cpu.apicPresent);
    writeMpTable(this.memory, {
      cpuSignature: signature,
      cpuFeatures: features,
      pciInterrupts: pciInterruptsOf(this.pci),
      pciIrqs: this.#pciIrqs,
    });
  }

  // ---- MachineControl

  requestReset(reason: string): void {
    this.#resetPending = reason;
    this.cpu.stopRequested = true;
    this.#wake?.();
  }

  requestExit(status: number, _reason: string): void {
    if (this.#exitStatus === undefined) this.#exitStatus = status;
    this.cpu.stopRequested = true;
    this.#wake?.();
  }

  /** Asks the machine to stop with `status` from outside (signals, Ctrl-A x). */
  stop(status = 0): void {
    this.requestExit(status, "stopped");
  }

  /** Wakes a halted CPU waiting for input (chardev receivers call this). */
  kick(): void {
    this.#wake?.();
  }

  /**
   * Runs the guest until it exits; resolves to the VMM's exit status
   * (QEMU's: 0 for power-off or reset under -no-reboot, isa-debug-exit's value).
   */
  async run(): Promise<number> {
    const cpu = this.cpu;
    let lastYield = performance.now();
    while (this.#exitStatus === undefined) {
      let halted = false;
      try {
        halted = run(cpu, SLICE) === RUN_HALTED;
      } catch (e) {
        if (!(e instanceof TripleFault)) throw e;
        this.requestReset("triple fault");
      }
      if (this.clock instanceof HostClock) this.clock.settle(STEP_LIMIT_NS);
      this.timers.runDue();
      for (const poll of this.#pollers) poll();
      if (this.#resetPending !== undefined) {
        const reason = this.#resetPending;
        this.#resetPending = undefined;
        if (this.#options.debug?.includes("cpu_reset")) this.#log(formatCpuState(cpu));
        if (this.#options.noReboot) {
          this.#exitStatus ??= 0;
          break;
        }
        this.#log(`deno-vmm: guest reset (${reason})`);
        for (const d of this.#resettable) d.reset();
        this.pci.reset();
        this.lapic.reset();
        this.ioapic.reset();
        this.a20.enabled = true;
        this.#boot();
        continue;
      }
      if (this.#exitStatus !== undefined) break;
      const idle = halted && !cpu.nmiPending &&
        !(cpu.interruptsEnabled && this.lapic.hasInterrupt());
      if (idle && await this.#idle()) {
        lastYield = performance.now();
      } else if (performance.now() - lastYield > YIELD_MS) {
        // Also when an idle -icount guest skipped ahead to its next timer without sleeping:
        // the event loop (console input, devices, whoever drives the machine) must still run.
        await new Promise((r) => setTimeout(r, 0));
        lastYield = performance.now();
      }
    }
    await this.#jitDumps;
    if (cpu.jit !== undefined && this.#logs("jit")) {
      for (const line of cpu.jit.describe().split("\n")) this.#log(line);
    }
    return this.#exitStatus ?? 0;
  }

  /** True when -d asked for log item `item` (or for all of them). */
  #logs(item: string): boolean {
    const debug = this.#options.debug ?? [];
    return debug.includes(item) || debug.includes("all");
  }

  /** Logs a compiled module as WebAssembly text (`-d jit_dump`), after those before it. */
  #dumpModule(module: CompiledModule): void {
    const n = this.cpu.jit?.stats.modules ?? 0;
    const blocks = module.blocks.map((b) => `0x${(b.eip >>> 0).toString(16)}/${b.instructions}`);
    this.#jitDumps = this.#jitDumps.then(async () => {
      this.#log(`jit: module ${n}, blocks (EIP/instructions) ${blocks.join(" ")}`);
      this.#log((await wasmToText(module.bytes)).trimEnd());
    });
  }

  /**
   * A halted CPU: skip (-icount, as QEMU's sleep=off) or sleep to the next timer deadline, or
   * until input arrives. Returns true when it slept (the event loop ran meanwhile).
   */
  async #idle(): Promise<boolean> {
    const next = this.timers.next();
    const clock = this.clock;
    if (clock instanceof InstructionClock) {
      if (next === Infinity) {
        await this.#sleep(10);
        return true;
      }
      clock.advance(Math.max(0, next - clock.now()));
      return false;
    }
    const ms = next === Infinity ? 50 : Math.max(0, (next - clock.now()) / 1e6);
    if (ms <= 0) return false;
    await this.#sleep(Math.min(ms, 50));
    if (clock instanceof HostClock) clock.resync();
    return true;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(t);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
