/**
 * The x87 floating-point unit of the i686 CPU: executes escape opcodes D8–DF, FWAIT and
 * FXSAVE/FXRSTOR against its register file, delivering errors through the host. The MMX
 * registers are the significands of that file; cpu/ops/mmx.ts reaches them through the mm*
 * accessors below.
 *
 * Error reporting (Intel SDM vol. 1 §8.7, Appendix D): an unmasked exception only sets ES and
 * B; the next waiting instruction (everything but the FN* forms, and FWAIT) then raises #MF when
 * CR0.NE = 1, or asserts FERR# when CR0.NE = 0 and carries on (the PC routes FERR# to IRQ 13 and
 * IGNNE# lets execution continue). FERR# drops when ES clears (FNCLEX, FNINIT, FNSAVE, FLDCW...).
 */
import { type F80, f80, POS_ZERO } from "./f80.ts";
import { toNumber } from "./convert.ts";
import type { FpuHost, FpuInstruction } from "./fpu_host.ts";
import { FpuState, MXCSR_DEFAULT } from "./fpu_state.ts";
import { applyFxsave, MXCSR_MASK, readFxsave, writeFxsave } from "./fxsave.ts";
import { lookup } from "./opcode_table.ts";
import { CR0_EM, CR0_MP, CR0_NE, CR0_TS, ES, VEC_GP, VEC_MF, VEC_NM, VEC_UD } from "./status.ts";
import {
  KERNEL_EXPORTS,
  kernelForm,
  kernelIndex,
  operandBytes,
  storesOperand,
} from "./x87_forms.ts";
import { type X87Kernel, x87KernelsFor } from "./x87_kernel_source.ts";
import { X87_AREA_BYTES, X87_SCRATCH } from "./x87_layout.ts";

/** Where a unit keeps its register file: a memory and the byte offset of its x87 area. */
export interface X87Area {
  memory: WebAssembly.Memory;
  offset: number;
}

/** The x87 unit. */
export class Fpu {
  readonly #host: FpuHost;
  readonly #state: FpuState;
  #ferr = false;
  /**
   * XMM0–XMM7 as 32 doublewords, XMMn lane i at [4n + i] (SSE, SDM vol. 1 §10.2.2). They belong
   * here because FXSAVE/FXRSTOR save and restore them with the x87 state; a CPU passes a view of
   * its state block (cpu/state_layout.ts XMM_BYTES), where SIMD kernels and compiled code reach them.
   */
  readonly xmm: Uint32Array;

  /** The x87 kernels (cpu/fpu/x87_kernels.ts) and the byte offset of the area they work on. */
  readonly #kernels: X87Kernel[];
  readonly #area: number;
  /** The kernel's store result, as words. */
  readonly #scratch: Uint32Array;

  /**
   * `xmm` (32 words) and `mxcsr` (one word) may be views of a CPU's state block, and `x87` its
   * x87 area (cpu/state_layout.ts X87_BYTES); a unit used alone keeps them in memory of its own.
   */
  constructor(
    host: FpuHost,
    xmm: Uint32Array = new Uint32Array(32),
    mxcsr: Uint32Array = new Uint32Array(1),
    x87: X87Area = {
      memory: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }),
      offset: 0,
    },
  ) {
    this.#host = host;
    const buffer = x87.memory.buffer;
    this.#state = new FpuState(mxcsr, new Uint32Array(buffer, x87.offset, X87_AREA_BYTES >> 2));
    const kernels = x87KernelsFor(x87.memory);
    this.#kernels = KERNEL_EXPORTS.map((k) => kernels[k.name]);
    this.#area = x87.offset;
    this.#scratch = new Uint32Array(buffer, x87.offset + X87_SCRATCH, 3);
    this.xmm = xmm;
    this.reset();
  }

  /** Power-on state as after FNINIT (CW 0x037F, SW 0, all registers empty), registers zeroed. */
  reset(): void {
    const s = this.#state;
    s.init();
    for (let p = 0; p < 8; p++) s.setReg(p, POS_ZERO);
    s.mxcsr = MXCSR_DEFAULT;
    this.xmm.fill(0);
    this.#syncFerr();
  }

  /**
   * Executes one escape instruction. Order of checks: CR0.EM or CR0.TS → #NM; an undefined
   * encoding → #UD; a waiting instruction with a pending unmasked exception → #MF (or FERR#).
   * A guest fault thrown by a memory access leaves the unit unchanged.
   */
  execute(insn: FpuInstruction): void {
    const host = this.#host;
    if (host.cr0 & (CR0_EM | CR0_TS)) host.raise(VEC_NM);
    const kernel = kernelIndex(insn.opcode, insn.modrm);
    if (kernel >= 0 && this.#runKernel(kernel, insn)) return;
    const form = lookup(insn.opcode, insn.modrm);
    if (form === undefined) return host.raise(VEC_UD);
    if (!form.noWait) this.#deliverPending();
    form.exec(this.#state, host, insn);
    if (!form.control) this.#recordPointers(insn);
    this.#syncFerr();
  }

  /** FWAIT (9B): #NM when CR0.TS and CR0.MP are both set, then delivers a pending exception. */
  fwait(): void {
    const cr0 = this.#host.cr0;
    if ((cr0 & CR0_TS) && (cr0 & CR0_MP)) this.#host.raise(VEC_NM);
    this.#deliverPending();
  }

  /**
   * FXSAVE m512 (0F AE /0). #UD when CR0.EM, #NM when CR0.TS, #GP(0) when `address` is not
   * 16-byte aligned (SDM FXSAVE). Pending x87 exceptions are neither delivered nor cleared.
   */
  fxsave(address: number): void {
    this.#checkFxsr(address);
    writeFxsave(this.#state, this.#host, address, this.xmm);
  }

  /** FXRSTOR m512 (0F AE /1): as FXSAVE for faults, plus #GP(0) for reserved MXCSR bits. */
  fxrstor(address: number): void {
    this.#checkFxsr(address);
    const image = readFxsave(this.#host, address);
    if (image.mxcsr & ~MXCSR_MASK) this.#host.raise(VEC_GP);
    applyFxsave(this.#state, image);
    this.xmm.set(image.xmm);
    this.#syncFerr();
  }

  /**
   * The checks every MMX instruction makes before it touches anything (SDM vol. 2, MMX
   * instructions' exceptions): CR0.EM → #UD, CR0.TS → #NM, then a pending unmasked x87
   * exception → #MF (FERR# when CR0.NE = 0), as for waiting x87 instructions.
   */
  mmxCheck(): void {
    const cr0 = this.#host.cr0;
    if (cr0 & CR0_EM) this.#host.raise(VEC_UD);
    if (cr0 & CR0_TS) this.#host.raise(VEC_NM);
    this.#deliverPending();
  }

  /** Bits 31–0 of MMn: the significand of physical register n, not of ST(n) (SDM vol. 1 §9.5). */
  mmLow(n: number): number {
    return this.#state.significandWord(n, false);
  }

  /** Bits 63–32 of MMn. */
  mmHigh(n: number): number {
    return this.#state.significandWord(n, true);
  }

  /** Writes MMn: the value becomes the significand, sign and exponent become all ones (§9.5.1). */
  writeMm(n: number, lo: number, hi: number): void {
    this.#state.setReg(n, f80(0xffff, hi, lo));
  }

  /**
   * What every MMX instruction but EMMS does to the x87 state once it completes: TOP = 0 and
   * every register tagged valid (SDM vol. 1 §9.5.1, table 9-2). Other fields are left alone.
   */
  mmxTouch(): void {
    this.#state.top = 0;
    this.#state.emptyMask = 0;
  }

  /** EMMS (0F 77): TOP = 0 and every register tagged empty (SDM vol. 1 table 9-2). */
  emms(): void {
    this.#state.top = 0;
    this.#state.emptyMask = 0xff;
  }

  /** ST(i) as the nearest float64 (NaN for NaNs and unsupported encodings), empty or not. */
  st(i: number): number {
    return toNumber(this.#state.st(i));
  }

  /** ST(i) exactly as held, empty or not. */
  register(i: number): F80 {
    return this.#state.st(i);
  }

  /** True when ST(i) is tagged empty. */
  isEmpty(i: number): boolean {
    return this.#state.isEmpty(i);
  }

  /** The control word. */
  get controlWord(): number {
    return this.#state.cw;
  }

  /** The status word, TOP included. */
  get statusWord(): number {
    return this.#state.statusWord;
  }

  /** The full tag word as FNSTENV would store it. */
  get tagWord(): number {
    return this.#state.tagWord;
  }

  /** The MXCSR value FXSAVE stores. */
  get mxcsr(): number {
    return this.#state.mxcsr;
  }

  /** Loads MXCSR (LDMXCSR, SSE instructions' flags); reserved bits are the caller's check. */
  set mxcsr(value: number) {
    this.#state.mxcsr = value & MXCSR_MASK;
  }

  /** The last instruction pointer, data pointer and opcode as FNSTENV would store them. */
  get pointers(): { fip: number; fcs: number; fop: number; fdp: number; fds: number } {
    const s = this.#state;
    return { fip: s.fip, fcs: s.fcs, fop: s.fop, fdp: s.fdp, fds: s.fds };
  }

  #checkFxsr(address: number): void {
    const cr0 = this.#host.cr0;
    if (cr0 & CR0_EM) this.#host.raise(VEC_UD);
    if (cr0 & CR0_TS) this.#host.raise(VEC_NM);
    if (address & 15) this.#host.raise(VEC_GP);
  }

  #deliverPending(): void {
    if ((this.#state.sw & ES) === 0) return;
    if (this.#host.cr0 & CR0_NE) this.#host.raise(VEC_MF);
    if (!this.#ferr) {
      this.#ferr = true;
      this.#host.setFerr(true);
    }
  }

  #syncFerr(): void {
    if (this.#ferr && (this.#state.sw & ES) === 0) {
      this.#ferr = false;
      this.#host.setFerr(false);
    }
  }

  /**
   * Runs `insn` through x87 kernel number `kernel` (x87_forms.ts KERNEL_EXPORTS): true when it
   * executed it (registers, status word and pointers updated, a store written), false when it
   * declined and nothing changed. A pending exception is left to the exact path before any
   * memory operand is touched, so #MF keeps its priority over a fault of the operand; a store's
   * page is checked writable before the kernel commits anything, so the write that follows
   * cannot fault.
   */
  #runKernel(kernel: number, insn: FpuInstruction): boolean {
    if (this.#state.sw & ES) return false;
    const form = kernelForm(insn.opcode, insn.modrm);
    const host = this.#host, bytes = operandBytes(form), store = storesOperand(form);
    const addr = insn.address >>> 0;
    let lo = 0, hi = 0, ext = 0;
    if (bytes !== 0) {
      if (store) {
        if (host.probeWrite === undefined) return false;
        host.probeWrite(addr, bytes);
      } else {
        lo = bytes === 2 ? host.read16(addr) : host.read32(addr);
        if (bytes >= 8) hi = host.read32((addr + 4) >>> 0);
        if (bytes === 10) ext = host.read16((addr + 8) >>> 0);
      }
    }
    const done = this.#kernels[kernel](
      this.#area,
      form,
      lo,
      hi,
      ext,
      this.#area + X87_SCRATCH,
      insn.eip,
      bytes === 0 ? 0 : this.#dataPointer(insn),
      (insn.cs & 0xffff) | ((insn.ds & 0xffff) << 16),
    );
    if (done === 0) return false;
    if (store) {
      if (bytes === 2) host.write16(addr, this.#scratch[0] & 0xffff);
      else host.write32(addr, this.#scratch[0]);
      if (bytes >= 8) host.write32((addr + 4) >>> 0, this.#scratch[1]);
      if (bytes === 10) host.write16((addr + 8) >>> 0, this.#scratch[2] & 0xffff);
    }
    return true;
  }

  /** The FDP of a memory form: the operand's offset in its segment. */
  #dataPointer(insn: FpuInstruction): number {
    return insn.dataOffset ??
      (insn.protectedMode ? insn.address >>> 0 : (insn.address - (insn.ds & 0xffff) * 16) >>> 0);
  }

  /** FIP/FCS/FOP always, FDP/FDS for memory forms (SDM §8.1.8, §8.1.9). */
  #recordPointers(insn: FpuInstruction): void {
    const s = this.#state;
    s.fip = insn.eip >>> 0;
    s.fcs = insn.cs & 0xffff;
    s.fop = ((insn.opcode & 7) << 8) | (insn.modrm & 0xff);
    if (insn.modrm < 0xc0) {
      s.fds = insn.ds & 0xffff;
      s.fdp = this.#dataPointer(insn);
    }
  }
}
