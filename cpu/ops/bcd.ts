import type { Cpu } from "../cpu.ts";
import { AF, CF, OF } from "../eflags.ts";
import { CpuFault, DE } from "../fault.ts";
import { readFlag, setResult } from "../lazy_flags.ts";
import { define } from "../opcode_table.ts";

/**
 * Decimal adjust instructions (SDM vol. 2 DAA/DAS/AAA/AAS/AAM/AAD). OF is
 * undefined for DAA/DAS/AAM/AAD; family-6 parts compute it as the signed
 * overflow of the adjustment, which is what we do.
 */
define(0x27, "daa", (cpu) => {
  const st = cpu.st;
  const old = cpu.r8[0];
  const oldCf = readFlag(st, CF), oldAf = readFlag(st, AF);
  let al = old, cf = 0, af = 0;
  if ((al & 0x0f) > 9 || oldAf) {
    if (al + 6 > 0xff) cf = CF; // carry out of AL + 6 (SDM vol. 2 DAA)
    al = (al + 6) & 0xff;
    af = AF;
  }
  if (old > 0x99 || oldCf) {
    al = (al + 0x60) & 0xff;
    cf = CF;
  }
  cpu.r8[0] = al;
  setResult(st, al, 7, cf | af | (!(old & 0x80) && (al & 0x80) ? OF : 0));
});
define(0x2f, "das", (cpu) => {
  const st = cpu.st;
  const old = cpu.r8[0];
  const oldCf = readFlag(st, CF), oldAf = readFlag(st, AF);
  let al = old, cf = 0, af = 0;
  if ((al & 0x0f) > 9 || oldAf) {
    if (al < 6) cf = CF; // borrow from AL − 6 (SDM vol. 2 DAS)
    al = (al - 6) & 0xff;
    af = AF;
  }
  if (old > 0x99 || oldCf) {
    al = (al - 0x60) & 0xff;
    cf = CF;
  }
  cpu.r8[0] = al;
  setResult(st, al, 7, cf | af | ((old & 0x80) && !(al & 0x80) ? OF : 0));
});
function asciiAdjust(cpu: Cpu, add: boolean): void {
  const st = cpu.st;
  let ax = cpu.r16[0];
  let f = 0;
  if ((ax & 0x0f) > 9 || readFlag(st, AF)) {
    ax = add ? ax + 0x106 : ax - 0x106;
    f = AF | CF;
  }
  const al = ax & 0x0f;
  cpu.r16[0] = (ax & 0xff00) | al;
  // SF/ZF/PF/OF are undefined; we derive them from the final AL.
  setResult(st, al, 7, f);
}
define(0x37, "aaa", (cpu) => asciiAdjust(cpu, true));
define(0x3f, "aas", (cpu) => asciiAdjust(cpu, false));
define(0xd4, "aam Ib", (cpu) => {
  const base = cpu.fetch8();
  if (base === 0) throw new CpuFault(DE);
  const al = cpu.r8[0];
  const r = al % base;
  cpu.r16[0] = ((Math.floor(al / base)) << 8) | r;
  setResult(cpu.st, r, 7, 0);
});
define(0xd5, "aad Ib", (cpu) => {
  const base = cpu.fetch8();
  const al = (cpu.r8[0] + cpu.r8[1] * base) & 0xff;
  cpu.r16[0] = al;
  setResult(cpu.st, al, 7, 0);
});
define(0xd6, "salc", (cpu) => {
  cpu.r8[0] = readFlag(cpu.st, CF) ? 0xff : 0;
});
