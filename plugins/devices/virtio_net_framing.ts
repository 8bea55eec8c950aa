/**
 * Frames on a byte stream as QEMU's socket and stream netdevs put them: each frame preceded by
 * its length as a 4-byte big-endian integer (net/socket.c `net_socket_receive`, net/net.c
 * `net_fill_rstate`).
 *
 * @module
 */

/** Bytes of the length prefix. */
export const LENGTH_PREFIX_SIZE = 4;

/** The frame with its 4-byte big-endian length in front. */
export function lengthPrefixed(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(LENGTH_PREFIX_SIZE + frame.length);
  new DataView(out.buffer).setUint32(0, frame.length, false);
  out.set(frame, LENGTH_PREFIX_SIZE);
  return out;
}

/**
 * Cuts a byte stream, fed in chunks of any size, into frames. A length above `maxFrame` means
 * the peer does not speak this framing; QEMU drops the connection then, and so does the caller
 * when `push` throws. Zero-length frames are skipped.
 */
export class FrameReader {
  readonly #maxFrame: number;
  readonly #prefix = new Uint8Array(LENGTH_PREFIX_SIZE);
  #prefixHave = 0;
  #frame: Uint8Array | undefined;
  #frameHave = 0;

  /** A reader refusing frames longer than `maxFrame` bytes. */
  constructor(maxFrame: number) {
    this.#maxFrame = maxFrame;
  }

  /** Feeds `chunk` (copied as needed) and returns the frames it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.#frame === undefined) {
        const n = Math.min(LENGTH_PREFIX_SIZE - this.#prefixHave, chunk.length - at);
        this.#prefix.set(chunk.subarray(at, at + n), this.#prefixHave);
        this.#prefixHave += n;
        at += n;
        if (this.#prefixHave < LENGTH_PREFIX_SIZE) break;
        this.#prefixHave = 0;
        const length = new DataView(this.#prefix.buffer).getUint32(0, false);
        if (length > this.#maxFrame) {
          throw new RangeError(`frame length ${length} is above ${this.#maxFrame}`);
        }
        if (length === 0) continue;
        this.#frame = new Uint8Array(length);
        this.#frameHave = 0;
      }
      const frame = this.#frame;
      const n = Math.min(frame.length - this.#frameHave, chunk.length - at);
      frame.set(chunk.subarray(at, at + n), this.#frameHave);
      this.#frameHave += n;
      at += n;
      if (this.#frameHave === frame.length) {
        frames.push(frame);
        this.#frame = undefined;
      }
    }
    return frames;
  }
}
