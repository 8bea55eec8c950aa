/**
 * The x87 environment image FNSTENV/FLDENV/FNSAVE/FRSTOR use, in its four layouts (Intel SDM
 * vol. 1 §8.1.10, Figures 8-9 to 8-12): 14 or 28 bytes, protected or real mode. Real-mode
 * layouts hold 20-/32-bit linear pointers (selector × 16 + offset) with the opcode alongside.
 * Reserved halves of the 32-bit layouts are stored as 0xFFFF, as measured on hardware.
 */
import type { FpuHost } from "./fpu_host.ts";

/** The fields an environment image carries. */
export interface Environment {
  /** Control word. */
  cw: number;
  /** Status word, TOP included. */
  sw: number;
  /** Full tag word. */
  tw: number;
  /** Instruction pointer offset (protected mode) or linear address (real mode). */
  fip: number;
  /** Instruction pointer selector (0 when loaded from a real-mode image). */
  fcs: number;
  /** Last opcode, 11 bits. */
  fop: number;
  /** Data pointer offset (protected mode) or linear address (real mode). */
  fdp: number;
  /** Data pointer selector (0 when loaded from a real-mode image). */
  fds: number;
}

/** Which layout an instruction uses. */
export interface EnvLayout {
  /** 28-byte layout (32-bit operand size) rather than 14-byte. */
  operandSize32: boolean;
  /** Protected-mode layout rather than real-mode. */
  protectedMode: boolean;
}

/** Size in bytes of an environment image. */
export function envSize(layout: EnvLayout): number {
  return layout.operandSize32 ? 28 : 14;
}

/** Writes an environment image at `addr`. */
export function writeEnvironment(
  host: FpuHost,
  addr: number,
  env: Environment,
  layout: EnvLayout,
): void {
  const at = (n: number) => (addr + n) >>> 0;
  const fop = env.fop & 0x7ff;
  if (layout.operandSize32) {
    host.write32(at(0), 0xffff0000 | env.cw);
    host.write32(at(4), 0xffff0000 | env.sw);
    host.write32(at(8), 0xffff0000 | env.tw);
    if (layout.protectedMode) {
      host.write32(at(12), env.fip);
      host.write32(at(16), ((fop << 16) | (env.fcs & 0xffff)) >>> 0);
      host.write32(at(20), env.fdp);
      host.write32(at(24), 0xffff0000 | env.fds);
    } else {
      const ip = linear(env.fcs, env.fip);
      const dp = linear(env.fds, env.fdp);
      host.write32(at(12), 0xffff0000 | (ip & 0xffff));
      host.write32(at(16), ((ip >>> 16) << 12 | fop) >>> 0);
      host.write32(at(20), 0xffff0000 | (dp & 0xffff));
      host.write32(at(24), (dp >>> 16) << 12 >>> 0);
    }
    return;
  }
  host.write16(at(0), env.cw);
  host.write16(at(2), env.sw);
  host.write16(at(4), env.tw);
  if (layout.protectedMode) {
    host.write16(at(6), env.fip & 0xffff);
    host.write16(at(8), env.fcs & 0xffff);
    host.write16(at(10), env.fdp & 0xffff);
    host.write16(at(12), env.fds & 0xffff);
  } else {
    const ip = linear(env.fcs, env.fip);
    const dp = linear(env.fds, env.fdp);
    host.write16(at(6), ip & 0xffff);
    host.write16(at(8), ((ip >>> 16) & 0xf) << 12 | fop);
    host.write16(at(10), dp & 0xffff);
    host.write16(at(12), ((dp >>> 16) & 0xf) << 12);
  }
}

/** Reads an environment image at `addr` (every byte is read before anything is applied). */
export function readEnvironment(host: FpuHost, addr: number, layout: EnvLayout): Environment {
  const at = (n: number) => (addr + n) >>> 0;
  if (layout.operandSize32) {
    const d = [0, 4, 8, 12, 16, 20, 24].map((n) => host.read32(at(n)) >>> 0);
    const base = { cw: d[0] & 0xffff, sw: d[1] & 0xffff, tw: d[2] & 0xffff };
    if (layout.protectedMode) {
      return {
        ...base,
        fip: d[3],
        fcs: d[4] & 0xffff,
        fop: (d[4] >>> 16) & 0x7ff,
        fdp: d[5],
        fds: d[6] & 0xffff,
      };
    }
    return {
      ...base,
      fip: ((d[4] >>> 12 & 0xffff) << 16 | (d[3] & 0xffff)) >>> 0,
      fcs: 0,
      fop: d[4] & 0x7ff,
      fdp: ((d[6] >>> 12 & 0xffff) << 16 | (d[5] & 0xffff)) >>> 0,
      fds: 0,
    };
  }
  const w = [0, 2, 4, 6, 8, 10, 12].map((n) => host.read16(at(n)) & 0xffff);
  const base = { cw: w[0], sw: w[1], tw: w[2] };
  if (layout.protectedMode) {
    return { ...base, fip: w[3], fcs: w[4], fop: 0, fdp: w[5], fds: w[6] };
  }
  return {
    ...base,
    fip: (w[4] >>> 12) << 16 | w[3],
    fcs: 0,
    fop: w[4] & 0x7ff,
    fdp: (w[6] >>> 12) << 16 | w[5],
    fds: 0,
  };
}

/** selector × 16 + offset, as real-mode images record pointers. */
function linear(selector: number, offset: number): number {
  return ((selector & 0xffff) * 16 + offset) >>> 0;
}
