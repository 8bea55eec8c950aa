/**
 * The fuzz input format: raw bytes decoded into a queue setup and a list of commands, so that any
 * byte string is a valid program and every finding can be kept as a file and replayed.
 *
 * Layout: byte 0 picks the queue size (2^(b % 9)), byte 1 the features (bit 0 legacy layout,
 * bit 1 EVENT_IDX, bit 2 INDIRECT_DESC); then each command is an opcode byte and its operands.
 * Bytes past the end read as zero.
 *
 * @module
 */

import type { RawDescriptor } from "./mock_driver.ts";

/** Guest RAM of a fuzz run: small, so random addresses often land inside it. */
export const FUZZ_RAM_SIZE = 0x10000;
/** Longest program decoded from one input. */
export const FUZZ_MAX_COMMANDS = 1024;

/** How the queue is set up before the commands run. */
export interface FuzzSetup {
  /** Queue size is 2^sizeLog2 (0..8). */
  sizeLog2: number;
  /** Legacy single-PFN layout. */
  legacy: boolean;
  /** VIRTIO_F_EVENT_IDX on both sides. */
  eventIdx: boolean;
  /** VIRTIO_F_INDIRECT_DESC on the device side (the driver may use indirect tables anyway). */
  indirect: boolean;
}

/** One step of a fuzz program: a driver action, a corruption, or a device action. */
export type FuzzCommand =
  | { op: "add"; readable: number[]; writable: number[]; indirect: boolean; kick: boolean }
  | { op: "corruptDescriptor"; index: number; field: keyof RawDescriptor; value: number }
  | { op: "corruptIndirect"; entry: number; field: keyof RawDescriptor; value: number }
  | { op: "moveAvailIdx"; delta: number /* -128..127 */ }
  | { op: "setAvailRing"; slot: number; head: number }
  | { op: "corruptRam"; offset: number; value: number }
  | { op: "kick" }
  | { op: "getUsed" }
  | { op: "pop"; count: number }
  | { op: "addUsed"; pick: number; len: number }
  | { op: "notify"; suppress: boolean; noInterrupt: boolean; usedEvent: number }
  | { op: "reset" };

/** A decoded fuzz input. */
export interface FuzzProgram {
  /** Queue configuration. */
  setup: FuzzSetup;
  /** Commands in order. */
  commands: FuzzCommand[];
}

type Op = FuzzCommand["op"];

// Opcode byte % 32 → command. Building and draining rings is weighted up so that random inputs
// reach deep ring states; each corruption is rarer, and the sticky ones (a jumped avail.idx
// breaks the queue until reset) rarest.
const OPCODE_WEIGHTS: readonly [Op, number][] = [
  ["add", 6],
  ["pop", 6],
  ["addUsed", 5],
  ["getUsed", 2],
  ["kick", 2],
  ["corruptDescriptor", 2],
  ["corruptIndirect", 2],
  ["corruptRam", 2],
  ["notify", 2],
  ["moveAvailIdx", 1],
  ["setAvailRing", 1],
  ["reset", 1],
];
const OPCODES: readonly Op[] = OPCODE_WEIGHTS.flatMap(([op, n]) => Array<Op>(n).fill(op));

const FIELDS: readonly (keyof RawDescriptor)[] = ["addrLow", "addrHigh", "len", "flags", "next"];

/** Values a corruption draws from one selector byte below 64: flag mixes, edges of RAM and u32. */
export const FUZZ_SPECIAL_VALUES: readonly number[] = [
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  16,
  0xffffffff,
  FUZZ_RAM_SIZE,
  FUZZ_RAM_SIZE - 16,
  0x80000000,
  0xfffffff0,
  0x10000,
  0xffff,
];

class ByteReader {
  #pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.#pos >= this.bytes.length;
  }
  u8(): number {
    return this.#pos < this.bytes.length ? this.bytes[this.#pos++] : (this.#pos++, 0);
  }
  u16(): number {
    return this.u8() | (this.u8() << 8);
  }
  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }
  value(): number {
    const sel = this.u8();
    return sel < 64 ? FUZZ_SPECIAL_VALUES[sel % FUZZ_SPECIAL_VALUES.length] : this.u32();
  }
}

/** Decodes any byte string into a program. */
export function decodeFuzzInput(input: Uint8Array): FuzzProgram {
  const r = new ByteReader(input);
  const sizeByte = r.u8();
  const features = r.u8();
  const setup: FuzzSetup = {
    sizeLog2: sizeByte % 9,
    legacy: (features & 1) !== 0,
    eventIdx: (features & 2) !== 0,
    indirect: (features & 4) !== 0,
  };
  const commands: FuzzCommand[] = [];
  while (!r.done && commands.length < FUZZ_MAX_COMMANDS) {
    commands.push(decodeCommand(r, OPCODES[r.u8() % OPCODES.length]));
  }
  return { setup, commands };
}

function decodeCommand(r: ByteReader, op: Op): FuzzCommand {
  switch (op) {
    case "add": {
      const b = r.u8();
      let nReadable = b & 3;
      const nWritable = (b >> 2) & 3;
      if (nReadable + nWritable === 0) nReadable = 1;
      const readable = Array.from({ length: nReadable }, () => r.u8());
      const writable = Array.from({ length: nWritable }, () => r.u8());
      return { op, readable, writable, indirect: (b & 0x10) !== 0, kick: (b & 0x20) !== 0 };
    }
    case "corruptDescriptor":
      return { op, index: r.u8(), field: FIELDS[r.u8() % FIELDS.length], value: r.value() };
    case "corruptIndirect":
      return { op, entry: r.u8(), field: FIELDS[r.u8() % FIELDS.length], value: r.value() };
    case "moveAvailIdx":
      // Signed: small steps past the published entries, or backwards (§2.6.6.1 forbids both).
      return { op, delta: (r.u8() << 24) >> 24 };
    case "setAvailRing":
      return { op, slot: r.u8(), head: r.u16() };
    case "corruptRam":
      return { op, offset: r.u16(), value: r.u32() };
    case "pop":
      return { op, count: 1 + (r.u8() & 3) };
    case "addUsed":
      return { op, pick: r.u8(), len: r.u16() };
    case "notify": {
      const b = r.u8();
      return { op, suppress: (b & 1) !== 0, noInterrupt: (b & 2) !== 0, usedEvent: r.u16() };
    }
    case "kick":
    case "getUsed":
    case "reset":
      return { op };
  }
}

/**
 * Encodes a program so that {@link decodeFuzzInput} gives it back; for hand-written hostile
 * inputs. Operands out of their byte range are truncated as the decoder would read them.
 */
export function encodeFuzzProgram(program: FuzzProgram): Uint8Array {
  const out: number[] = [];
  const u16 = (v: number) => out.push(v & 0xff, (v >> 8) & 0xff);
  const u32 = (v: number) => (u16(v & 0xffff), u16(v >>> 16));
  const value = (v: number) => {
    const special = FUZZ_SPECIAL_VALUES.indexOf(v >>> 0);
    if (special >= 0) out.push(special);
    else (out.push(0xff), u32(v));
  };
  const { setup } = program;
  out.push(setup.sizeLog2 % 9);
  out.push((setup.legacy ? 1 : 0) | (setup.eventIdx ? 2 : 0) | (setup.indirect ? 4 : 0));
  for (const c of program.commands) {
    out.push(OPCODES.indexOf(c.op));
    switch (c.op) {
      case "add": {
        const parts = c.readable.length + c.writable.length;
        if (c.readable.length > 3 || c.writable.length > 3 || parts === 0) {
          throw new RangeError("an encoded add holds 1 to 6 parts, at most 3 of each kind");
        }
        out.push(
          c.readable.length | (c.writable.length << 2) | (c.indirect ? 0x10 : 0) |
            (c.kick ? 0x20 : 0),
        );
        for (const len of [...c.readable, ...c.writable]) out.push(len & 0xff);
        break;
      }
      case "corruptDescriptor":
        out.push(c.index & 0xff, FIELDS.indexOf(c.field));
        value(c.value);
        break;
      case "corruptIndirect":
        out.push(c.entry & 0xff, FIELDS.indexOf(c.field));
        value(c.value);
        break;
      case "moveAvailIdx":
        out.push(c.delta & 0xff);
        break;
      case "setAvailRing":
        out.push(c.slot & 0xff);
        u16(c.head);
        break;
      case "corruptRam":
        u16(c.offset);
        u32(c.value);
        break;
      case "pop":
        out.push((c.count - 1) & 3);
        break;
      case "addUsed":
        out.push(c.pick & 0xff);
        u16(c.len);
        break;
      case "notify":
        out.push((c.suppress ? 1 : 0) | (c.noInterrupt ? 2 : 0));
        u16(c.usedEvent);
        break;
      case "kick":
      case "getUsed":
      case "reset":
        break;
    }
  }
  return new Uint8Array(out);
}
