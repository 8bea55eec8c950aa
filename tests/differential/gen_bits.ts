/**
 * Bit and data-movement families: BT/BTS/BTR/BTC, BSF/BSR, SETcc, CMOVcc, MOVSX/MOVZX, XCHG,
 * XADD, CMPXCHG, CMPXCHG8B and BSWAP (SDM Vol. 2 under each mnemonic).
 */

import { AF, CC_NAMES, CC_READS, CF, OF, PF, SF, STATUS, ZF } from "./flags.ts";
import {
  EAX,
  EBX,
  ECX,
  EDX,
  hex,
  type Insn,
  insn,
  isReg,
  mem32,
  modrm,
  movRegImm,
  movRmImm,
  opsize,
  regName,
  rmText,
  type Size,
} from "./encode.ts";
import type { Gen } from "./gen_context.ts";
import { maybeLock, rmBytes, w } from "./gen_alu.ts";

const BT_NAMES = ["bt", "bts", "btr", "btc"];
/** BT*: "The CF flag contains the value of the selected bit. The ZF flag is unaffected. The OF, SF, AF, and PF flags are undefined." */
const BT_FLAGS = { writes: CF, undef: OF | SF | AF | PF };

/**
 * BT/BTS/BTR/BTC r/m, r (0F A3/AB/B3/BB) and r/m, imm8 (0F BA /4-7). With a memory operand and
 * a register offset the offset is a signed bit index that may reach outside the addressed
 * word (SDM "BT": bit-string addressing), so it is planted small and the address has margin.
 */
export function genBitTest(g: Gen): Insn[] {
  const size = g.wide();
  const op = g.rng.below(4);
  const name = BT_NAMES[op];
  if (g.rng.chance(0.5)) {
    const onMemory = g.rng.chance(0.4);
    // With memory the offset register is planted, so it cannot be ESP.
    const offReg = onMemory ? g.dst(4) : g.src();
    const { setup, rm } = onMemory
      ? g.mem(size, { avoid: 1 << offReg, margin: 0x100, align: true })
      : { setup: [] as Insn[], rm: { reg: op !== 0 ? g.dst(size) : g.src() } };
    const lock = op !== 0 && maybeLock(g, rm);
    const pre = onMemory ? [movRegImm(4, offReg, g.rng.range(-0x400, 0x3ff))] : [];
    return [
      ...setup,
      ...pre,
      insn(
        rmBytes(size, [0x0f, 0xa3 + 8 * op], offReg, rm, [], lock),
        `${lock ? "lock " : ""}${name} ${rmText(size, rm)}, ${regName(size, offReg)}`,
        BT_FLAGS,
      ),
    ];
  }
  const { setup, rm } = g.rm(size, op !== 0, { align: true });
  const lock = op !== 0 && maybeLock(g, rm);
  const bit = g.rng.chance(0.5) ? g.rng.below(size * 8) : g.rng.below(256);
  return [
    ...setup,
    insn(
      rmBytes(size, [0x0f, 0xba], 4 + op, rm, [bit], lock),
      `${lock ? "lock " : ""}${name} ${rmText(size, rm)}, ${hex(bit)}`,
      BT_FLAGS,
    ),
  ];
}

/**
 * BSF/BSR r, r/m (0F BC/BD). With a zero source ZF = 1 and the destination is "undefined" per
 * Intel but left unchanged by AMD and by Intel parts in practice; it is compared anyway.
 * The source is forced to zero a fifth of the time.
 */
export function genBitScan(g: Gen): Insn[] {
  const size = g.wide();
  const reverse = g.rng.chance(0.5);
  const { setup, rm } = g.rm(size, false);
  const reg = g.dst(size);
  if (g.rng.chance(0.2)) {
    if (isReg(rm)) {
      if (rm.reg !== 4) setup.push(movRegImm(size, rm.reg, 0));
    } else {
      setup.push(movRmImm(size, rm, 0));
    }
  }
  return [
    ...setup,
    insn(
      rmBytes(size, [0x0f, reverse ? 0xbd : 0xbc], reg, rm),
      `${reverse ? "bsr" : "bsf"} ${regName(size, reg)}, ${rmText(size, rm)}`,
      { writes: ZF, undef: CF | OF | SF | AF | PF },
    ),
  ];
}

/** SETcc r/m8 (0F 90+cc) and CMOVcc r, r/m (0F 40+cc). */
export function genCondMove(g: Gen): Insn[] {
  const cc = g.rng.below(16);
  if (g.rng.chance(0.5)) {
    const { setup, rm } = g.rm(1, true);
    return [
      ...setup,
      insn(rmBytes(1, [0x0f, 0x90 + cc], 0, rm), `set${CC_NAMES[cc]} ${rmText(1, rm)}`, {
        reads: CC_READS[cc],
      }),
    ];
  }
  const size = g.wide();
  const { setup, rm } = g.rm(size, false);
  const reg = g.dst(size);
  return [
    ...setup,
    insn(
      rmBytes(size, [0x0f, 0x40 + cc], reg, rm),
      `cmov${CC_NAMES[cc]} ${regName(size, reg)}, ${rmText(size, rm)}`,
      { reads: CC_READS[cc] },
    ),
  ];
}

/** MOVZX/MOVSX r16/r32, r/m8 (0F B6/BE) and r32, r/m16 (0F B7/BF). */
export function genExtend(g: Gen): Insn[] {
  const signed = g.rng.chance(0.5);
  const fromWord = g.rng.chance(0.4);
  const srcSize: Size = fromWord ? 2 : 1;
  const dstSize: Size = fromWord ? 4 : g.wide();
  const { setup, rm } = g.rm(srcSize, false);
  const reg = g.dst(dstSize);
  const op = (signed ? 0xbe : 0xb6) + (fromWord ? 1 : 0);
  return [
    ...setup,
    insn(
      rmBytes(dstSize, [0x0f, op], reg, rm),
      `${signed ? "movsx" : "movzx"} ${regName(dstSize, reg)}, ${rmText(srcSize, rm)}`,
    ),
  ];
}

/** XCHG r/m, r (86/87; implicitly locked with memory) and XCHG eAX, r (90+r). */
export function genXchg(g: Gen): Insn[] {
  const size = g.size();
  if (size !== 1 && g.rng.chance(0.3)) {
    const r = g.dst(size);
    return [insn([...opsize(size), 0x90 + r], `xchg ${regName(size, EAX)}, ${regName(size, r)}`)];
  }
  const { setup, rm } = g.rm(size, true, { align: true });
  const reg = g.dst(size);
  return [
    ...setup,
    insn(
      rmBytes(size, [0x86 + w(size)], reg, rm),
      `xchg ${rmText(size, rm)}, ${regName(size, reg)}`,
    ),
  ];
}

/** XADD r/m, r (0F C0/C1): flags as ADD. */
export function genXadd(g: Gen): Insn[] {
  const size = g.size();
  const { setup, rm } = g.rm(size, true, { align: true });
  const lock = maybeLock(g, rm);
  const reg = g.dst(size);
  return [
    ...setup,
    insn(
      rmBytes(size, [0x0f, 0xc0 + w(size)], reg, rm, [], lock),
      `${lock ? "lock " : ""}xadd ${rmText(size, rm)}, ${regName(size, reg)}`,
      { writes: STATUS },
    ),
  ];
}

/**
 * CMPXCHG r/m, r (0F B0/B1): flags as CMP of the accumulator with the destination. A third of
 * the time the accumulator is first made equal to the destination so the store path runs.
 */
export function genCmpxchg(g: Gen): Insn[] {
  const size = g.size();
  // A memory destination's pointer must survive the accumulator setup, so it avoids EAX.
  const { setup, rm } = g.rng.chance(0.4)
    ? g.mem(size, { align: true, avoid: 1 << EAX })
    : { setup: [] as Insn[], rm: { reg: g.dst(size) } };
  const lock = maybeLock(g, rm);
  const reg = g.src();
  if (g.rng.chance(0.35)) {
    if (isReg(rm)) {
      // mov al/ax/eax, reg (8A/8B /r) copies the destination into the accumulator.
      setup.push(
        insn(
          [...opsize(size), 0x8a + w(size), ...modrm(EAX, rm)],
          `mov ${regName(size, EAX)}, ${regName(size, rm.reg)}`,
        ),
      );
    } else {
      const v = g.imm(size);
      setup.push(movRmImm(size, rm, v), movRegImm(size, EAX, v));
    }
  }
  return [
    ...setup,
    insn(
      rmBytes(size, [0x0f, 0xb0 + w(size)], reg, rm, [], lock),
      `${lock ? "lock " : ""}cmpxchg ${rmText(size, rm)}, ${regName(size, reg)}`,
      { writes: STATUS },
    ),
  ];
}

/** CMPXCHG8B m64 (0F C7 /1): compares EDX:EAX with memory, sets only ZF. */
export function genCmpxchg8b(g: Gen): Insn[] {
  const setup: Insn[] = [];
  const target = g.addr(8, 16, true);
  if (g.rng.chance(0.4)) {
    // Plant a quadword and load it into EDX:EAX so the exchange path runs.
    const lo = g.imm(4), hi = g.imm(4);
    setup.push(
      movRmImm(4, mem32({ disp: target }), lo),
      movRmImm(4, mem32({ disp: target + 4 }), hi),
    );
    setup.push(movRegImm(4, EAX, lo), movRegImm(4, EDX, hi));
  }
  if (g.rng.chance(0.5)) setup.push(movRegImm(4, EBX, g.imm(4)), movRegImm(4, ECX, g.imm(4)));
  const m = g.mem(8, { at: target, avoid: 1 << EAX | 1 << EDX | 1 << EBX | 1 << ECX });
  const lock = g.rng.chance(0.3);
  return [
    ...setup,
    ...m.setup,
    insn(
      rmBytes(4, [0x0f, 0xc7], 1, m.rm, [], lock),
      `${lock ? "lock " : ""}cmpxchg8b ${rmText(8, m.rm)}`,
      { writes: ZF },
    ),
  ];
}

/** BSWAP r32 (0F C8+r); the 16-bit form is undefined (SDM "BSWAP") and not generated. */
export function genBswap(g: Gen): Insn[] {
  const r = g.dst(4);
  return [insn([0x0f, 0xc8 + r], `bswap ${regName(4, r)}`)];
}
