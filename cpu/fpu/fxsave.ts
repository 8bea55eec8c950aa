/**
 * The 512-byte FXSAVE/FXRSTOR image, legacy (non-64-bit) layout (Intel SDM vol. 1 §10.5.1,
 * vol. 2 FXSAVE Table 3-53). The tag word is abridged to one bit per register; registers are in
 * stack order in 16-byte slots whose upper six bytes are written as zero (measured). XMM0–XMM7
 * follow at 160–287 (saved whatever CR4.OSFXSR is, as Intel processors do); bytes 288–511 are
 * left untouched.
 */
import type { FpuHost } from "./fpu_host.ts";
import type { FpuState } from "./fpu_state.ts";
import type { F80 } from "./f80.ts";
import { readF80, writeF80 } from "./memory_operands.ts";

/** MXCSR bits that may be set: everything in the low word (DAZ included), as modern CPUs report. */
export const MXCSR_MASK = 0x0000ffff;

/**
 * Writes the FXSAVE image of `s` and of `xmm` (XMM0–XMM7 as 32 doublewords) at `addr`
 * (alignment is the caller's check).
 */
export function writeFxsave(s: FpuState, host: FpuHost, addr: number, xmm: Uint32Array): void {
  const at = (n: number) => (addr + n) >>> 0;
  host.write16(at(0), s.cw);
  host.write16(at(2), s.statusWord);
  host.write8(at(4), s.abridgedTags);
  host.write8(at(5), 0);
  host.write16(at(6), s.fop & 0x7ff);
  host.write32(at(8), s.fip);
  host.write16(at(12), s.fcs);
  host.write16(at(14), 0);
  host.write32(at(16), s.fdp);
  host.write16(at(20), s.fds);
  host.write16(at(22), 0);
  host.write32(at(24), s.mxcsr);
  host.write32(at(28), MXCSR_MASK);
  for (let i = 0; i < 8; i++) {
    const slot = 32 + 16 * i;
    writeF80(host, at(slot), s.st(i));
    host.write16(at(slot + 10), 0);
    host.write32(at(slot + 12), 0);
  }
  for (let i = 0; i < 32; i++) host.write32(at(160 + 4 * i), xmm[i]);
}

/** The x87 part of an FXSAVE image, read in full before anything is applied. */
export interface FxsaveImage {
  cw: number;
  sw: number;
  tags: number;
  fop: number;
  fip: number;
  fcs: number;
  fdp: number;
  fds: number;
  mxcsr: number;
  regs: F80[];
  /** XMM0–XMM7 as 32 doublewords. */
  xmm: Uint32Array;
}

/** Reads an FXSAVE image at `addr`. */
export function readFxsave(host: FpuHost, addr: number): FxsaveImage {
  const at = (n: number) => (addr + n) >>> 0;
  return {
    cw: host.read16(at(0)) & 0xffff,
    sw: host.read16(at(2)) & 0xffff,
    tags: host.read8(at(4)) & 0xff,
    fop: host.read16(at(6)) & 0x7ff,
    fip: host.read32(at(8)) >>> 0,
    fcs: host.read16(at(12)) & 0xffff,
    fdp: host.read32(at(16)) >>> 0,
    fds: host.read16(at(20)) & 0xffff,
    mxcsr: host.read32(at(24)) >>> 0,
    regs: Array.from({ length: 8 }, (_, i) => readF80(host, at(32 + 16 * i))),
    xmm: Uint32Array.from({ length: 32 }, (_, i) => host.read32(at(160 + 4 * i))),
  };
}

/** Loads the x87 part of an FXSAVE image into `s` (MXCSR validity is the caller's check). */
export function applyFxsave(s: FpuState, image: FxsaveImage): void {
  const top = (image.sw >> 11) & 7;
  for (let i = 0; i < 8; i++) s.setReg((top + i) & 7, image.regs[i]);
  s.statusWord = image.sw;
  s.loadControlWord(image.cw);
  s.abridgedTags = image.tags;
  s.fop = image.fop;
  s.fip = image.fip;
  s.fcs = image.fcs;
  s.fdp = image.fdp;
  s.fds = image.fds;
  s.mxcsr = image.mxcsr;
}
