/**
 * SSE2 integer instructions on XMM registers (66-prefixed MMX opcodes and the new ones: PADDQ,
 * PSUBQ, PMULUDQ, PUNPCKL/HQDQ, PSHUFD/HW/LW, PSLLDQ/PSRLDQ, MASKMOVDQU; Intel SDM vol. 2), and
 * the MMX forms SSE2 adds (PADDQ, PSUBQ, PMULUDQ on MM registers). A 128-bit operand is two
 * 64-bit halves, so the lane-wise MMX operations of cpu/ops/mmx_lanes.ts apply to each half.
 */
import { type Cpu, REP_NONE } from "../cpu.ts";
import { FEAT_SSE2 } from "../cpu_model.ts";
import { CpuFault, UD } from "../fault.ts";
import type { Fpu } from "../fpu/mod.ts";
import { DS, EDI } from "../state_layout.ts";
import { requireFeature } from "./feature_gate.ts";
import { fpuOf } from "./fpu_ops.ts";
import * as L from "./mmx_lanes.ts";
import { getXmm, readXmmRm, setXmm } from "./sse_common.ts";
import { overlay, sse2Check } from "./sse2_dispatch.ts";
import { simdOp } from "../semantics/simd.ts";
import { kernelHandler, shiftGroupHandler } from "./simd_kernel_ops.ts";

const DL = new L.Lanes(), DH = new L.Lanes(), SL = new L.Lanes(), SH = new L.Lanes();

const X = new Uint32Array(4), Y = new Uint32Array(4);

/** PADDQ/PSUBQ on one 64-bit lane. */
export const paddq: L.MmxOp = (d, s) => {
  const lo = d.lo + s.lo;
  d.set(lo >>> 0, (d.hi + s.hi + (lo > 0xffffffff ? 1 : 0)) >>> 0);
};
/** PSUBQ. */
export const psubq: L.MmxOp = (d, s) => {
  const lo = d.lo - s.lo;
  d.set(lo >>> 0, (d.hi - s.hi - (lo < 0 ? 1 : 0)) >>> 0);
};
/** PMULUDQ: the unsigned product of the low doublewords, as 64 bits. */
export const pmuludq: L.MmxOp = (d, s) => {
  const p = BigInt(d.lo) * BigInt(s.lo);
  d.set(Number(p & 0xffffffffn), Number(p >> 32n));
};

/** The MMX additions of SSE2 (0F D4, F4, FB without a prefix). */
function mmxForm(op: L.MmxOp) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    if (cpu.o32 !== cpu.code32 || cpu.rep !== REP_NONE) throw new CpuFault(UD);
    requireFeature(cpu, FEAT_SSE2);
    const fpu = fpuOf(cpu);
    fpu.mmxCheck();
    if (cpu.mod === 3) SL.set(fpu.mmLow(cpu.rm), fpu.mmHigh(cpu.rm));
    else {
      const lin = cpu.linear(cpu.eaSeg, cpu.eaOff, 8, false);
      SL.set(cpu.readLin32(lin), cpu.readLin32((lin + 4) | 0));
    }
    DL.set(fpu.mmLow(cpu.reg), fpu.mmHigh(cpu.reg));
    op(DL, SL);
    fpu.writeMm(cpu.reg, DL.lo, DL.hi);
    fpu.mmxTouch();
  };
}

function loadHalves(v: Uint32Array, lo: L.Lanes, hi: L.Lanes): void {
  lo.set(v[0], v[1]);
  hi.set(v[2], v[3]);
}

function storeHalves(fpu: Fpu, n: number, lo: L.Lanes, hi: L.Lanes): void {
  X.set([lo.lo, lo.hi, hi.lo, hi.hi]);
  setXmm(fpu, n, X);
}

/** `op xmm, xmm/m128` (aligned): the destination and source as halves, `op` on all four. */
function xmmForm(op: (dl: L.Lanes, dh: L.Lanes, sl: L.Lanes, sh: L.Lanes) => void) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    readXmmRm(cpu, fpu, Y, 16, true);
    getXmm(fpu, cpu.reg, X);
    loadHalves(X, DL, DH);
    loadHalves(Y, SL, SH);
    op(DL, DH, SL, SH);
    storeHalves(fpu, cpu.reg, DL, DH);
  };
}

/** A lane-wise MMX operation applied to both halves. */
const halves = (op: L.MmxOp) => (dl: L.Lanes, dh: L.Lanes, sl: L.Lanes, sh: L.Lanes) => {
  op(dl, sl);
  op(dh, sh);
};

const LANEWISE: [number, L.MmxOp][] = [
  [0x64, L.pcmpgtb],
  [0x65, L.pcmpgtw],
  [0x66, L.pcmpgtd],
  [0x74, L.pcmpeqb],
  [0x75, L.pcmpeqw],
  [0x76, L.pcmpeqd],
  [0xd4, paddq],
  [0xd5, L.pmullw],
  [0xd8, L.psubusb],
  [0xd9, L.psubusw],
  [0xdb, L.pand],
  [0xdc, L.paddusb],
  [0xdd, L.paddusw],
  [0xdf, L.pandn],
  [0xe5, L.pmulhw],
  [0xe8, L.psubsb],
  [0xe9, L.psubsw],
  [0xeb, L.por],
  [0xec, L.paddsb],
  [0xed, L.paddsw],
  [0xef, L.pxor],
  [0xf4, pmuludq],
  [0xf5, L.pmaddwd],
  [0xf8, L.psubb],
  [0xf9, L.psubw],
  [0xfa, L.psubd],
  [0xfb, psubq],
  [0xfc, L.paddb],
  [0xfd, L.paddw],
  [0xfe, L.paddd],
  [0xe0, (d, s) => {
    for (let i = 0; i < 8; i++) d.u8[i] = (d.u8[i] + s.u8[i] + 1) >> 1;
  }],
  [0xe3, (d, s) => {
    for (let i = 0; i < 4; i++) d.u16[i] = (d.u16[i] + s.u16[i] + 1) >> 1;
  }],
  [0xe4, (d, s) => {
    for (let i = 0; i < 4; i++) d.u16[i] = (d.u16[i] * s.u16[i]) >>> 16;
  }],
  [0xea, (d, s) => {
    for (let i = 0; i < 4; i++) d.i16[i] = Math.min(d.i16[i], s.i16[i]);
  }],
  [0xee, (d, s) => {
    for (let i = 0; i < 4; i++) d.i16[i] = Math.max(d.i16[i], s.i16[i]);
  }],
  [0xda, (d, s) => {
    for (let i = 0; i < 8; i++) d.u8[i] = Math.min(d.u8[i], s.u8[i]);
  }],
  [0xde, (d, s) => {
    for (let i = 0; i < 8; i++) d.u8[i] = Math.max(d.u8[i], s.u8[i]);
  }],
  [0xf6, (d, s) => {
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Math.abs(d.u8[i] - s.u8[i]);
    d.set(sum, 0);
  }],
];
const MMX_NEW = new Set([0xd4, 0xf4, 0xfb]);
for (const [second, op] of LANEWISE) {
  // The XMM form of an operation in the SIMD table runs the table's kernel; the MMX form (on
  // 64-bit halves) keeps the lane functions.
  const table = simdOp("p66", second);
  const forms = {
    p66: table ? kernelHandler(table) : xmmForm(halves(op)),
    none: MMX_NEW.has(second) ? mmxForm(op) : undefined,
  };
  overlay(second, `p${second.toString(16)}`, forms);
}

// PACK*, PUNPCK*: the SIMD table's kernels.
for (const second of [0x60, 0x61, 0x62, 0x63, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d]) {
  const op = simdOp("p66", second)!;
  overlay(second, op.name, { p66: kernelHandler(op) });
}

// ---------------------------------------------------------------- shifts

/** The count of a shift by an XMM/m128 operand: its low 64 bits, saturated. */
function shiftXmm(shift: L.MmxShift) {
  return xmmForm((dl, dh, sl) => {
    const n = L.shiftCount(sl);
    shift(dl, n);
    shift(dh, n);
  });
}
const SHIFTS: [number, L.MmxShift][] = [
  [0xd1, L.psrlw],
  [0xd2, L.psrld],
  [0xd3, L.psrlq],
  [0xe1, L.psraw],
  [0xe2, L.psrad],
  [0xf1, L.psllw],
  [0xf2, L.pslld],
  [0xf3, L.psllq],
];
for (const [second, shift] of SHIFTS) overlay(second, `pshift${second}`, { p66: shiftXmm(shift) });

// 66 0F 71/72/73 ib: shifts by an immediate count, and 66/F3/F2 0F 70: PSHUFD/HW/LW — the SIMD
// table's kernels.
for (const second of [0x71, 0x72, 0x73]) {
  const members = Array.from({ length: 8 }, (_, reg) => simdOp("p66", second, reg));
  overlay(second, `grp ${second.toString(16)}`, { p66: shiftGroupHandler(members) });
}
overlay(0x70, "pshufd/hw/lw", {
  p66: kernelHandler(simdOp("p66", 0x70)!),
  f3: kernelHandler(simdOp("f3", 0x70)!),
  f2: kernelHandler(simdOp("f2", 0x70)!),
});

// 66 0F C4: PINSRW xmm, r32/m16, imm8; 66 0F C5: PEXTRW r32, xmm, imm8.
overlay(0xc4, "pinsrw", {
  p66: (cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    const v = cpu.mod === 3
      ? cpu.getReg(4, cpu.rm)
      : cpu.readLin16(cpu.linear(cpu.eaSeg, cpu.eaOff, 2, false));
    const imm = cpu.fetch8();
    getXmm(fpu, cpu.reg, X);
    new Uint16Array(X.buffer)[imm & 7] = v;
    setXmm(fpu, cpu.reg, X);
  },
});
overlay(0xc5, "pextrw", {
  p66: (cpu) => {
    cpu.decodeModrm();
    if (cpu.mod !== 3) throw new CpuFault(UD);
    const fpu = sse2Check(cpu);
    const imm = cpu.fetch8();
    getXmm(fpu, cpu.rm, X);
    cpu.setReg(4, cpu.reg, new Uint16Array(X.buffer)[imm & 7]);
  },
});

// 66 0F D7: PMOVMSKB r32, xmm.
overlay(0xd7, "pmovmskb", {
  p66: (cpu) => {
    cpu.decodeModrm();
    if (cpu.mod !== 3) throw new CpuFault(UD);
    const fpu = sse2Check(cpu);
    getXmm(fpu, cpu.rm, X);
    const b = new Uint8Array(X.buffer);
    let m = 0;
    for (let i = 0; i < 16; i++) m |= (b[i] >> 7) << i;
    cpu.setReg(4, cpu.reg, m);
  },
});

// 66 0F F7: MASKMOVDQU xmm1, xmm2: selected bytes of xmm1 to DS:[EDI], all checked first.
overlay(0xf7, "maskmovdqu", {
  p66: (cpu) => {
    cpu.decodeModrm();
    if (cpu.mod !== 3) throw new CpuFault(UD);
    const fpu = sse2Check(cpu);
    getXmm(fpu, cpu.reg, X);
    getXmm(fpu, cpu.rm, Y);
    const data = new Uint8Array(X.buffer), mask = new Uint8Array(Y.buffer);
    const seg = cpu.segOverride >= 0 ? cpu.segOverride : DS;
    const edi = cpu.getReg(4, EDI);
    const lins: number[] = [];
    for (let i = 0; i < 16; i++) {
      if (!(mask[i] & 0x80)) continue;
      const lin = cpu.linear(seg, cpu.a32 ? (edi + i) | 0 : (edi + i) & 0xffff, 1, true);
      cpu.probeWrite(lin, 1);
      lins[i] = lin;
    }
    for (let i = 0; i < 16; i++) if (lins[i] !== undefined) cpu.writeLin8(lins[i], data[i]);
  },
});
