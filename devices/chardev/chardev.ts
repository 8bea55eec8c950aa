/** Receives host input; `data` is only valid during the call. */
export type ChardevReceiver = (data: Uint8Array) => void;

/**
 * The host side of a character device, as QEMU's -chardev backends: guest
 * output goes to `write`, host input arrives at the receiver.
 */
export interface Chardev {
  /** Sends guest output to the host. `data` is only valid during the call. */
  write(data: Uint8Array): void;
  /** Routes host input to `cb`, replacing any earlier receiver. */
  setReceiver(cb: ChardevReceiver): void;
  /** Releases host resources (terminal mode, files). Safe to call twice. */
  close(): void;
}
