/** Ctrl-A, QEMU's default escape character for a multiplexed terminal. */
export const CTRL_A = 0x01;

/** One step of decoded terminal input: bytes for the guest, or an escape command key. */
export type EscapeEvent =
  | { readonly kind: "data"; readonly data: Uint8Array }
  | { readonly kind: "command"; readonly key: number };

/**
 * Splits terminal input into guest bytes and escape commands the way QEMU's
 * mux chardev does: the escape character followed by a key is a command
 * (unknown keys are swallowed), the escape character typed twice sends one.
 * State carries across calls, so an escape split between reads still works.
 */
export class EscapeDecoder {
  #escaped = false;

  /** `escapeChar` is the byte that starts a command. */
  constructor(readonly escapeChar: number = CTRL_A) {}

  /** Decodes one chunk of input. Data events are views into `input`. */
  decode(input: Uint8Array): EscapeEvent[] {
    const events: EscapeEvent[] = [];
    let runStart = 0;
    for (let i = 0; i < input.length; i++) {
      const ch = input[i];
      if (this.#escaped) {
        this.#escaped = false;
        // The doubled escape character is itself data: start a run with it.
        if (ch === this.escapeChar) runStart = i;
        else {
          events.push({ kind: "command", key: ch });
          runStart = i + 1;
        }
      } else if (ch === this.escapeChar) {
        if (i > runStart) events.push({ kind: "data", data: input.subarray(runStart, i) });
        this.#escaped = true;
        runStart = i + 1;
      }
    }
    if (!this.#escaped && input.length > runStart) {
      events.push({ kind: "data", data: input.subarray(runStart) });
    }
    return events;
  }
}
