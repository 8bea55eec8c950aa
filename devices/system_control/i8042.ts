import type { AccessSize, BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { IrqLine } from "../irq.ts";
import type { MachineControl } from "../machine_control.ts";
import type { A20Gate } from "./a20_gate.ts";
import { Ps2Keyboard } from "./ps2_keyboard.ts";

/** Data port: output buffer (read), keyboard or command data (write). */
export const I8042_DATA_PORT = 0x60;
/** Status register (read), controller command (write). */
export const I8042_COMMAND_PORT = 0x64;

/** Status: output buffer full. */
export const STATUS_OBF = 0x01;
/** Status: system flag, set by a passed self-test or command byte bit 2. */
export const STATUS_SYS = 0x04;
/** Status: the last write went to port 0x64 (a command) rather than 0x60. */
export const STATUS_CMD = 0x08;
/** Status: keyboard not inhibited by the keylock. */
export const STATUS_UNLOCKED = 0x10;
/** Status: the output buffer holds auxiliary-device (mouse) data. */
export const STATUS_AUX_OBF = 0x20;
/** Status: general time-out, e.g. no auxiliary device answered. */
export const STATUS_TIMEOUT = 0x40;

/** Command byte: IRQ1 on keyboard data. */
export const CMD_KBD_INT = 0x01;
/** Command byte: IRQ12 on auxiliary data. */
export const CMD_AUX_INT = 0x02;
/** Command byte: system flag. */
export const CMD_SYS = 0x04;
/** Command byte: keyboard interface disabled. */
export const CMD_KBD_DISABLE = 0x10;
/** Command byte: auxiliary interface disabled. */
export const CMD_AUX_DISABLE = 0x20;
/** Command byte: translate keyboard data to scan code set 1. */
export const CMD_XLATE = 0x40;

/** Output port: 1 = CPU running, 0 = reset asserted. */
export const OUTPORT_RESET = 0x01;
/** Output port: A20 gate. */
export const OUTPORT_A20 = 0x02;
/** Output port: keyboard output buffer full. */
const OUTPORT_OBF = 0x10;
/** Output port: auxiliary output buffer full. */
const OUTPORT_AUX_OBF = 0x20;
/** Output port at power-on: CPU running, A20 on, clock and data lines high (QEMU's value). */
const OUTPORT_DEFAULT = 0xcf;

/** Command byte at power-on, as QEMU sets it: keyboard and aux interrupts enabled. */
const CMD_DEFAULT = CMD_KBD_INT | CMD_AUX_INT;

/** Options of {@link I8042}. */
export interface I8042Options {
  /** Receives the reset requests (0xFE, output port bit 0). */
  control: MachineControl;
  /** The A20 line the output port drives. */
  a20: A20Gate;
  /**
   * IRQ1, raised while keyboard data waits in the output buffer.
   * @default none
   */
  irq?: IrqLine;
  /**
   * IRQ12, raised while auxiliary data waits in the output buffer.
   * @default none
   */
  auxIrq?: IrqLine;
}

interface OutputByte {
  value: number;
  aux: boolean;
}

/**
 * The i8042 keyboard controller at ports 0x60 and 0x64, with a PS/2
 * keyboard and no auxiliary device. Enough for firmware and kernels to probe
 * it, gate A20 and reset the machine; key input is not wired yet.
 */
export class I8042 {
  /** The keyboard on the first port. */
  readonly keyboard = new Ps2Keyboard();
  readonly #control: MachineControl;
  readonly #a20: A20Gate;
  readonly #irq: IrqLine | undefined;
  readonly #auxIrq: IrqLine | undefined;
  /** Controller RAM; byte 0 is the command byte. */
  readonly #ram = new Uint8Array(32);
  #status = 0;
  #outport = OUTPORT_DEFAULT;
  #ob: OutputByte | undefined;
  #controllerOutput: OutputByte[] = [];
  /** The command whose data byte the next write to 0x60 carries, or 0. */
  #awaitingData = 0;
  #lastData = 0;

  /** Handler for port 0x60. */
  readonly dataPort: BusHandler = {
    name: "i8042-data",
    sizes: 1,
    read: () => this.#readData(),
    write: (_offset: number, _size: AccessSize, value: number) => this.#writeData(value & 0xff),
  };

  /** Handler for port 0x64. */
  readonly commandPort: BusHandler = {
    name: "i8042-command",
    sizes: 1,
    read: () => this.#readStatus(),
    write: (_offset: number, _size: AccessSize, value: number) => this.#command(value & 0xff),
  };

  /** A controller in its power-on state. */
  constructor(options: I8042Options) {
    this.#control = options.control;
    this.#a20 = options.a20;
    this.#irq = options.irq;
    this.#auxIrq = options.auxIrq;
    this.reset();
  }

  /** Claims ports 0x60 and 0x64. */
  register(io: RangeBus): void {
    io.register(I8042_DATA_PORT, 1, this.dataPort);
    io.register(I8042_COMMAND_PORT, 1, this.commandPort);
  }

  /** Power-on state (QEMU's kbd_reset). The A20 line is the board's to reset with the CPU. */
  reset(): void {
    this.#ram.fill(0);
    this.#ram[0] = CMD_DEFAULT;
    this.#status = STATUS_CMD | STATUS_UNLOCKED;
    this.#outport = OUTPORT_DEFAULT;
    this.#ob = undefined;
    this.#controllerOutput = [];
    this.#awaitingData = 0;
    this.#lastData = 0;
    this.keyboard.reset();
    this.keyboard.translated = false;
    this.#updateIrq();
  }

  /** The command byte (controller RAM byte 0). */
  get commandByte(): number {
    return this.#ram[0];
  }

  #readStatus(): number {
    let s = this.#status & ~(STATUS_OBF | STATUS_AUX_OBF);
    if (this.#ob) s |= this.#ob.aux ? STATUS_OBF | STATUS_AUX_OBF : STATUS_OBF;
    return s;
  }

  #readData(): number {
    const ob = this.#ob;
    // An empty output buffer still holds the last byte read.
    if (!ob) return this.#lastData;
    this.#lastData = ob.value;
    this.#ob = undefined;
    this.#status &= ~STATUS_TIMEOUT;
    // Drop the IRQ before the next byte loads so that each byte is a new edge.
    this.#updateIrq();
    this.#fill();
    return ob.value;
  }

  #writeData(v: number): void {
    this.#status &= ~STATUS_CMD;
    const command = this.#awaitingData;
    this.#awaitingData = 0;
    if (command >= 0x60 && command <= 0x7f) {
      this.#writeRam(command - 0x60, v);
    } else if (command === 0xd1) {
      this.#writeOutport(v);
    } else if (command === 0xd2 || command === 0xd3) {
      this.#output(v, command === 0xd3);
    } else if (command === 0xd4) {
      // No auxiliary device: the transmission times out, which the controller
      // reports as 0xFE from the aux port with the time-out bit set.
      this.#status |= STATUS_TIMEOUT;
      this.#output(0xfe, true);
    } else {
      // Sending to the keyboard re-enables its interface, as on a real 8042.
      this.#ram[0] &= ~CMD_KBD_DISABLE;
      this.keyboard.write(v);
    }
    this.#fill();
  }

  #command(v: number): void {
    this.#status |= STATUS_CMD;
    this.#awaitingData = 0; // a new command abandons one still waiting for its data byte
    if (v >= 0xf0) {
      // Pulse output port bits 3-0 low where the command has a 0 bit; bit 0 is
      // the CPU reset line, so 0xFE resets and 0xFF does nothing.
      if (!(v & 1)) this.#control.requestReset(`i8042 command 0x${v.toString(16)}`);
      return;
    }
    if (v >= 0x20 && v <= 0x3f) {
      this.#output(this.#ram[v - 0x20], false);
      return;
    }
    switch (v) {
      case 0xa7:
        this.#ram[0] |= CMD_AUX_DISABLE;
        break;
      case 0xa8:
        this.#ram[0] &= ~CMD_AUX_DISABLE;
        break;
      case 0xa9: // aux interface test: lines fine
      case 0xab: // keyboard interface test: lines fine
        this.#output(0x00, false);
        break;
      case 0xaa: // controller self-test passed
        this.#status |= STATUS_SYS;
        this.#output(0x55, false);
        break;
      case 0xad:
        this.#ram[0] |= CMD_KBD_DISABLE;
        break;
      case 0xae:
        this.#ram[0] &= ~CMD_KBD_DISABLE;
        this.#fill();
        break;
      case 0xc0: // input port: keyboard not inhibited
        this.#output(0x80, false);
        break;
      case 0xd0:
        this.#output(this.#readOutport(), false);
        break;
      case 0xdd:
        this.#a20.enabled = false;
        break;
      case 0xdf:
        this.#a20.enabled = true;
        break;
      default:
        if ((v >= 0x60 && v <= 0x7f) || (v >= 0xd1 && v <= 0xd4)) this.#awaitingData = v;
        // Other commands are vendor specific: ignored, as QEMU does.
    }
    this.#updateIrq();
  }

  #writeRam(index: number, v: number): void {
    this.#ram[index] = v;
    if (index !== 0) return;
    this.#status = (this.#status & ~STATUS_SYS) | (v & CMD_SYS);
    this.keyboard.translated = (v & CMD_XLATE) !== 0;
    this.#updateIrq();
  }

  #readOutport(): number {
    const ob = this.#ob;
    return (this.#outport & ~(OUTPORT_A20 | OUTPORT_OBF | OUTPORT_AUX_OBF)) |
      (this.#a20.enabled ? OUTPORT_A20 : 0) |
      (ob && !ob.aux ? OUTPORT_OBF : 0) | (ob?.aux ? OUTPORT_AUX_OBF : 0);
  }

  #writeOutport(v: number): void {
    this.#outport = v;
    this.#a20.enabled = (v & OUTPORT_A20) !== 0;
    if (!(v & OUTPORT_RESET)) this.#control.requestReset("i8042 output port bit 0 cleared");
  }

  /** Queues a byte produced by the controller itself; it precedes keyboard data. */
  #output(value: number, aux: boolean): void {
    this.#controllerOutput.push({ value, aux });
    this.#fill();
  }

  /** Loads the output buffer when it is free: controller bytes first, then the keyboard's. */
  #fill(): void {
    if (!this.#ob) {
      const next = this.#controllerOutput.shift();
      if (next) {
        this.#ob = next;
      } else if (!(this.#ram[0] & CMD_KBD_DISABLE) && this.keyboard.pending > 0) {
        this.#ob = { value: this.keyboard.shift()!, aux: false };
      }
    }
    this.#updateIrq();
  }

  #updateIrq(): void {
    const ob = this.#ob;
    const cmd = this.#ram[0];
    this.#irq?.set(ob !== undefined && !ob.aux && (cmd & CMD_KBD_INT) !== 0);
    this.#auxIrq?.set(ob !== undefined && ob.aux && (cmd & CMD_AUX_INT) !== 0);
  }
}
