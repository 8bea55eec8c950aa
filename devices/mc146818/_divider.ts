/** Time base of a PC's RTC: a 32.768 kHz crystal. */
export const RTC_HZ = 32768;

const NS_PER_S = 1e9;

/** Whole 32.768 kHz cycles in `ns` (≥ 0); whole seconds are split off to stay exact. */
export function cyclesIn(ns: number): number {
  const s = Math.floor(ns / NS_PER_S);
  return s * RTC_HZ + Math.floor(((ns - s * NS_PER_S) * RTC_HZ) / NS_PER_S);
}

/** The first whole nanosecond by which `cycles` cycles have passed. */
export function nsForCycles(cycles: number): number {
  const s = Math.floor(cycles / RTC_HZ);
  return s * NS_PER_S + Math.ceil(((cycles - s * RTC_HZ) * NS_PER_S) / RTC_HZ);
}

/**
 * Periodic interrupt period in cycles for rate select `rs` (register A bits
 * 0–3), or 0 for none. Rates 1 and 2 repeat rates 8 and 9 with a 32.768 kHz
 * time base (datasheet, "Periodic Interrupt Rate" table).
 */
export function periodicCycles(rs: number): number {
  if (rs === 0) return 0;
  return 1 << ((rs <= 2 ? rs + 7 : rs) - 1);
}
