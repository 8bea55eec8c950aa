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

/**
 * A chardev whose peer comes and goes, as a socket's client does: QEMU's CHR_EVENT_OPENED and
 * CHR_EVENT_CLOSED. Devices that tell the guest whether the host side is open (a
 * virtserialport) follow it; a chardev without it is always open.
 */
export interface ChardevConnection {
  /** True while a peer is connected. */
  readonly connected: boolean;
  /** Calls `listener` with every change of `connected`; returns a function that stops it. */
  onConnection(listener: (connected: boolean) => void): () => void;
}
