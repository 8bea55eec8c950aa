/**
 * Directed cases for bit operations, condition codes, data movement, LEA forms, the stack,
 * string instructions and forward branches.
 */

import { AF, CC_NAMES, CF, DF, OF, PF, SF, STATUS, ZF } from "./flags.ts";
import { hex, type Insn } from "./encode.ts";
import type { GeneratedCase } from "./generator.ts";
import { abs, CODE, D, dc, op } from "./directed_case.ts";

const ARITH = { writes: STATUS };
const BT = { writes: CF, undef: OF | SF | AF | PF };
const SCAN = { writes: ZF, undef: CF | OF | SF | AF | PF };
const LOW_FLAGS = SF | ZF | AF | PF | CF;

/** BT*, BSF/BSR (including zero sources), SETcc for all 16 codes, CMOVcc, extensions, exchanges. */
export function bitCases(): GeneratedCase[] {
  const allConditions = (flags: number) => {
    const sets: Insn[] = [];
    for (let cc = 0; cc < 16; cc++) {
      const at = D + 0x200 + cc;
      sets.push(
        op([0x0f, 0x90 + cc, 0x05, ...abs(at)], `set${CC_NAMES[cc]} byte [${hex(at)}]`, {
          reads: STATUS,
        }),
      );
    }
    return dc(`setcc for all 16 conditions with flags ${hex(flags)}`, { flags }, ...sets);
  };
  return [
    dc(
      "bt eax, 31 / bts ebx, 0",
      { eax: 0x80000000 },
      op([0x0f, 0xba, 0xe0, 31], "bt eax, 0x1f", BT),
      op([0x0f, 0xba, 0xeb, 0], "bts ebx, 0x0", BT),
    ),
    dc(
      "bts dword [ebp], ecx with ecx = -1 reaches the bit before the operand",
      { ebp: D + 0x100, ecx: 0xffffffff },
      op([0x0f, 0xab, 0x4d, 0x00], "bts dword [ebp+0x0], ecx", BT),
    ),
    dc(
      "btr word [ebp], cx with cx = 35 addresses the third word",
      { ebp: D + 0x100, ecx: 35 },
      op([0x66, 0x0f, 0xb3, 0x4d, 0x00], "btr word [ebp+0x0], cx", BT),
    ),
    dc(
      "btc word [mem], 17: the immediate is taken modulo 16",
      {},
      op([0x66, 0x0f, 0xba, 0x3d, ...abs(D + 0x300), 17], `btc word [${hex(D + 0x300)}], 0x11`, BT),
    ),
    // Intel calls the destination undefined for a zero source; AMD documents it unchanged and
    // Intel parts behave the same, so it is compared.
    dc(
      "bsf eax, ebx with ebx = 0: ZF=1, eax unchanged",
      { eax: 0x12345678 },
      op([0x0f, 0xbc, 0xc3], "bsf eax, ebx", SCAN),
    ),
    dc(
      "bsr ax, bx with bx = 0: ZF=1, ax unchanged",
      { eax: 0x5555aaaa },
      op([0x66, 0x0f, 0xbd, 0xc3], "bsr ax, bx", SCAN),
    ),
    dc(
      "bsr ecx, edx and bsf esi, edx of 0x80000001",
      { edx: 0x80000001 },
      op([0x0f, 0xbd, 0xca], "bsr ecx, edx", SCAN),
      op([0x0f, 0xbc, 0xf2], "bsf esi, edx", SCAN),
    ),
    allConditions(0),
    allConditions(CF | ZF),
    allConditions(SF),
    allConditions(OF | PF),
    allConditions(SF | OF | AF),
    dc(
      "cmovne eax, ebx (taken) and cmove ecx, edx (not taken)",
      { ebx: 7, edx: 9, ecx: 1 },
      op([0x0f, 0x45, 0xc3], "cmovne eax, ebx", { reads: ZF }),
      op([0x0f, 0x44, 0xca], "cmove ecx, edx", { reads: ZF }),
    ),
    dc(
      "cmovl si, word [mem] writes only SI",
      { flags: SF, esi: 0xffffffff },
      op([0x66, 0x0f, 0x4c, 0x35, ...abs(D + 0x11)], `cmovl si, word [${hex(D + 0x11)}]`, {
        reads: SF | OF,
      }),
    ),
    dc(
      "movsx eax, bl / movzx ecx, bh / movsx dx, ah",
      { ebx: 0x7f80, eax: 0x8000 },
      op([0x0f, 0xbe, 0xc3], "movsx eax, bl"),
      op([0x0f, 0xb6, 0xcf], "movzx ecx, bh"),
      op([0x66, 0x0f, 0xbe, 0xd4], "movsx dx, ah"),
    ),
    dc(
      "movzx edi, word [mem] / movsx ebp, word [mem]",
      {},
      op([0x0f, 0xb7, 0x3d, ...abs(D + 0xfe)], `movzx edi, word [${hex(D + 0xfe)}]`),
      op([0x0f, 0xbf, 0x2d, ...abs(D + 0xfe)], `movsx ebp, word [${hex(D + 0xfe)}]`),
    ),
    dc(
      "xchg al, ah / xchg [mem], ecx",
      { eax: 0x1122, ecx: 0xdeadbeef },
      op([0x86, 0xe0], "xchg al, ah"),
      op([0x87, 0x0d, ...abs(D + 0x44)], `xchg dword [${hex(D + 0x44)}], ecx`),
    ),
    dc(
      "xadd [mem], edx",
      { edx: 0xffffffff },
      op([0x0f, 0xc1, 0x15, ...abs(D + 0x48)], `xadd dword [${hex(D + 0x48)}], edx`, ARITH),
    ),
    dc(
      "cmpxchg ebx, ecx when equal",
      { eax: 5, ebx: 5, ecx: 9 },
      op([0x0f, 0xb1, 0xcb], "cmpxchg ebx, ecx", ARITH),
    ),
    dc(
      "cmpxchg ebx, ecx when different",
      { eax: 4, ebx: 5, ecx: 9 },
      op([0x0f, 0xb1, 0xcb], "cmpxchg ebx, ecx", ARITH),
    ),
    dc(
      "cmpxchg byte [mem], dh when equal",
      { eax: 0x50, edx: 0x7700 },
      op([0x0f, 0xb0, 0x35, ...abs(D + 0x50)], `cmpxchg byte [${hex(D + 0x50)}], dh`, ARITH),
    ),
    dc(
      "cmpxchg8b [mem] when equal",
      { eax: 0x43424140, edx: 0x47464544, ebx: 1, ecx: 2 },
      op([0x0f, 0xc7, 0x0d, ...abs(D + 0x40)], `cmpxchg8b qword [${hex(D + 0x40)}]`, {
        writes: ZF,
      }),
    ),
    dc(
      "cmpxchg8b [mem] when different",
      { ebx: 1, ecx: 2 },
      op([0x0f, 0xc7, 0x0d, ...abs(D + 0x40)], `cmpxchg8b qword [${hex(D + 0x40)}]`, {
        writes: ZF,
      }),
    ),
    dc(
      "bswap eax / bswap edi",
      { eax: 0x11223344, edi: 0x80 },
      op([0x0f, 0xc8], "bswap eax"),
      op([0x0f, 0xcf], "bswap edi"),
    ),
  ];
}

/** LEA forms, accumulator sign extension, LAHF/SAHF, flag instructions, XLAT, NOP r/m. */
export function miscCases(): GeneratedCase[] {
  return [
    dc(
      "lea: [esp+4], [ebp], [eax+ecx*8-1], [ecx*4+0x10], and a 16-bit destination",
      { eax: 0x100, ecx: 0x20, ebp: 0x7777 },
      op([0x8d, 0x5c, 0x24, 0x04], "lea ebx, [esp+0x4]"),
      op([0x8d, 0x55, 0x00], "lea edx, [ebp+0x0]"),
      op([0x8d, 0x74, 0xc8, 0xff], "lea esi, [eax+ecx*8-0x1]"),
      op([0x8d, 0x3c, 0x8d, 0x10, 0, 0, 0], "lea edi, [ecx*4+0x10]"),
      op([0x66, 0x8d, 0x05, 0x34, 0x12, 0, 0], "lea ax, [0x1234]"),
    ),
    dc(
      "lea with 16-bit addressing wraps at 64 KiB",
      { ebx: 0xffff, esi: 2, ebp: 0x8000, edi: 0x8000 },
      op([0x67, 0x8d, 0x00], "lea eax, a16 [bx+si]"),
      op([0x67, 0x8d, 0x4b, 0x7f], "lea ecx, a16 [bp+di+0x7f]"),
      op([0x67, 0x66, 0x8d, 0x16, 0xfe, 0xff], "lea dx, a16 [0xfffe]"),
    ),
    dc(
      "lea eax, [eax+eax*8] wraps modulo 2^32",
      { eax: 0x30000001 },
      op([0x8d, 0x04, 0xc0], "lea eax, [eax+eax*8]"),
    ),
    dc(
      "cbw / cwde / cwd / cdq of negative values",
      { eax: 0x80 },
      op([0x66, 0x98], "cbw"),
      op([0x98], "cwde"),
      op([0x66, 0x99], "cwd"),
      op([0x99], "cdq"),
    ),
    dc(
      "sahf with ah = 0xff, then lahf",
      { eax: 0xff00 },
      op([0x9e], "sahf", { writes: LOW_FLAGS }),
      op([0xb4, 0x00], "mov ah, 0x0"),
      op([0x9f], "lahf", { reads: LOW_FLAGS }),
    ),
    dc(
      "stc / cmc / cmc / std: CF and DF compared",
      {},
      op([0xf9], "stc", { writes: CF }),
      op([0xf5], "cmc", { reads: CF, writes: CF }),
      op([0xf5], "cmc", { reads: CF, writes: CF }),
      op([0xfd], "std"),
    ),
    dc("xlat with al = 0xff", { ebx: D + 0x100, eax: 0xff }, op([0xd7], "xlat")),
    dc(
      "multi-byte nop with a SIB operand does not access memory",
      { eax: 0xdeadbeef },
      op([0x0f, 0x1f, 0x44, 0x00, 0x00], "nop dword [eax+eax+0x0]"),
    ),
  ];
}

/** PUSH/POP with ESP operands, 16-bit pushes, PUSHAD/POPAD, PUSHFD/POPFD, ENTER/LEAVE. */
export function stackCases(): GeneratedCase[] {
  return [
    dc("push esp pushes the old value", {}, op([0x54], "push esp"), op([0x5b], "pop ebx")),
    dc(
      "pop dword [esp] uses ESP after the increment",
      {},
      op([0x68, 0x11, 0x22, 0x33, 0x44], "push 0x44332211"),
      op([0x8f, 0x04, 0x24], "pop dword [esp]"),
    ),
    dc(
      "pop dword [esp+4] after push",
      {},
      op([0x6a, 0xfe], "push 0xfffffffe"),
      op([0x8f, 0x44, 0x24, 0x04], "pop dword [esp+0x4]"),
    ),
    dc(
      "push word / pop word move ESP by 2",
      { eax: 0xabcd1234 },
      op([0x66, 0x50], "push ax"),
      op([0x66, 0xff, 0x35, ...abs(D + 0x10)], `push word [${hex(D + 0x10)}]`),
      op([0x66, 0x5b], "pop bx"),
      op([0x66, 0x8f, 0x05, ...abs(D + 0x20)], `pop word [${hex(D + 0x20)}]`),
    ),
    dc(
      "pushad / popad skips the saved ESP",
      { eax: 1, ecx: 2, edx: 3, ebx: 4, ebp: 5, esi: 6, edi: 7 },
      op([0x60], "pushad"),
      op([0xc7, 0x44, 0x24, 0x0c, 0, 0, 0, 0], "mov dword [esp+0xc], 0x0"),
      op([0xc7, 0x44, 0x24, 0x1c, 9, 0, 0, 0], "mov dword [esp+0x1c], 0x9"),
      op([0x61], "popad"),
    ),
    dc(
      "pushfd shows the loaded flags; popfd loads status flags and DF",
      { flags: CF | ZF | OF },
      op([0x9c], "pushfd", { reads: STATUS }),
      op([0x68, 0xd5, 0x06, 0, 0], "push 0x6d5"),
      op([0x9d], "popfd", { writes: STATUS }),
    ),
    dc(
      "enter 8, 2 copies a frame pointer; leave",
      { ebp: D + 0x900 },
      op([0xc8, 0x08, 0x00, 0x02], "enter 0x8, 2"),
      op([0xc9], "leave"),
    ),
    dc("enter 0x10, 0 without leave", { ebp: 0x55 }, op([0xc8, 0x10, 0x00, 0x00], "enter 0x10, 0")),
  ];
}

/** String instructions forward and backward, with REP/REPE/REPNE, ECX = 0, overrides. */
export function stringCases(): GeneratedCase[] {
  const CMP = { writes: STATUS };
  return [
    dc(
      "rep movsb copies 5 bytes forward",
      { ecx: 5, esi: D + 0x10, edi: D + 0x100 },
      op([0xf3, 0xa4], "rep movsb"),
    ),
    dc(
      "rep movsd copies 3 dwords backward (DF=1)",
      { flags: DF, ecx: 3, esi: D + 0x20, edi: D + 0x120 },
      op([0xf3, 0xa5], "rep movsd"),
    ),
    dc(
      "repe cmpsb stops at the first mismatch",
      { ecx: 8, esi: D + 0x10, edi: D + 0x110 },
      op([0xc6, 0x05, ...abs(D + 0x113), 0xee], `mov byte [${hex(D + 0x113)}], 0xee`),
      op([0xf3, 0xa6], "repe cmpsb", CMP),
    ),
    dc(
      "repne scasb finds al",
      { eax: 0x37, ecx: 0x40, edi: D + 0x20 },
      op([0xf2, 0xae], "repne scasb", CMP),
    ),
    dc(
      "rep stosw fills 4 words",
      { eax: 0xbeef, ecx: 4, edi: D + 0x81 },
      op([0xf3, 0x66, 0xab], "rep stosw"),
    ),
    dc("lodsb / lodsd advance esi", { esi: D + 0x7 }, op([0xac], "lodsb"), op([0xad], "lodsd")),
    dc(
      "repe cmpsd with ecx = 0 changes nothing",
      { flags: CF | SF, esi: D, edi: D + 4 },
      op([0xf3, 0xa7], "repe cmpsd"),
    ),
    dc(
      "movsw with an ss: source override",
      { esi: D + 0x30, edi: D + 0x31 },
      op([0x36, 0x66, 0xa5], "ss movsw"),
    ),
  ];
}

/** Forward branches taken and not taken, LOOP/JECXZ/JCXZ, CALL, RET imm16, JMP r32. */
export function branchCases(): GeneratedCase[] {
  const inc = op([0x40], "inc eax", { writes: OF | SF | ZF | AF | PF });
  return [
    dc(
      "jz taken skips inc",
      { flags: ZF },
      op([0x74, 0x01], "jz +0x1", { reads: ZF, skips: 1 }),
      inc,
    ),
    dc("jz not taken runs inc", {}, op([0x74, 0x01], "jz +0x1", { reads: ZF, skips: 1 }), inc),
    dc(
      "jl rel32 taken (SF != OF)",
      { flags: SF },
      op([0x0f, 0x8c, 1, 0, 0, 0], "jl +0x1", { reads: SF | OF, skips: 1 }),
      inc,
    ),
    dc(
      "loop with ecx = 1 falls through",
      { ecx: 1 },
      op([0xe2, 0x01], "loop +0x1", { skips: 1 }),
      inc,
    ),
    dc("loop with ecx = 2 jumps", { ecx: 2 }, op([0xe2, 0x01], "loop +0x1", { skips: 1 }), inc),
    dc(
      "loope with ZF = 0 falls through",
      { ecx: 5 },
      op([0xe1, 0x01], "loope +0x1", { reads: ZF, skips: 1 }),
      inc,
    ),
    dc("jecxz with ecx = 0 jumps", {}, op([0xe3, 0x01], "jecxz +0x1", { skips: 1 }), inc),
    dc(
      "jcxz looks at cx only",
      { ecx: 0x10000 },
      op([0x67, 0xe3, 0x01], "jcxz +0x1", { skips: 1 }),
      inc,
    ),
    dc(
      "call rel32 pushes the return address",
      {},
      op([0xe8, 1, 0, 0, 0], "call +0x1", { skips: 1 }),
      inc,
    ),
    dc(
      "push target; ret 4 releases 4 more bytes",
      {},
      op([0x68, ...abs(CODE + 9)], `push ${hex(CODE + 9)}`),
      op([0xc2, 4, 0], "ret 0x4", { skips: 1 }),
      inc,
    ),
    dc(
      "jmp eax to an absolute target",
      { eax: CODE + 3 },
      op([0xff, 0xe0], "jmp eax", { skips: 1 }),
      inc,
    ),
  ];
}
