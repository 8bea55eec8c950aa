import type { Cpu } from "../cpu.ts";
import { REP_NONE, REP_Z } from "../cpu.ts";
import { ZF } from "../eflags.ts";
import { readFlag } from "../lazy_flags.ts";
import { define } from "../opcode_table.ts";
import { EAX, ECX, EDI, EDX, ESI } from "../state_layout.ts";
import { alu, CMP } from "./arith.ts";
import { bulkMovs, bulkStos } from "./string_fast.ts";

/** Iterations of a REP instruction run before giving interrupts a chance (it then restarts). */
const REP_BATCH = 4096;

const MOVS = 0, CMPS = 1, STOS = 2, LODS = 3, SCAS = 4, INS = 5, OUTS = 6;

function srcSeg(cpu: Cpu): number {
  return cpu.segOverride >= 0 ? cpu.segOverride : 3;
}

/** One iteration; returns false when a REPE/REPNE condition ends the loop. */
function once(cpu: Cpu, kind: number, size: number): void {
  const step = cpu.stringStep(size);
  const si = cpu.getAddrReg(ESI), di = cpu.getAddrReg(EDI);
  switch (kind) {
    case MOVS:
      cpu.write(size, 0, di, cpu.read(size, srcSeg(cpu), si));
      cpu.setAddrReg(ESI, si + step);
      cpu.setAddrReg(EDI, di + step);
      return;
    case CMPS:
      alu(cpu, CMP, size, cpu.read(size, srcSeg(cpu), si), cpu.read(size, 0, di));
      cpu.setAddrReg(ESI, si + step);
      cpu.setAddrReg(EDI, di + step);
      return;
    case STOS:
      cpu.write(size, 0, di, cpu.getReg(size, EAX));
      cpu.setAddrReg(EDI, di + step);
      return;
    case LODS:
      cpu.setReg(size, EAX, cpu.read(size, srcSeg(cpu), si));
      cpu.setAddrReg(ESI, si + step);
      return;
    case SCAS:
      alu(cpu, CMP, size, cpu.getReg(size, EAX), cpu.read(size, 0, di));
      cpu.setAddrReg(EDI, di + step);
      return;
    case INS: {
      const port = cpu.r16[EDX << 1];
      cpu.checkIo(port, size);
      // The destination is probed first so that a fault does not lose the port read.
      cpu.probeWrite(cpu.linear(0, di, size, true), size);
      cpu.write(size, 0, di, cpu.io.read(port, size as 1 | 2 | 4));
      cpu.setAddrReg(EDI, di + step);
      return;
    }
    default: {
      const port = cpu.r16[EDX << 1];
      cpu.checkIo(port, size);
      cpu.io.write(port, size as 1 | 2 | 4, cpu.read(size, srcSeg(cpu), si));
      cpu.setAddrReg(ESI, si + step);
    }
  }
}

function stringOp(cpu: Cpu, kind: number, size: number): void {
  if (cpu.rep === REP_NONE) {
    if (kind === INS || kind === OUTS) cpu.checkIo(cpu.r16[EDX << 1], size);
    once(cpu, kind, size);
    return;
  }
  const compares = kind === CMPS || kind === SCAS;
  for (let n = 0; n < REP_BATCH; n++) {
    const count = cpu.getAddrReg(ECX);
    if (count === 0) return;
    if (kind === MOVS || kind === STOS) {
      const done = kind === MOVS ? bulkMovs(cpu, size, srcSeg(cpu)) : bulkStos(cpu, size);
      if (done > 0) {
        n += done;
        continue;
      }
    }
    once(cpu, kind, size);
    cpu.setAddrReg(ECX, count - 1);
    if (compares) {
      const zf = readFlag(cpu.st, ZF) !== 0;
      if (cpu.rep === REP_Z ? !zf : zf) return;
    }
    if (count - 1 === 0 || (!cpu.a32 && ((count - 1) & 0xffff) === 0)) return;
  }
  cpu.eip = cpu.startEip; // not finished: run the instruction again after pending interrupts
}

const NAMES = ["movs", "cmps", "stos", "lods", "scas", "ins", "outs"];
const OPS: [number, number][] = [
  [0xa4, MOVS],
  [0xa6, CMPS],
  [0xaa, STOS],
  [0xac, LODS],
  [0xae, SCAS],
  [0x6c, INS],
  [0x6e, OUTS],
];
for (const [op, kind] of OPS) {
  define(op, `${NAMES[kind]}b`, (cpu) => stringOp(cpu, kind, 1));
  define(op + 1, `${NAMES[kind]}v`, (cpu) => stringOp(cpu, kind, cpu.osize));
}
