import type { Chardev, ChardevReceiver } from "./chardev.ts";

/** Discards output and never produces input (QEMU's `null` backend). */
export class NullChardev implements Chardev {
  /** Drops `data`. */
  write(_data: Uint8Array): void {}
  /** Never calls `cb`: there is no input. */
  setReceiver(_cb: ChardevReceiver): void {}
  /** Nothing to release. */
  close(): void {}
}
