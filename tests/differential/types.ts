/**
 * The contract between the differential harness and any x86 implementation under test
 * (the interpreter's `cpu/testing/run_flat.ts`, later the JIT): one flat 32-bit test case in,
 * its final architectural state out.
 */

/** One straight-line piece of 32-bit code with its complete initial state. */
export interface FlatTestCase {
  /** Bytes to run, starting at codeAddress; execution stops when EIP reaches codeAddress + code.length. */
  code: Uint8Array;
  /** Linear address of code[0] (flat segments, base 0). */
  codeAddress: number;
  /** 8 entries: EAX ECX EDX EBX ESP EBP ESI EDI. */
  regs: Uint32Array;
  /** Initial EFLAGS (bit 1 set, IF set, TF/NT/AC/IOPL clear). */
  eflags: number;
  /** Linear address of data[0], e.g. 0x20000000; the only memory the code touches. */
  dataAddress: number;
  /** Initial contents of the data area. */
  data: Uint8Array;
}

/** Final state after running a FlatTestCase; `fault` names what stopped it early, if anything. */
export interface FlatResult {
  /** 8 entries: EAX ECX EDX EBX ESP EBP ESI EDI. */
  regs: Uint32Array;
  /** Final EFLAGS. */
  eflags: number;
  /** Final contents of the data area. */
  data: Uint8Array;
  /** Set when the case did not run to its end, e.g. "SIGSEGV" on the host or "#DE" in an emulator. */
  fault?: string;
}
