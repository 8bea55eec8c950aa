import type { Cpu } from "../cpu.ts";
import { CpuFault, GP } from "../fault.ts";
import { Fpu } from "../fpu/mod.ts";
import type { FpuHost, FpuInstruction } from "../fpu/fpu_host.ts";
import { define } from "../opcode_table.ts";
import { CS, MXCSR_BYTES, X87_BYTES, XMM_BYTES } from "../state_layout.ts";
import { FEAT_CMOV } from "../cpu_model.ts";
import { isP6FpuOpcode, requireFeature } from "./feature_gate.ts";

/** The CPU seen from the x87 unit: linear memory, CR0, EFLAGS, AX, exceptions, FERR#. */
class CpuFpuHost implements FpuHost {
  /** Set by the board: drives IRQ 13 for unmasked exceptions when CR0.NE = 0. */
  ferr: (level: boolean) => void = () => {};
  constructor(readonly cpu: Cpu) {}
  read8(addr: number): number {
    return this.cpu.readLin8(addr);
  }
  read16(addr: number): number {
    return this.cpu.readLin16(addr);
  }
  read32(addr: number): number {
    return this.cpu.readLin32(addr) >>> 0;
  }
  write8(addr: number, v: number): void {
    this.cpu.writeLin8(addr, v);
  }
  write16(addr: number, v: number): void {
    this.cpu.writeLin16(addr, v);
  }
  write32(addr: number, v: number): void {
    this.cpu.writeLin32(addr, v);
  }
  probeWrite(addr: number, size: number): void {
    this.cpu.probeWrite(addr, size);
  }
  get cr0(): number {
    return this.cpu.mmu.cr0;
  }
  raise(vector: number): never {
    throw new CpuFault(vector, vector === GP ? 0 : -1);
  }
  setFerr(level: boolean): void {
    this.ferr(level);
  }
  getFlags(): number {
    return this.cpu.eflags;
  }
  setFlags(v: number): void {
    this.cpu.eflags = v;
  }
  setAx(v: number): void {
    this.cpu.r16[0] = v;
  }
}

/** The x87 unit of `cpu`, created on first use. */
export function fpuOf(cpu: Cpu): Fpu {
  let fpu = cpu.ext.fpu as Fpu | undefined;
  if (!fpu) {
    const host = new CpuFpuHost(cpu);
    const phys = cpu.phys;
    const buffer = phys.memory.buffer;
    fpu = new Fpu(
      host,
      new Uint32Array(buffer, phys.cpuArea + XMM_BYTES, 32),
      new Uint32Array(buffer, phys.cpuArea + MXCSR_BYTES, 1),
      { memory: phys.memory, offset: phys.cpuArea + X87_BYTES },
    );
    cpu.ext.fpu = fpu;
    cpu.ext.fpuHost = host;
  }
  return fpu;
}

/** Wires FERR# of `cpu`'s FPU to an interrupt line (IRQ 13 on a PC). */
export function connectFerr(cpu: Cpu, ferr: (level: boolean) => void): void {
  fpuOf(cpu);
  (cpu.ext.fpuHost as CpuFpuHost).ferr = ferr;
}

/** The instruction handed to the unit, filled in for each one (the unit keeps no reference). */
const INSN: FpuInstruction = {
  opcode: 0,
  modrm: 0,
  address: 0,
  dataOffset: 0,
  operandSize32: true,
  protectedMode: true,
  cs: 0,
  eip: 0,
  ds: 0,
};

for (let op = 0xd8; op <= 0xdf; op++) {
  define(op, `esc ${op.toString(16)}`, (cpu) => {
    cpu.decodeModrm();
    const modrm = (cpu.mod << 6) | (cpu.reg << 3) | cpu.rm;
    if (isP6FpuOpcode(op, modrm)) requireFeature(cpu, FEAT_CMOV);
    const insn = INSN as { -readonly [K in keyof FpuInstruction]: FpuInstruction[K] };
    insn.opcode = op;
    insn.modrm = modrm;
    // Segment limits are not checked for x87 memory operands; paging still is.
    insn.address = cpu.mod === 3 ? 0 : (cpu.segBase(cpu.eaSeg) + cpu.eaOff) | 0;
    insn.dataOffset = cpu.mod === 3 ? 0 : cpu.eaOff >>> 0;
    insn.operandSize32 = cpu.o32;
    insn.protectedMode = cpu.protectedMode && !cpu.v86;
    insn.cs = cpu.segSel(CS);
    insn.eip = cpu.startEip;
    insn.ds = cpu.mod === 3 ? 0 : cpu.segSel(cpu.eaSeg);
    fpuOf(cpu).execute(insn);
  });
}

define(0x9b, "fwait", (cpu) => fpuOf(cpu).fwait());
