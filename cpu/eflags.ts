/** EFLAGS bits (Intel SDM vol. 1 §3.4.3). */
export const CF = 1 << 0;
export const PF = 1 << 2;
export const AF = 1 << 4;
export const ZF = 1 << 6;
export const SF = 1 << 7;
export const TF = 1 << 8;
export const IF = 1 << 9;
export const DF = 1 << 10;
export const OF = 1 << 11;
export const IOPL = 3 << 12;
export const NT = 1 << 14;
export const RF = 1 << 16;
export const VM = 1 << 17;
export const AC = 1 << 18;
export const VIF = 1 << 19;
export const VIP = 1 << 20;
export const ID = 1 << 21;

/** The six arithmetic status flags. */
export const ARITH = CF | PF | AF | ZF | SF | OF;
/** Bit 1 always reads as one. */
export const FIXED_ONE = 1 << 1;
/** Bits that exist on an i686 with CPUID (everything else reads as zero). */
export const IMPLEMENTED = ARITH | TF | IF | DF | IOPL | NT | RF | VM | AC | VIF | VIP | ID;

/** Parity of the low byte: PF is set when it has an even number of ones. */
export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, n = 0;
  while (b) {
    n += b & 1;
    b >>= 1;
  }
  PARITY[i] = n & 1 ? 0 : PF;
}
