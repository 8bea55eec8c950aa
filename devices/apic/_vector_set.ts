/**
 * A 256-bit register indexed by vector, as the local APIC's IRR, ISR and TMR
 * are: eight 32-bit words, vector v in word v >> 5, bit v & 31 (SDM §10.8.4).
 */
export class VectorSet {
  readonly words = new Uint32Array(8);

  has(vector: number): boolean {
    return (this.words[vector >> 5] & (1 << (vector & 31))) !== 0;
  }

  add(vector: number): void {
    this.words[vector >> 5] |= 1 << (vector & 31);
  }

  delete(vector: number): void {
    this.words[vector >> 5] &= ~(1 << (vector & 31));
  }

  /** Sets or clears `vector`. */
  set(vector: number, on: boolean): void {
    if (on) this.add(vector);
    else this.delete(vector);
  }

  /** The highest vector set, or -1: the highest vector is the highest priority. */
  highest(): number {
    for (let i = 7; i >= 0; i--) {
      const w = this.words[i];
      if (w !== 0) return i * 32 + 31 - Math.clz32(w);
    }
    return -1;
  }

  clear(): void {
    this.words.fill(0);
  }
}
