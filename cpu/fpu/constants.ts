/**
 * The constants FLD1, FLDZ, FLDPI, FLDL2E, FLDL2T, FLDLG2 and FLDLN2 load. The 387 and later
 * round the irrational ones under RC (Intel SDM vol. 1 §8.3.8); hardware delivers the correctly
 * rounded value in every mode (measured), so each is kept here to 128 bits and rounded on load.
 */
import { type F80, ONE, POS_ZERO } from "./f80.ts";
import { EXTENDED, packExtended, round } from "./rounding.ts";

/** An irrational constant as its leading 128 significand bits and the exponent of the first. */
interface Irrational {
  top128: bigint;
  msb: number;
}

const PI: Irrational = { top128: 0xc90fdaa22168c234c4c6628b80dc1cd1n, msb: 1 };
const L2T: Irrational = { top128: 0xd49a784bcd1b8afe492bf6ff4dafdb4cn, msb: 1 };
const L2E: Irrational = { top128: 0xb8aa3b295c17f0bbbe87fed0691d3e88n, msb: 0 };
const LG2: Irrational = { top128: 0x9a209a84fbcff7988f8959ac0b7c9178n, msb: -2 };
const LN2: Irrational = { top128: 0xb17217f7d1cf79abc9e3b39803f2f6afn, msb: -1 };

/** Rounds an irrational constant under `rc`; a trailing sticky bit stands for the rest. */
function rounded(c: Irrational, rc: number): F80 {
  const sig = (c.top128 << 1n) | 1n;
  return packExtended(round(0, sig, c.msb - 128, EXTENDED, { rc, precision: 64, masks: 0x3f }));
}

/** The value D9 E8..EE loads under rounding control `rc`, by the low 3 bits of the ModRM byte. */
export function loadConstant(rm: number, rc: number): F80 {
  switch (rm) {
    case 0:
      return ONE;
    case 1:
      return rounded(L2T, rc);
    case 2:
      return rounded(L2E, rc);
    case 3:
      return rounded(PI, rc);
    case 4:
      return rounded(LG2, rc);
    case 5:
      return rounded(LN2, rc);
    default:
      return POS_ZERO;
  }
}

/** π rounded to nearest. */
export const PI_NEAREST: F80 = rounded(PI, 0);
/** ln 2 rounded to nearest. */
export const LN2_NEAREST: F80 = rounded(LN2, 0);
