/** What the x87 unit needs from the CPU around it: memory, CR0, EFLAGS, AX and exception delivery. */
export interface FpuHost {
  /** Reads a byte at a linear address; may throw a guest fault (e.g. a page fault). */
  read8(addr: number): number;
  /** Reads a 16-bit little-endian word at a linear address; may throw a guest fault. */
  read16(addr: number): number;
  /** Reads a 32-bit little-endian dword at a linear address; may throw a guest fault. */
  read32(addr: number): number;
  /** Writes a byte at a linear address; may throw a guest fault. */
  write8(addr: number, v: number): void;
  /** Writes a 16-bit little-endian word at a linear address; may throw a guest fault. */
  write16(addr: number, v: number): void;
  /** Writes a 32-bit little-endian dword at a linear address; may throw a guest fault. */
  write32(addr: number, v: number): void;
  /**
   * Checks that `size` bytes at a linear address may be written, raising the fault a write would
   * (a page fault), without writing. Without it the unit does not run stores through its kernel.
   */
  probeWrite?(addr: number, size: number): void;
  /** Current CR0 (MP bit 1, EM bit 2, TS bit 3, NE bit 5). */
  readonly cr0: number;
  /**
   * Raises guest exception `vector` (7 #NM, 16 #MF, 6 #UD, 13 #GP with error code 0 for a
   * misaligned FXSAVE/FXRSTOR area or reserved MXCSR bits); throws, never returns.
   */
  raise(vector: number): never;
  /** Drives FERR# (routed to IRQ 13); used for unmasked exceptions when CR0.NE = 0. */
  setFerr(level: boolean): void;
  /** Current EFLAGS, read by FCMOVcc. */
  getFlags(): number;
  /** Replaces EFLAGS; FCOMI and friends write ZF, PF, CF and clear OF, SF, AF through it. */
  setFlags(v: number): void;
  /** Writes AX (FNSTSW AX). */
  setAx(v: number): void;
}

/** One decoded x87 escape instruction (opcodes D8–DF) as the interpreter hands it over. */
export interface FpuInstruction {
  /** First opcode byte, 0xD8..0xDF. */
  opcode: number;
  /** The ModRM byte. */
  modrm: number;
  /** Linear address of the memory operand (when modrm < 0xC0). */
  address: number;
  /**
   * Offset of the memory operand within its segment, recorded as the FPU data pointer.
   * When absent the pointer is derived from `address` (flat segments in protected mode,
   * `address - ds * 16` in real mode).
   */
  dataOffset?: number;
  /** Selects the 14- vs 28-byte environment and 94- vs 108-byte save layouts. */
  operandSize32: boolean;
  /** Selects the real-mode vs protected-mode environment layouts. */
  protectedMode: boolean;
  /** Code segment selector of this instruction (FPU instruction pointer). */
  cs: number;
  /** Offset of this instruction (FPU instruction pointer). */
  eip: number;
  /** Selector of the memory operand's segment (FPU data pointer). */
  ds: number;
}
