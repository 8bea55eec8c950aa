import type { AccessSize, BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { Chardev } from "../chardev/chardev.ts";
import { NullChardev } from "../chardev/null_chardev.ts";
import type { IrqLine } from "../irq.ts";
import type { Timer, TimerQueue } from "../timer_queue.ts";
import { ByteFifo } from "./byte_fifo.ts";
import { HostInput } from "./host_input.ts";
import * as R from "./registers.ts";

/** Options of {@link Uart16550}. */
export interface Uart16550Options {
  /** The interrupt output (IRQ 4 for COM1, IRQ 3 for COM2). */
  irq: IrqLine;
  /**
   * Host side of the serial line.
   * @default a null chardev (output dropped, no input)
   */
  chardev?: Chardev;
  /**
   * Times the FIFO character timeout (four character times at the programmed
   * baud rate). Without it the timeout counts as elapsed at once, so any byte
   * left below the trigger level is reported straight away.
   * @default none
   */
  timers?: TimerQueue;
  /**
   * Name shown in bus errors.
   * @default "16550A"
   */
  name?: string;
}

/** The standard base port of COM1. */
export const COM1_BASE = 0x3f8;

/** Receiver and transmitter FIFO depth of a 16550A. */
const FIFO_DEPTH = 16;

/** Host input held back while the receiver is full (bytes). */
const HOST_INPUT_LIMIT = 1 << 20;

/** Modem inputs while not in loopback: the host end is a connected, ready modem (as in QEMU). */
const HOST_MODEM_LINES = R.MSR_CTS | R.MSR_DSR | R.MSR_DCD;

/** Divisor latch value after reset: 9600 baud, as QEMU and most BIOSes leave it. */
const RESET_DIVISOR = 12;

/**
 * A National Semiconductor PC16550D UART as found on every PC (QEMU's
 * isa-serial). Transmission is instantaneous: a byte written to THR goes
 * straight to the chardev and THR is empty again at once, so THRE and TEMT
 * always read as set. Received bytes pass through the 16-byte receiver FIFO
 * (or the single holding register in 16450 mode).
 */
export class Uart16550 implements BusHandler {
  /** Name shown in bus errors. */
  readonly name: string;
  /** Byte registers only: wider accesses are split by the bus, as on the ISA bus. */
  readonly sizes = 1;
  /** The interrupt output. */
  readonly irq: IrqLine;
  /** Host side of the line. */
  readonly chardev: Chardev;

  readonly #timeoutTimer: Timer | undefined;
  readonly #now: () => number;
  readonly #rx = new ByteFifo(FIFO_DEPTH);
  readonly #hostInput = new HostInput(HOST_INPUT_LIMIT);
  readonly #txByte = new Uint8Array(1);

  #ier = 0;
  #lcr = 0;
  #mcr = 0;
  #scr = 0;
  #divisor = RESET_DIVISOR;
  #fifoEnabled = false;
  /** FCR bits that read back through behaviour: DMA mode and the trigger selector. */
  #fcr = 0;
  #lsrErrors = 0;
  #msrLines = HOST_MODEM_LINES;
  #msrDeltas = 0;
  /** The THRE interrupt latch: set when THR empties, cleared by an IIR read naming it or a THR write. */
  #thrInterrupt = false;
  /** The character timeout has elapsed with data still in the receiver FIFO. */
  #timeoutInterrupt = false;
  /** What RBR returns when the receiver is empty: the last byte read, as the latch holds it. */
  #lastRbr = 0;

  /** Wires the UART to its IRQ line and chardev; registers are at their reset values. */
  constructor(options: Uart16550Options) {
    this.irq = options.irq;
    this.chardev = options.chardev ?? new NullChardev();
    this.name = options.name ?? "16550A";
    const timers = options.timers;
    this.#timeoutTimer = timers?.create(() => this.#timeoutElapsed());
    this.#now = timers ? () => timers.clock.now() : () => 0;
    this.reset();
    this.chardev.setReceiver((data) => this.#receiveFromHost(data));
  }

  /** Claims the eight ports at `base` on the I/O bus. */
  register(io: RangeBus, base: number = COM1_BASE): void {
    io.register(base, 8, this);
  }

  /** Master reset (datasheet Table III); host input not yet received is kept. */
  reset(): void {
    this.#ier = 0;
    this.#lcr = 0;
    this.#mcr = 0;
    this.#scr = 0;
    this.#divisor = RESET_DIVISOR;
    this.#fifoEnabled = false;
    this.#fcr = 0;
    this.#rx.clear();
    this.#lsrErrors = 0;
    this.#msrLines = HOST_MODEM_LINES;
    this.#msrDeltas = 0;
    this.#thrInterrupt = false;
    this.#timeoutInterrupt = false;
    this.#timeoutTimer?.disarm();
    this.#lastRbr = 0;
    this.#fillFromHost();
    this.#updateIrq();
  }

  /** Reads the register at `offset` (0-7), with the side effects the datasheet gives reads. */
  read(offset: number, _size: AccessSize): number {
    let value: number;
    switch (offset) {
      case R.RBR_THR_DLL:
        value = this.#dlab ? this.#divisor & 0xff : this.#readRbr();
        break;
      case R.IER_DLM:
        value = this.#dlab ? this.#divisor >>> 8 : this.#ier;
        break;
      case R.IIR_FCR:
        value = this.#readIir();
        break;
      case R.LCR:
        value = this.#lcr;
        break;
      case R.MCR:
        value = this.#mcr;
        break;
      case R.LSR:
        value = this.#readLsr();
        break;
      case R.MSR:
        value = this.#msrLines | this.#msrDeltas;
        this.#msrDeltas = 0;
        break;
      case R.SCR:
        value = this.#scr;
        break;
      default:
        return 0xff;
    }
    this.#updateIrq();
    return value;
  }

  /** Writes the register at `offset` (0-7); only the low byte of `value` is used. */
  write(offset: number, _size: AccessSize, value: number): void {
    const v = value & 0xff;
    switch (offset) {
      case R.RBR_THR_DLL:
        if (this.#dlab) this.#divisor = (this.#divisor & 0xff00) | v;
        else this.#transmit(v);
        break;
      case R.IER_DLM:
        if (this.#dlab) this.#divisor = (this.#divisor & 0xff) | (v << 8);
        else this.#writeIer(v);
        break;
      case R.IIR_FCR:
        this.#writeFcr(v);
        break;
      case R.LCR:
        this.#lcr = v;
        break;
      case R.MCR:
        this.#writeMcr(v);
        break;
      case R.SCR:
        this.#scr = v;
        break;
      default:
        // LSR and MSR writes are factory test features; the datasheet leaves them undefined.
        return;
    }
    this.#updateIrq();
  }

  get #dlab(): boolean {
    return (this.#lcr & R.LCR_DLAB) !== 0;
  }

  get #loopback(): boolean {
    return (this.#mcr & R.MCR_LOOP) !== 0;
  }

  #transmit(v: number): void {
    // Writing THR clears a THRE interrupt; the byte then leaves at once, so THR is
    // empty again and the interrupt re-arms, as QEMU's serial_xmit does.
    this.#thrInterrupt = false;
    if (this.#loopback) {
      // Loopback: the shift register output feeds the receiver, which keeps only the
      // programmed word length; SOUT stays marking.
      this.#receiveByte(v & ((1 << (5 + (this.#lcr & R.LCR_WORD_LENGTH))) - 1));
    } else {
      // The whole byte goes to the host whatever LCR says, as in QEMU: guests that
      // print before programming the line (LCR resets to 5-bit words) stay legible.
      this.#txByte[0] = v;
      this.chardev.write(this.#txByte);
    }
    this.#thrInterrupt = true;
  }

  #writeIer(v: number): void {
    const rising = ~this.#ier & v & R.IER_ETBEI;
    this.#ier = v & 0x0f;
    // Enabling ETBEI while THR is empty raises THRE at once. Linux's THRE test and
    // Windows' serial driver (toggling IER through 0) both rely on it.
    if (rising) this.#thrInterrupt = true;
  }

  #writeFcr(v: number): void {
    const enable = (v & R.FCR_ENABLE) !== 0;
    if (enable !== this.#fifoEnabled) {
      // Switching between FIFO and 16450 mode empties both FIFOs (FCR bit 0).
      this.#rx.clear();
      this.#timeoutInterrupt = false;
      this.#timeoutTimer?.disarm();
    }
    this.#fifoEnabled = enable;
    // The other bits are programmed only while FCR bit 0 is 1 (datasheet, FCR description).
    if (enable) {
      if (v & R.FCR_CLEAR_RX) {
        this.#rx.clear();
        this.#timeoutInterrupt = false;
        this.#timeoutTimer?.disarm();
      }
      // FCR_CLEAR_TX: the transmitter FIFO is always empty here.
      this.#fcr = v & (R.FCR_TRIGGER_MASK | R.FCR_DMA_MODE);
    }
    this.#fillFromHost();
  }

  #writeMcr(v: number): void {
    const wasLoopback = this.#loopback;
    this.#mcr = v & R.MCR_MASK;
    this.#updateModemLines();
    if (wasLoopback && !this.#loopback) this.#fillFromHost();
  }

  /** Recomputes the modem inputs and latches the delta bits (datasheet, MSR description). */
  #updateModemLines(): void {
    let lines = HOST_MODEM_LINES;
    if (this.#loopback) {
      // Loopback wires RTS→CTS, DTR→DSR, OUT1→RI and OUT2→DCD internally.
      const m = this.#mcr;
      lines = (m & R.MCR_RTS ? R.MSR_CTS : 0) | (m & R.MCR_DTR ? R.MSR_DSR : 0) |
        (m & R.MCR_OUT1 ? R.MSR_RI : 0) | (m & R.MCR_OUT2 ? R.MSR_DCD : 0);
    }
    const changed = lines ^ this.#msrLines;
    if (changed & R.MSR_CTS) this.#msrDeltas |= R.MSR_DCTS;
    if (changed & R.MSR_DSR) this.#msrDeltas |= R.MSR_DDSR;
    if (changed & R.MSR_DCD) this.#msrDeltas |= R.MSR_DDCD;
    // TERI marks only the trailing edge: RI going from on to off.
    if (changed & R.MSR_RI && !(lines & R.MSR_RI)) this.#msrDeltas |= R.MSR_TERI;
    this.#msrLines = lines;
  }

  #readRbr(): number {
    const b = this.#rx.shift();
    if (b !== undefined) this.#lastRbr = b;
    // A read of the FIFO restarts the character timeout.
    this.#fillFromHost();
    this.#receiverActivity();
    return this.#lastRbr;
  }

  #readIir(): number {
    const id = this.#pendingInterrupt();
    // Reading IIR clears a THRE interrupt only when it is the one reported.
    if (id === R.IIR_THRE) this.#thrInterrupt = false;
    return id | (this.#fifoEnabled ? R.IIR_FIFO_ENABLED : 0);
  }

  #readLsr(): number {
    const value = (this.#rx.length > 0 ? R.LSR_DR : 0) | this.#lsrErrors | R.LSR_THRE | R.LSR_TEMT;
    // OE, PE, FE and BI clear on read, and with them the line status interrupt.
    // Bit 7 (error in the FIFO) counts only parity, framing and break, which a
    // chardev never delivers, so it stays 0.
    this.#lsrErrors = 0;
    return value;
  }

  /** The highest-priority pending interrupt, as IIR bits 0-3 (datasheet Table IV). */
  #pendingInterrupt(): number {
    const ier = this.#ier;
    if (ier & R.IER_ELSI && this.#lsrErrors) return R.IIR_RLS;
    if (ier & R.IER_ERBFI) {
      const n = this.#rx.length;
      if (this.#fifoEnabled) {
        if (n >= R.RX_TRIGGER_LEVELS[this.#fcr >> 6]) return R.IIR_RDA;
        if (n > 0 && this.#timeoutInterrupt) return R.IIR_TIMEOUT;
      } else if (n > 0) {
        return R.IIR_RDA;
      }
    }
    if (ier & R.IER_ETBEI && this.#thrInterrupt) return R.IIR_THRE;
    if (ier & R.IER_EDSSI && this.#msrDeltas) return R.IIR_MODEM;
    return R.IIR_NONE;
  }

  #updateIrq(): void {
    // On a PC the INTR pin reaches the PIC only through a buffer enabled by OUT2.
    // Loopback forces the OUT2 pin inactive, so interrupts stay internal then.
    const gate = (this.#mcr & (R.MCR_OUT2 | R.MCR_LOOP)) === R.MCR_OUT2;
    this.irq.set(gate && this.#pendingInterrupt() !== R.IIR_NONE);
  }

  /** One character arrives at the receiver shift register. */
  #receiveByte(b: number): void {
    if (this.#fifoEnabled) {
      // FIFO overrun: the new character is lost, the FIFO keeps its contents.
      if (!this.#rx.push(b)) this.#lsrErrors |= R.LSR_OE;
    } else if (this.#rx.length > 0) {
      // 16450 overrun: the new character overwrites the unread one.
      this.#lsrErrors |= R.LSR_OE;
      this.#rx.replaceLast(b);
    } else {
      this.#rx.push(b);
    }
    this.#receiverActivity();
  }

  /** Restarts the character timeout after a character is received or read. */
  #receiverActivity(): void {
    this.#timeoutInterrupt = false;
    if (!this.#fifoEnabled || this.#rx.length === 0) {
      this.#timeoutTimer?.disarm();
      return;
    }
    if (this.#timeoutTimer) this.#timeoutTimer.arm(this.#now() + 4 * this.#characterTimeNs());
    else this.#timeoutInterrupt = true;
  }

  #timeoutElapsed(): void {
    this.#timeoutInterrupt = this.#fifoEnabled && this.#rx.length > 0;
    this.#updateIrq();
  }

  /** Time on the wire of one character with the programmed format and baud rate. */
  #characterTimeNs(): number {
    const lcr = this.#lcr;
    const dataBits = 5 + (lcr & R.LCR_WORD_LENGTH);
    const stopBits = lcr & R.LCR_STOP_BITS ? (dataBits === 5 ? 1.5 : 2) : 1;
    const bits = 1 + dataBits + (lcr & R.LCR_PARITY ? 1 : 0) + stopBits;
    // Divisor 0 is undefined in the datasheet; treat it as the fastest rate.
    const divisor = this.#divisor || 1;
    return (bits * 16 * divisor * 1e9) / R.UART_CLOCK_HZ;
  }

  #receiveFromHost(data: Uint8Array): void {
    // Input beyond what can be held is lost, which the guest sees as an overrun.
    if (this.#hostInput.push(data) > 0) this.#lsrErrors |= R.LSR_OE;
    this.#fillFromHost();
    this.#updateIrq();
  }

  /** Moves held host input into the receiver while it has room (not in loopback). */
  #fillFromHost(): void {
    if (this.#loopback) return; // SIN is disconnected in loopback
    const input = this.#hostInput;
    while (input.length > 0 && (this.#fifoEnabled ? !this.#rx.full : this.#rx.length === 0)) {
      this.#receiveByte(input.shift()!);
    }
  }
}
