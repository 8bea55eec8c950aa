/**
 * The host-side executable for one batch of FlatTestCases: a static ELF32 whose hand-assembled
 * harness loops over a case table. For each case it copies the code into the code window
 * (followed by an indirect jump back), copies the initial data into the data window, loads
 * EFLAGS (PUSH/POPFD) and EAX..EDI including ESP, jumps to the case, then stores the final
 * registers and EFLAGS and writes one record to stdout with `int 0x80` write(2).
 *
 * Record (little-endian): u32 case index, u32 EAX ECX EDX EBX ESP EBP ESI EDI, u32 EFLAGS,
 * then the final data area (its length is the case's data length). Records are written one
 * per case right after it runs, so when a case kills the process the complete records say
 * exactly how far the batch got.
 */

import { buildElf32, elf32HeaderSize, PF_R, PF_W, PF_X } from "./elf32.ts";
import { DF, FIXED_ONE, ID, IF, STATUS } from "./flags.ts";
import { CODE_WINDOW, CODE_WINDOW_SIZE, DATA_WINDOW, DATA_WINDOW_SIZE } from "./layout.ts";
import type { FlatTestCase } from "./types.ts";

/** Base of the harness text segment (the classic i386 `ld` base). */
export const TEXT_BASE = 0x08048000;
/** Base of the harness's private scratch page(s): variables, stack, output buffer. */
export const SCRATCH_BASE = 0x30000000;
/** Bytes of each output record before the data area. */
export const RECORD_HEADER = 40;

// Scratch variables (absolute addresses), stack and output buffer.
const CUR = SCRATCH_BASE + 0x00; // pointer to the current table entry
const REMAINING = SCRATCH_BASE + 0x04; // cases still to run
const HARNESS_ESP = SCRATCH_BASE + 0x08; // harness stack pointer while a case runs
const CASE_ENTRY = SCRATCH_BASE + 0x0c; // where the current case's code starts
const RETURN_PTR = SCRATCH_BASE + 0x10; // address of the harness's return label
const STACK_TOP = SCRATCH_BASE + 0x800;
const OUT = SCRATCH_BASE + 0x1000;

// Case table entry layout (bytes).
const E_REGS = 0, E_EFLAGS = 32, E_CODE_ADDR = 36, E_CODE_SRC = 40, E_CODE_LEN = 44;
const E_DATA_ADDR = 48, E_DATA_SRC = 52, E_DATA_LEN = 56, E_INDEX = 60, ENTRY_SIZE = 64;

/** `jmp dword [RETURN_PTR]`: appended to every case; flag- and register-neutral. */
const JUMP_BACK = [0xff, 0x25, ...u32le(RETURN_PTR)];

function u32le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** Just enough of an assembler for the harness: raw bytes, labels, rel8/rel32 fixups. */
class Asm {
  readonly bytes: number[] = [];
  readonly labels = new Map<string, number>();
  readonly fixups: { at: number; label: string; size: 1 | 4 }[] = [];
  readonly absFixups: { at: number; label: string }[] = [];

  constructor(readonly base: number) {}

  emit(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  label(name: string): this {
    this.labels.set(name, this.bytes.length);
    return this;
  }
  /** Opcode bytes followed by a relative displacement to `label`. */
  rel(opcode: number[], label: string, size: 1 | 4): this {
    this.emit(...opcode);
    this.fixups.push({ at: this.bytes.length, label, size });
    return this.emit(...new Array(size).fill(0));
  }
  /** Opcode bytes followed by the absolute address of `label`. */
  abs(opcode: number[], label: string): this {
    this.emit(...opcode);
    this.absFixups.push({ at: this.bytes.length, label });
    return this.emit(0, 0, 0, 0);
  }
  address(label: string): number {
    const off = this.labels.get(label);
    if (off === undefined) throw new Error(`harness: unknown label ${label}`);
    return this.base + off;
  }
  finish(): Uint8Array {
    for (const f of this.fixups) {
      const rel = this.labels.get(f.label)! - (f.at + f.size);
      if (f.size === 1 && (rel < -128 || rel > 127)) {
        throw new Error(`harness: ${f.label} out of rel8`);
      }
      const b = f.size === 1 ? [rel & 0xff] : u32le(rel >>> 0);
      this.bytes.splice(f.at, f.size, ...b);
    }
    for (const f of this.absFixups) this.bytes.splice(f.at, 4, ...u32le(this.address(f.label)));
    return Uint8Array.from(this.bytes);
  }
}

/** Encodes `mov r32, [ebp+disp8]` (8B /r, mod = 01, rm = 101). */
function movFromEntry(reg: number, disp: number): number[] {
  return [0x8b, 0x45 | (reg << 3), disp];
}

/** Encodes `mov [abs32], r32` (89 /r, mod = 00, rm = 101). */
function storeAbs(reg: number, addr: number): number[] {
  return [0x89, 0x05 | (reg << 3), ...u32le(addr)];
}

function harnessCode(base: number, caseCount: number, table: number): Uint8Array {
  const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
  const a = new Asm(base);
  a.emit(0xbc, ...u32le(STACK_TOP)); // mov esp, STACK_TOP
  a.emit(0xc7, 0x05, ...u32le(CUR), ...u32le(table)); // mov dword [CUR], table
  a.emit(0xc7, 0x05, ...u32le(REMAINING), ...u32le(caseCount)); // mov dword [REMAINING], n
  a.abs([0xc7, 0x05, ...u32le(RETURN_PTR)], "returned"); // mov dword [RETURN_PTR], returned

  a.label("next_case");
  a.emit(0xfc); // cld
  a.emit(0x8b, 0x2d, ...u32le(CUR)); // mov ebp, [CUR]
  a.emit(...movFromEntry(ESI, E_CODE_SRC), ...movFromEntry(EDI, E_CODE_ADDR));
  a.emit(...movFromEntry(ECX, E_CODE_LEN), 0xf3, 0xa4); // rep movsb: code + jump back
  a.emit(...movFromEntry(ESI, E_DATA_SRC), ...movFromEntry(EDI, E_DATA_ADDR));
  a.emit(...movFromEntry(ECX, E_DATA_LEN), 0xf3, 0xa4); // rep movsb: initial data
  a.emit(...movFromEntry(EAX, E_CODE_ADDR), 0xa3, ...u32le(CASE_ENTRY)); // [CASE_ENTRY] = code
  a.emit(...storeAbs(ESP, HARNESS_ESP));
  a.emit(0xff, 0x75, E_EFLAGS, 0x9d); // push dword [ebp+E_EFLAGS]; popfd
  // MOV never changes flags, so the loaded EFLAGS survive until the case's first instruction.
  for (const r of [EAX, ECX, EDX, EBX, ESP, ESI, EDI]) a.emit(...movFromEntry(r, E_REGS + 4 * r));
  a.emit(...movFromEntry(EBP, E_REGS + 4 * EBP)); // EBP last: it held the entry pointer
  a.emit(0xff, 0x25, ...u32le(CASE_ENTRY)); // jmp [CASE_ENTRY]

  a.label("returned");
  for (const r of [EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI]) a.emit(...storeAbs(r, OUT + 4 + 4 * r));
  a.emit(0x8b, 0x25, ...u32le(HARNESS_ESP)); // mov esp, [HARNESS_ESP]
  a.emit(0x9c, 0x58, 0xa3, ...u32le(OUT + 36)); // pushfd; pop eax; mov [OUT+36], eax
  a.emit(0xfc); // cld: the case may have left DF set
  a.emit(0x8b, 0x2d, ...u32le(CUR)); // mov ebp, [CUR]
  a.emit(...movFromEntry(EAX, E_INDEX), 0xa3, ...u32le(OUT)); // [OUT] = case index
  a.emit(...movFromEntry(ESI, E_DATA_ADDR), 0xbf, ...u32le(OUT + RECORD_HEADER));
  a.emit(...movFromEntry(ECX, E_DATA_LEN), 0xf3, 0xa4); // copy final data after the header
  a.emit(0xb9, ...u32le(OUT)); // mov ecx, OUT
  a.emit(...movFromEntry(EDX, E_DATA_LEN), 0x83, 0xc2, RECORD_HEADER); // edx = len + header
  a.rel([0xe8], "write_all", 4);
  a.emit(0x83, 0x05, ...u32le(CUR), ENTRY_SIZE); // add dword [CUR], ENTRY_SIZE
  a.emit(0xff, 0x0d, ...u32le(REMAINING)); // dec dword [REMAINING]
  a.rel([0x0f, 0x85], "next_case", 4); // jnz next_case
  a.emit(0xb8, 1, 0, 0, 0, 0x31, 0xdb, 0xcd, 0x80); // exit(0)

  // write_all(ecx = buffer, edx = length): retries short writes, EINTR and EAGAIN.
  a.label("write_all");
  a.emit(0x85, 0xd2); // test edx, edx
  a.rel([0x74], "write_done", 1);
  a.emit(0xb8, 4, 0, 0, 0, 0xbb, 1, 0, 0, 0, 0xcd, 0x80); // write(1, ecx, edx)
  a.emit(0x83, 0xf8, 0xf5); // cmp eax, -EAGAIN
  a.rel([0x74], "write_all", 1);
  a.emit(0x83, 0xf8, 0xfc); // cmp eax, -EINTR
  a.rel([0x74], "write_all", 1);
  a.emit(0x85, 0xc0); // test eax, eax
  a.rel([0x7e], "write_failed", 1); // jle: error or no progress
  a.emit(0x01, 0xc1, 0x29, 0xc2); // add ecx, eax; sub edx, eax
  a.rel([0xeb], "write_all", 1);
  a.label("write_done");
  a.emit(0xc3);
  a.label("write_failed");
  a.emit(0xb8, 1, 0, 0, 0, 0xbb, 3, 0, 0, 0, 0xcd, 0x80); // exit(3)
  return a.finish();
}

/** Throws unless the case fits the host windows and its EFLAGS can be loaded by user code. */
export function checkHostCase(tc: FlatTestCase, index: number): void {
  const where = `case ${index}`;
  const codeEnd = tc.codeAddress + tc.code.length + JUMP_BACK.length;
  if (tc.codeAddress < CODE_WINDOW || codeEnd > CODE_WINDOW + CODE_WINDOW_SIZE) {
    throw new Error(`${where}: code must lie in the code window at 0x${CODE_WINDOW.toString(16)}`);
  }
  if (
    tc.dataAddress < DATA_WINDOW || tc.dataAddress + tc.data.length > DATA_WINDOW + DATA_WINDOW_SIZE
  ) {
    throw new Error(`${where}: data must lie in the data window at 0x${DATA_WINDOW.toString(16)}`);
  }
  if (tc.regs.length !== 8) throw new Error(`${where}: regs must have 8 entries`);
  // User code cannot change IF/IOPL (POPFD ignores them at CPL 3) and must not set TF (traps)
  // or AC (alignment faults); NT, VM, RF, VIF, VIP and the reserved bits stay clear too.
  const allowed = STATUS | DF | IF | FIXED_ONE | ID;
  if ((tc.eflags & ~allowed) !== 0 || (tc.eflags & (IF | FIXED_ONE)) !== (IF | FIXED_ONE)) {
    throw new Error(
      `${where}: eflags 0x${(tc.eflags >>> 0).toString(16)} not loadable by user code`,
    );
  }
}

/** Builds the executable that runs `cases` in order; `firstIndex` numbers the records. */
export function buildHarnessImage(cases: readonly FlatTestCase[], firstIndex = 0): Uint8Array {
  if (cases.length === 0) throw new Error("buildHarnessImage: no cases");
  cases.forEach((tc, i) => checkHostCase(tc, firstIndex + i));
  const headerSize = elf32HeaderSize(4);
  const codeStart = TEXT_BASE + headerSize;
  // Harness length does not depend on the table address, so assemble once to measure it.
  const codeLen = harnessCode(codeStart, cases.length, 0).length;
  const tableOff = align(headerSize + codeLen, 64);
  const table = TEXT_BASE + tableOff;
  let blobOff = tableOff + ENTRY_SIZE * cases.length;
  const blobs: { off: number; bytes: Uint8Array }[] = [];
  const entries = new DataView(new ArrayBuffer(ENTRY_SIZE * cases.length));
  let maxData = 0;
  cases.forEach((tc, i) => {
    const code = new Uint8Array(tc.code.length + JUMP_BACK.length);
    code.set(tc.code);
    code.set(JUMP_BACK, tc.code.length);
    const e = i * ENTRY_SIZE;
    for (let r = 0; r < 8; r++) entries.setUint32(e + E_REGS + 4 * r, tc.regs[r], true);
    entries.setUint32(e + E_EFLAGS, tc.eflags >>> 0, true);
    entries.setUint32(e + E_CODE_ADDR, tc.codeAddress >>> 0, true);
    entries.setUint32(e + E_CODE_SRC, TEXT_BASE + blobOff, true);
    entries.setUint32(e + E_CODE_LEN, code.length, true);
    blobs.push({ off: blobOff, bytes: code });
    blobOff += code.length;
    entries.setUint32(e + E_DATA_ADDR, tc.dataAddress >>> 0, true);
    entries.setUint32(e + E_DATA_SRC, TEXT_BASE + blobOff, true);
    entries.setUint32(e + E_DATA_LEN, tc.data.length, true);
    entries.setUint32(e + E_INDEX, firstIndex + i, true);
    blobs.push({ off: blobOff, bytes: tc.data });
    blobOff += tc.data.length;
    maxData = Math.max(maxData, tc.data.length);
  });
  const text = new Uint8Array(blobOff);
  text.set(harnessCode(codeStart, cases.length, table), headerSize);
  text.set(new Uint8Array(entries.buffer), tableOff);
  for (const b of blobs) text.set(b.bytes, b.off);
  const scratchSize = align(OUT - SCRATCH_BASE + RECORD_HEADER + maxData, 0x1000);
  return buildElf32([
    { vaddr: TEXT_BASE, data: text, flags: PF_R | PF_X },
    {
      vaddr: CODE_WINDOW,
      data: new Uint8Array(0),
      memSize: CODE_WINDOW_SIZE,
      flags: PF_R | PF_W | PF_X,
    },
    { vaddr: DATA_WINDOW, data: new Uint8Array(0), memSize: DATA_WINDOW_SIZE, flags: PF_R | PF_W },
    { vaddr: SCRATCH_BASE, data: new Uint8Array(0), memSize: scratchSize, flags: PF_R | PF_W },
  ], codeStart);
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
