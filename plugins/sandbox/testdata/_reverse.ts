/** Reverses a byte array in place and returns it. */
export function reverse(bytes: Uint8Array): Uint8Array {
  return bytes.reverse();
}
