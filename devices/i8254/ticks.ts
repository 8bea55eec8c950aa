/** Input clock of the PC's 8254: 14.31818 MHz / 12. */
export const PIT_HZ = 1_193_182;

const NS_PER_S = 1e9;

/**
 * Whole PIT clock ticks elapsed at clock time `ns`. Whole seconds are split
 * off first so every product stays exact in a double for any run length.
 */
export function ticksAt(ns: number): number {
  const s = Math.floor(ns / NS_PER_S);
  const rest = ns - s * NS_PER_S;
  return s * PIT_HZ + Math.floor((rest * PIT_HZ) / NS_PER_S);
}

/** The first whole nanosecond at which `ticksAt()` reaches `ticks`. */
export function nsAt(ticks: number): number {
  const s = Math.floor(ticks / PIT_HZ);
  const rest = ticks - s * PIT_HZ;
  return s * NS_PER_S + Math.ceil((rest * NS_PER_S) / PIT_HZ);
}
