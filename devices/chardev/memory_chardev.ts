import type { Chardev, ChardevReceiver } from "./chardev.ts";

/**
 * An in-memory pipe for tests: captures everything written and lets a test
 * inject input as if typed on the host.
 */
export class MemoryChardev implements Chardev {
  #chunks: Uint8Array[] = [];
  #receiver: ChardevReceiver | undefined;
  #pending: Uint8Array[] = [];
  #closed = false;

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Captures a copy of `data`; output after close is dropped, like a closed pipe. */
  write(data: Uint8Array): void {
    if (!this.#closed && data.length > 0) this.#chunks.push(data.slice());
  }

  /** Routes injected input to `cb`, first delivering input injected before any receiver. */
  setReceiver(cb: ChardevReceiver): void {
    this.#receiver = cb;
    const pending = this.#pending;
    this.#pending = [];
    for (const chunk of pending) cb(chunk);
  }

  /** Stops capturing and delivering. */
  close(): void {
    this.#closed = true;
  }

  /** Delivers host input to the receiver (held until one is set). Strings are UTF-8 encoded. */
  inject(data: Uint8Array | string): void {
    if (this.#closed) return;
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data.slice();
    if (this.#receiver) this.#receiver(bytes);
    else this.#pending.push(bytes);
  }

  /** Everything written so far, as one array. */
  output(): Uint8Array {
    const total = this.#chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Everything written so far, decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(this.output());
  }

  /** Returns everything written so far and forgets it. */
  take(): Uint8Array {
    const out = this.output();
    this.#chunks = [];
    return out;
  }
}
