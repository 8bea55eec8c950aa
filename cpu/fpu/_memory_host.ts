/**
 * An FpuHost over a flat byte array, for unit tests: exceptions are thrown as `GuestFault`,
 * FERR# transitions are logged, and a range of addresses can be made to page-fault.
 */
import type { FpuHost, FpuInstruction } from "./fpu_host.ts";
import { Fpu } from "./fpu.ts";
import { type F80, f80 } from "./f80.ts";
import "./x87_kernels.ts";

/** A guest exception as the host raised it. */
export class GuestFault extends Error {
  constructor(readonly vector: number) {
    super(`guest exception ${vector}`);
  }
}

/** Page-fault vector used for `faultAt`. */
export const VEC_PF = 14;

/** In-memory host with EFLAGS, AX, CR0 and an FERR# log. */
export class MemoryHost implements FpuHost {
  readonly mem: Uint8Array;
  cr0 = 0x33; // PE, MP, ET, NE
  eflags = 0x2;
  ax = 0;
  ferr = false;
  readonly ferrLog: boolean[] = [];
  /** Accesses at addresses in [faultFrom, faultTo) throw a page fault. */
  faultFrom = -1;
  faultTo = -1;

  constructor(size = 0x20000) {
    this.mem = new Uint8Array(size);
  }

  #check(addr: number): number {
    if (addr >= this.faultFrom && addr < this.faultTo) throw new GuestFault(VEC_PF);
    return addr;
  }

  read8(addr: number): number {
    return this.mem[this.#check(addr)];
  }
  read16(addr: number): number {
    return this.read8(addr) | (this.read8(addr + 1) << 8);
  }
  read32(addr: number): number {
    return (this.read16(addr) | (this.read16(addr + 2) << 16)) >>> 0;
  }
  write8(addr: number, v: number): void {
    this.mem[this.#check(addr)] = v & 0xff;
  }
  write16(addr: number, v: number): void {
    this.#check(addr + 1);
    this.write8(addr, v);
    this.write8(addr + 1, v >> 8);
  }
  probeWrite(addr: number, size: number): void {
    for (let i = 0; i < size; i++) this.#check(addr + i);
  }
  write32(addr: number, v: number): void {
    this.#check(addr + 3);
    this.write16(addr, v);
    this.write16(addr + 2, v >>> 16);
  }
  raise(vector: number): never {
    throw new GuestFault(vector);
  }
  setFerr(level: boolean): void {
    this.ferr = level;
    this.ferrLog.push(level);
  }
  getFlags(): number {
    return this.eflags;
  }
  setFlags(v: number): void {
    this.eflags = v;
  }
  setAx(v: number): void {
    this.ax = v & 0xffff;
  }

  /** Bytes [addr, addr + n) as a hex string. */
  hex(addr: number, n: number): string {
    return [...this.mem.subarray(addr, addr + n)].map((b) => b.toString(16).padStart(2, "0")).join(
      "",
    );
  }

  /** Stores a hex string at `addr`. */
  poke(addr: number, hex: string): void {
    for (let i = 0; i < hex.length / 2; i++) {
      this.mem[addr + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    }
  }

  /** Stores an m80 value. */
  pokeF80(addr: number, v: F80): void {
    this.write32(addr, v.lo);
    this.write32(addr + 4, v.hi);
    this.write16(addr + 8, v.se);
  }

  /** Reads an m80 value. */
  peekF80(addr: number): F80 {
    return f80(this.read16(addr + 8), this.read32(addr + 4), this.read32(addr));
  }
}

/** Memory-form ModRM byte with reg field `reg` (mod 00, rm 011). */
export function mem(reg: number): number {
  return (reg << 3) | 3;
}

/** Runs one escape instruction with a 32-bit protected-mode context. */
export function run(
  fpu: Fpu,
  opcode: number,
  modrm: number,
  address = 0,
  extra: Partial<FpuInstruction> = {},
): void {
  fpu.execute({
    opcode,
    modrm,
    address,
    operandSize32: true,
    protectedMode: true,
    cs: 0x08,
    eip: 0x1000,
    ds: 0x10,
    ...extra,
  });
}

/** A fresh unit on a fresh host. */
export function setup(): { host: MemoryHost; fpu: Fpu } {
  const host = new MemoryHost();
  return { host, fpu: new Fpu(host) };
}

/** Pushes an 80-bit value with FLD m80 through scratch memory at 0xff00. */
export function push80(fpu: Fpu, host: MemoryHost, v: F80): void {
  host.pokeF80(0xff00, v);
  run(fpu, 0xdb, mem(5), 0xff00);
}

/** Pushes a float64 with FLD m64 through scratch memory at 0xff00. */
export function push64(fpu: Fpu, host: MemoryHost, x: number): void {
  new DataView(host.mem.buffer).setFloat64(0xff00, x, true);
  run(fpu, 0xdd, mem(0), 0xff00);
}

/** Loads the control word with FLDCW through scratch memory at 0xfff0. */
export function setCw(fpu: Fpu, host: MemoryHost, cw: number): void {
  host.write16(0xfff0, cw);
  run(fpu, 0xd9, mem(5), 0xfff0);
}
