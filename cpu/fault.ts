/** Exception vectors (Intel SDM vol. 3 §6.3.1). */
export const DE = 0, DB = 1, NMI = 2, BP = 3, OF_ = 4, BR = 5, UD = 6, NM = 7, DF_ = 8;
export const TS = 10, NP = 11, SS_ = 12, GP = 13, PF_ = 14, MF = 16, AC_ = 17, MC = 18, XM = 19;

/**
 * A guest exception raised while executing an instruction. It is thrown, and
 * caught by the run loop, which restores EIP/ESP to the start of the
 * instruction (faults are restartable) and delivers it through the IDT.
 */
export class CpuFault {
  constructor(
    readonly vector: number,
    /** Error code pushed by the exception, or -1 for none. */
    readonly errorCode = -1,
  ) {}
}

/** Exceptions that push an error code (SDM vol. 3 table 6-1). */
export function hasErrorCode(vector: number): boolean {
  return vector === DF_ || (vector >= TS && vector <= PF_) || vector === AC_;
}

/** Contributory exceptions for the double-fault rules (SDM vol. 3 table 6-5). */
export function isContributory(vector: number): boolean {
  return vector === DE || (vector >= TS && vector <= GP);
}

/** Thrown by the run loop when the CPU shuts down (triple fault). */
export class TripleFault extends Error {
  constructor() {
    super("triple fault");
  }
}
