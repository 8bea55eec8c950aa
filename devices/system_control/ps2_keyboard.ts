/** Acknowledge, sent after every accepted command or argument byte. */
export const KBD_ACK = 0xfa;
/** Resend: the keyboard did not understand the byte. */
export const KBD_RESEND = 0xfe;
/** Basic assurance test passed, sent after a reset. */
export const KBD_BAT_OK = 0xaa;

/** Most bytes a keyboard buffers before the controller takes them. */
const QUEUE_LIMIT = 16;

/** Commands whose next byte is an argument. */
const SET_LEDS = 0xed;
const SCANCODE_SET = 0xf0;
const SET_TYPEMATIC = 0xf3;

/**
 * The keyboard side of the i8042's first port: an MF2 keyboard that answers
 * the host commands of the IBM PS/2 keyboard reference. No keys are pressed
 * yet; only command responses are produced.
 */
export class Ps2Keyboard {
  /** LED state from the last 0xED command: bit 0 Scroll, 1 Num, 2 Caps Lock. */
  leds = 0;
  /** Whether the keyboard sends scan codes (0xF4 enables, 0xF5 disables). */
  scanning = true;
  /** Scan code set in use (1-3). */
  scancodeSet = 2;
  /** Typematic rate and delay byte from 0xF3. */
  typematic = 0x2b;
  /** Set by the controller while it translates to set 1 (command byte bit 6). */
  translated = false;

  #out: number[] = [];
  #awaiting = 0;
  #lastSent = KBD_ACK;

  /** Bytes waiting for the controller. */
  get pending(): number {
    return this.#out.length;
  }

  /** Hands the oldest waiting byte to the controller. */
  shift(): number | undefined {
    const b = this.#out.shift();
    if (b !== undefined) this.#lastSent = b;
    return b;
  }

  /** Power-on state with nothing waiting. */
  reset(): void {
    this.#out = [];
    this.#awaiting = 0;
    this.#defaults();
    this.leds = 0;
    this.scanning = true;
  }

  /** A byte from the host (written to port 0x60 with no controller command pending). */
  write(b: number): void {
    // Arguments are below 0x80; a command byte in their place starts a new command,
    // as a real keyboard does.
    if (this.#awaiting && b < 0x80) {
      this.#argument(this.#awaiting, b);
      this.#awaiting = 0;
      return;
    }
    this.#awaiting = 0;
    switch (b) {
      case SET_LEDS:
      case SET_TYPEMATIC:
      case SCANCODE_SET:
        this.#send(KBD_ACK);
        this.#awaiting = b;
        break;
      case 0xee: // echo
        this.#send(0xee);
        break;
      case 0xf2: // identify: MF2 keyboard, 0x41 when the controller translates
        this.#send(KBD_ACK, 0xab, this.translated ? 0x41 : 0x83);
        break;
      case 0xf4: // enable scanning
        this.#out = [];
        this.scanning = true;
        this.#send(KBD_ACK);
        break;
      case 0xf5: // disable scanning and restore defaults
        this.#defaults();
        this.scanning = false;
        this.#send(KBD_ACK);
        break;
      case 0xf6: // restore defaults
        this.#defaults();
        this.#send(KBD_ACK);
        break;
      case 0xfe: // resend the last byte
        this.#send(this.#lastSent);
        break;
      case 0xff: // reset, then the self-test result
        this.reset();
        this.#send(KBD_ACK, KBD_BAT_OK);
        break;
      default:
        this.#send(KBD_RESEND);
    }
  }

  #argument(command: number, b: number): void {
    if (command === SET_LEDS) {
      this.leds = b & 0x07;
    } else if (command === SET_TYPEMATIC) {
      this.typematic = b & 0x7f;
    } else if (b === 0) {
      // Scan code set query: the reply passes through the controller's translation.
      const translatedIds = [0, 0x43, 0x41, 0x3f];
      this.#send(KBD_ACK, this.translated ? translatedIds[this.scancodeSet] : this.scancodeSet);
      return;
    } else if (b <= 3) {
      this.scancodeSet = b;
    } else {
      this.#send(KBD_RESEND);
      return;
    }
    this.#send(KBD_ACK);
  }

  #defaults(): void {
    this.scancodeSet = 2;
    this.typematic = 0x2b;
  }

  #send(...bytes: number[]): void {
    for (const b of bytes) if (this.#out.length < QUEUE_LIMIT) this.#out.push(b);
  }
}
