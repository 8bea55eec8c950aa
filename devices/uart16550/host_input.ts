/**
 * Bytes that arrived from the host but do not fit in the receiver yet. The
 * chardev has no flow control, so the UART holds them and moves them into
 * its FIFO as the guest reads, which is what QEMU's serial_can_receive()
 * achieves: pasted text is not lost to overruns.
 */
export class HostInput {
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #bytes = 0;

  /** `limit` is the most bytes held; input beyond it is refused. */
  constructor(readonly limit: number) {}

  /** Bytes held. */
  get length(): number {
    return this.#bytes;
  }

  /** Keeps a copy of as much of `data` as fits; returns how many bytes were refused. */
  push(data: Uint8Array): number {
    const room = this.limit - this.#bytes;
    const n = Math.min(room, data.length);
    if (n > 0) {
      this.#chunks.push(data.slice(0, n));
      this.#bytes += n;
    }
    return data.length - n;
  }

  /** Removes and returns the oldest byte, or undefined when empty. */
  shift(): number | undefined {
    const chunk = this.#chunks[0];
    if (!chunk) return undefined;
    const b = chunk[this.#offset++];
    this.#bytes--;
    if (this.#offset === chunk.length) {
      this.#chunks.shift();
      this.#offset = 0;
    }
    return b;
  }
}
