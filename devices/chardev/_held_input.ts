import type { ChardevReceiver } from "./chardev.ts";

/** Host input held while no receiver is attached; more is dropped. */
const MAX_HELD_INPUT = 64 * 1024;

/**
 * Where a chardev's host input goes: straight to the receiver once one is set, and until then
 * into a bounded queue that the receiver gets first, so that nothing typed or sent before the
 * device attaches is lost (up to 64 KiB; more is dropped).
 */
export class HeldInput {
  #receiver: ChardevReceiver | undefined;
  #held: Uint8Array[] = [];
  #heldBytes = 0;

  /** Routes input to `cb`, first delivering what was held. */
  setReceiver(cb: ChardevReceiver): void {
    this.#receiver = cb;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    for (const chunk of held) cb(chunk);
  }

  /** Hands `data` to the receiver, or holds a copy of it while there is none. */
  deliver(data: Uint8Array): void {
    if (this.#receiver) {
      this.#receiver(data);
      return;
    }
    if (this.#heldBytes + data.length > MAX_HELD_INPUT) return;
    this.#held.push(data.slice());
    this.#heldBytes += data.length;
  }
}
