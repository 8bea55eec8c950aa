/**
 * A small x86 (32-bit) assembler for the JIT tests: the handful of instructions they need, with
 * labels for branch targets and for addresses of code the guest patches, and a listing of what
 * was assembled where. Encodings follow Intel SDM vol. 2 (ModRM mod = 00 with r/m = 101 is
 * [disp32]; mod = 11 a register; r/m = 100 brings a SIB byte).
 *
 * @module
 */

/** An absolute address: a number, or a label with an optional byte offset. */
export type Address = number | { label: string; plus?: number };

/** Condition codes for {@link Asm.jcc} (SDM vol. 2 appendix B.1.4.7). */
export const CC = { B: 2, AE: 3, Z: 4, NZ: 5, BE: 6, A: 7, S: 8, NS: 9, L: 12, GE: 13 } as const;

/** ALU operations in ModRM.reg / opcode order. */
export const ALU = { ADD: 0, OR: 1, ADC: 2, SBB: 3, AND: 4, SUB: 5, XOR: 6, CMP: 7 } as const;

const ALU_NAMES = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
const CC_NAMES = ["o", "no", "b", "ae", "z", "nz", "be", "a", "s", "ns", "p", "np", "l", "ge"];
const REGS = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function hex(v: number): string {
  return v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

function addressText(a: Address): string {
  if (typeof a === "number") return hex(a >>> 0);
  return a.plus ? `${a.label}+${a.plus}` : a.label;
}

/** One assembled instruction: where it is and what it says. */
export interface ListingLine {
  address: number;
  text: string;
}

/** Builds code to be placed at `origin`; {@link Asm.assemble} resolves the labels. */
export class Asm {
  readonly #bytes: number[] = [];
  readonly #labels = new Map<string, number>();
  /** Places that take a label's address: rel32 (relative to `end`) or an absolute dword. */
  readonly #fixups: { at: number; target: Address; end: number | undefined }[] = [];
  readonly #listing: ListingLine[] = [];

  constructor(readonly origin: number) {}

  /** Address of the next byte. */
  get here(): number {
    return this.origin + this.#bytes.length;
  }

  /** The instructions assembled so far, in order. */
  get listing(): readonly ListingLine[] {
    return this.#listing;
  }

  /** Defines `name` at the current address. */
  label(name: string): this {
    return this.labelAt(name, this.here);
  }

  /** Defines `name` at `address` outside this code (a routine assembled apart). */
  labelAt(name: string, address: number): this {
    if (this.#labels.has(name)) throw new Error(`label ${name} defined twice`);
    this.#labels.set(name, address);
    return this;
  }

  /** Address of a label (defined before or after this call, resolved once assembled). */
  address(name: string): number {
    const at = this.#labels.get(name);
    if (at === undefined) throw new Error(`label ${name} is not defined`);
    return at;
  }

  /** An instruction given as raw bytes, with its text for the listing (operands may follow). */
  bytes(text: string, ...b: number[]): this {
    this.#listing.push({ address: this.here, text });
    for (const x of b) this.#bytes.push(x & 0xff);
    return this;
  }

  #more(...b: number[]): void {
    for (const x of b) this.#bytes.push(x & 0xff);
  }

  #abs(target: Address): void {
    if (typeof target === "number") return this.#more(...le32(target));
    this.#fixups.push({ at: this.#bytes.length, target, end: undefined });
    this.#more(0, 0, 0, 0);
  }

  #rel32(label: string): void {
    const at = this.#bytes.length;
    this.#fixups.push({ at, target: { label }, end: this.origin + at + 4 });
    this.#more(0, 0, 0, 0);
  }

  /** ModRM for [disp32] with ModRM.reg = `reg`, then the address. */
  #memAbs(reg: number, target: Address): void {
    this.#more((reg << 3) | 5);
    this.#abs(target);
  }

  /** `mov r32, imm32` (B8+r); the immediate may be a label's address. */
  movImm(r: number, v: Address): this {
    const text = typeof v === "number" ? hex(v) : addressText(v);
    this.bytes(`mov ${REGS[r]}, ${text}`, 0xb8 + r);
    this.#abs(v);
    return this;
  }
  /** `mov r32, r32` (89 /r). */
  mov(dst: number, src: number): this {
    return this.bytes(`mov ${REGS[dst]}, ${REGS[src]}`, 0x89, 0xc0 | (src << 3) | dst);
  }
  /** `mov r32, [addr]` (8B /r). */
  load(r: number, addr: Address): this {
    this.bytes(`mov ${REGS[r]}, [${addressText(addr)}]`, 0x8b);
    this.#memAbs(r, addr);
    return this;
  }
  /** `mov r32, [base]` (8B /r, mod 00; base not ESP or EBP). */
  loadIndirect(r: number, base: number): this {
    return this.bytes(`mov ${REGS[r]}, [${REGS[base]}]`, 0x8b, (r << 3) | base);
  }
  /** `mov [addr], r32` (89 /r). */
  store(addr: Address, r: number): this {
    this.bytes(`mov [${addressText(addr)}], ${REGS[r]}`, 0x89);
    this.#memAbs(r, addr);
    return this;
  }
  /** `mov [base+disp8], r32` (89 /r, mod 01; base not ESP). */
  storeIndirect(base: number, disp8: number, r: number): this {
    const text = `mov [${REGS[base]}+${disp8}], ${REGS[r]}`;
    return this.bytes(text, 0x89, 0x40 | (r << 3) | base, disp8);
  }
  /** `mov [disp32 + index*4], r32` (89 /r with SIB, no base). */
  storeScaled(disp: number, index: number, r: number): this {
    const text = `mov [${hex(disp)}+${REGS[index]}*4], ${REGS[r]}`;
    return this.bytes(text, 0x89, (r << 3) | 4, (2 << 6) | (index << 3) | 5, ...le32(disp));
  }
  /** `mov dword [addr], imm32` (C7 /0). */
  storeImm(addr: Address, v: number): this {
    this.bytes(`mov dword [${addressText(addr)}], ${hex(v)}`, 0xc7);
    this.#memAbs(0, addr);
    this.#more(...le32(v));
    return this;
  }
  /** `op r32, r32` (01/09/…/39 /r). */
  alu(op: number, dst: number, src: number): this {
    const text = `${ALU_NAMES[op]} ${REGS[dst]}, ${REGS[src]}`;
    return this.bytes(text, op * 8 + 1, 0xc0 | (src << 3) | dst);
  }
  /** `op r32, imm32` (81 /op id). */
  aluImm(op: number, dst: number, v: number): this {
    const text = `${ALU_NAMES[op]} ${REGS[dst]}, ${hex(v)}`;
    return this.bytes(text, 0x81, 0xc0 | (op << 3) | dst, ...le32(v));
  }
  /** `op byte [addr], imm8` (80 /op ib). */
  aluMem8Imm(op: number, addr: Address, v: number): this {
    this.bytes(`${ALU_NAMES[op]} byte [${addressText(addr)}], ${hex(v)}`, 0x80);
    this.#memAbs(op, addr);
    this.#more(v);
    return this;
  }
  /** `op byte [base], imm8` (80 /op ib, mod 00; base not ESP or EBP). */
  aluIndirect8Imm(op: number, base: number, v: number): this {
    const text = `${ALU_NAMES[op]} byte [${REGS[base]}], ${hex(v)}`;
    return this.bytes(text, 0x80, (op << 3) | base, v);
  }
  /** `test r32, imm32` (F7 /0 id). */
  testImm(r: number, v: number): this {
    return this.bytes(`test ${REGS[r]}, ${hex(v)}`, 0xf7, 0xc0 | r, ...le32(v));
  }
  /** `lea r32, [r32+disp8]` (8D /r, mod 01; base not ESP). */
  leaAdd(dst: number, base: number, disp8: number): this {
    const text = `lea ${REGS[dst]}, [${REGS[base]}${disp8 < 0 ? "" : "+"}${disp8}]`;
    return this.bytes(text, 0x8d, 0x40 | (dst << 3) | base, disp8);
  }
  /** `inc r32` (40+r). */
  inc(r: number): this {
    return this.bytes(`inc ${REGS[r]}`, 0x40 + r);
  }
  /** `dec r32` (48+r). */
  dec(r: number): this {
    return this.bytes(`dec ${REGS[r]}`, 0x48 + r);
  }
  /** `inc dword [addr]` (FF /0). */
  incMem(addr: Address): this {
    this.bytes(`inc dword [${addressText(addr)}]`, 0xff);
    this.#memAbs(0, addr);
    return this;
  }
  /** `push r32` (50+r). */
  push(r: number): this {
    return this.bytes(`push ${REGS[r]}`, 0x50 + r);
  }
  /** `pop r32` (58+r). */
  pop(r: number): this {
    return this.bytes(`pop ${REGS[r]}`, 0x58 + r);
  }
  /** `div r32` (F7 /6). */
  div(r: number): this {
    return this.bytes(`div ${REGS[r]}`, 0xf7, 0xf0 | r);
  }
  /** `shl r32, cl` (D3 /4): its count is known only at run time, so the JIT leaves it. */
  shlCl(r: number): this {
    return this.bytes(`shl ${REGS[r]}, cl`, 0xd3, 0xe0 | r);
  }
  /** `shr r32, imm8` (C1 /5 ib). */
  shrImm(r: number, n: number): this {
    return this.bytes(`shr ${REGS[r]}, ${n}`, 0xc1, 0xe8 | r, n);
  }
  /** `mov r32, fs:[base]` (64 8B /r, mod 00; base not ESP or EBP). */
  loadFsIndirect(r: number, base: number): this {
    return this.bytes(`mov ${REGS[r]}, fs:[${REGS[base]}]`, 0x64, 0x8b, (r << 3) | base);
  }
  /** `mov fs, r16` (8E /r with ModRM.reg = 4). */
  movToFs(r: number): this {
    return this.bytes(`mov fs, ${REGS[r].slice(1)}`, 0x8e, 0xe0 | r);
  }
  /** `call rel32` (E8). */
  call(label: string): this {
    this.bytes(`call ${label}`, 0xe8);
    this.#rel32(label);
    return this;
  }
  /** `ret` (C3). */
  ret(): this {
    return this.bytes("ret", 0xc3);
  }
  /** `jmp rel32` (E9). */
  jmp(label: string): this {
    this.bytes(`jmp ${label}`, 0xe9);
    this.#rel32(label);
    return this;
  }
  /** `jcc rel32` (0F 80+cc). */
  jcc(cc: number, label: string): this {
    this.bytes(`j${CC_NAMES[cc]} ${label}`, 0x0f, 0x80 + cc);
    this.#rel32(label);
    return this;
  }
  /** `hlt` (F4). */
  hlt(): this {
    return this.bytes("hlt", 0xf4);
  }
  /** `int3` (CC). */
  int3(): this {
    return this.bytes("int3", 0xcc);
  }
  /** `iret` (CF). */
  iret(): this {
    return this.bytes("iret", 0xcf);
  }
  /** `mov r32, cr2` (0F 20 /r with ModRM.reg = 2). */
  movFromCr2(r: number): this {
    return this.bytes(`mov ${REGS[r]}, cr2`, 0x0f, 0x20, 0xd0 | r);
  }
  /** `invlpg [r32]` (0F 01 /7, mod 00; r not ESP or EBP). */
  invlpg(r: number): this {
    return this.bytes(`invlpg [${REGS[r]}]`, 0x0f, 0x01, 0x38 | r);
  }

  /** The code with every label resolved. */
  assemble(): Uint8Array {
    const out = Uint8Array.from(this.#bytes);
    const view = new DataView(out.buffer);
    for (const { at, target, end } of this.#fixups) {
      const t = typeof target === "number"
        ? target
        : this.address(target.label) + (target.plus ?? 0);
      view.setInt32(at, end === undefined ? t : (t - end) | 0, true);
    }
    return out;
  }
}
