/**
 * The elementary functions the x87 transcendentals need, on wide values (wide.ts): ln 2, π,
 * arctan, log2, log2(1 + x), e^t − 1, sin and cos. Each is written as its argument times a
 * series near 1 (sin r = r·(1 − r²/3! + …)), so tiny arguments keep full relative precision, and
 * the series is summed in fixed point with 136 fraction bits. Results carry a relative error
 * near 2^−125: more than 60 bits beyond the register's 64, so rounding once gives the correctly
 * rounded value unless the exact one lies that close to a rounding boundary.
 */
import { isqrt } from "./arith.ts";
import {
  add,
  div,
  FIXED_BITS,
  fromFixed,
  int,
  msb,
  mul,
  scaleBy,
  sub,
  toFixed,
  type Wide,
} from "./wide.ts";

const FB = BigInt(FIXED_BITS);
const FIX_ONE = 1n << FB;
const ONE = int(1);
const TWO = int(2);

const mulFixed = (a: bigint, b: bigint) => (a * b) >> FB;

/** The integers 0..199 as bigints, for the series' divisors. */
const N = Array.from({ length: 200 }, (_, i) => BigInt(i));
/** (2k)(2k + 1) and (2k − 1)(2k): the sine's and cosine's term ratios' divisors. */
const SIN_DIV = N.map((k) => 2n * k * (2n * k + 1n));
const COS_DIV = N.map((k) => (2n * k - 1n) * 2n * k);

/** Σ z^k / (2k + 1), alternating in sign when `alternate`: artanh s / s or arctan s / s, z = s². */
function oddSeries(z: bigint, alternate: boolean): bigint {
  let sum = FIX_ONE;
  let power = FIX_ONE;
  for (let k = 1;; k++) {
    power = mulFixed(power, z);
    if (power === 0n) return sum;
    const term = power / N[2 * k + 1];
    sum += alternate && k & 1 ? -term : term;
  }
}

let ln2Cache: Wide | undefined;
let twoOverLn2Cache: bigint | undefined;
let piCache: Wide | undefined;
let atanTable: Wide[] | undefined;
let sqrt2Cache: bigint | undefined;

/** ln 2 = 2 artanh(1/3). */
export function ln2(): Wide {
  return ln2Cache ??= fromFixed(2n * mulFixed(FIX_ONE / 3n, oddSeries(FIX_ONE / 9n, false)));
}

/** 2 / ln 2 in fixed point: turns 2 artanh s into log2. */
function twoOverLn2(): bigint {
  return twoOverLn2Cache ??= toFixed(div(TWO, ln2()));
}

/** π = 16 arctan(1/5) − 4 arctan(1/239) (Machin). */
export function pi(): Wide {
  const at = (n: bigint) => mulFixed(FIX_ONE / n, oddSeries(FIX_ONE / (n * n), true));
  return piCache ??= fromFixed(16n * at(5n) - 4n * at(239n));
}

/**
 * arctan(j/16) for j = 0..16, by Euler's series arctan x = Σ t_n with t_0 = x/(1 + x²) and
 * t_n = t_(n−1) · 2n/(2n + 1) · x²/(1 + x²), which needs no square roots.
 */
function table(): Wide[] {
  return atanTable ??= Array.from({ length: 17 }, (_, j) => {
    if (j === 16) return scaleBy(pi(), -2);
    const d = BigInt(256 + j * j);
    const y = (BigInt(j * j) << FB) / d;
    let term = (BigInt(16 * j) << FB) / d;
    let sum = term;
    for (let n = 1n; term !== 0n; n++) {
      term = mulFixed(term, y) * 2n * n / (2n * n + 1n);
      sum += term;
    }
    return fromFixed(sum);
  });
}

/**
 * arctan q for 0 ≤ q ≤ 1: arctan q = arctan c + arctan((q − c)/(1 + qc)) with c the nearest
 * multiple of 1/16, leaving a series argument under 1/32.
 */
export function atan(q: Wide): Wide {
  const series = (r: Wide) => mul(r, fromFixed(oddSeries(toFixed(mul(r, r)), true)));
  const j = Number((toFixed(q) + (FIX_ONE >> 5n)) >> (FB - 4n));
  if (j === 0) return series(q);
  const c = { m: BigInt(j), e: -4 };
  return add(table()[j], series(div(sub(q, c), add(ONE, mul(q, c)))));
}

/** √2 in fixed point. */
function sqrt2(): bigint {
  return sqrt2Cache ??= isqrt(2n << (2n * FB));
}

/** log2 m for √½ ≤ m < √2, given m − 1 exactly: 2 artanh((m − 1)/(m + 1)) / ln 2. */
function log2Near1(mMinus1: Wide): Wide {
  const s = div(mMinus1, add(mMinus1, TWO));
  const series = oddSeries(toFixed(mul(s, s)), false);
  return mul(s, fromFixed(mulFixed(series, twoOverLn2())));
}

/**
 * log2 w for w > 0, as k + log2 m with w = 2^k × m and √½ ≤ m < √2, so that log2 m keeps full
 * relative precision however close w is to 1.
 */
export function log2(w: Wide): Wide {
  let k = msb(w);
  let m = scaleBy(w, -k); // 1 ≤ m < 2
  if (toFixed(m) >= sqrt2()) {
    k += 1;
    m = scaleBy(m, -1);
  }
  return add(int(k), log2Near1(sub(m, ONE)));
}

/** log2(1 + x) for x > −1; when 1 + x lies in [√½, √2), x itself is the exact m − 1. */
export function log2p1(x: Wide): Wide {
  const w = add(ONE, x);
  const e = msb(w);
  const f = e === 0 || e === -1 ? toFixed(w) : 0n;
  if (f >= sqrt2() >> 1n && f < sqrt2()) return log2Near1(x);
  return log2(w);
}

/** e^t − 1 = t·(1 + t/2! + t²/3! + …) for |t| ≤ 1. */
export function expm1(t: Wide): Wide {
  const tf = toFixed(t);
  let sum = FIX_ONE;
  let term = FIX_ONE;
  for (let k = 2; term !== 0n; k++) {
    term = mulFixed(term, tf) / N[k];
    sum += term;
  }
  return mul(t, fromFixed(sum));
}

/** sin r = r·(1 − r²/3! + …) and cos r = 1 − r²/2! + … for |r| ≤ 1. */
export function sinCos(r: Wide): { sin: Wide; cos: Wide } {
  const z = toFixed(mul(r, r));
  let sin = FIX_ONE;
  let cos = FIX_ONE;
  let sinTerm = FIX_ONE; // (−z)^k / (2k + 1)!
  let cosTerm = FIX_ONE; // (−z)^k / (2k)!
  for (let k = 1; sinTerm !== 0n || cosTerm !== 0n; k++) {
    sinTerm = -mulFixed(sinTerm, z) / SIN_DIV[k];
    cosTerm = -mulFixed(cosTerm, z) / COS_DIV[k];
    sin += sinTerm;
    cos += cosTerm;
  }
  return { sin: mul(r, fromFixed(sin)), cos: fromFixed(cos) };
}
