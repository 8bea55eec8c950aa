/**
 * Hardware task switches (SDM vol. 3 §7.3): under PAE paging the CR3 of the new TSS brings its
 * own PDPTEs, which are registers and must be loaded with it (§4.4.1); what a switch loads
 * from a 32-bit and from a 16-bit TSS image.
 */
import assert from "node:assert/strict";
import type { Cpu } from "./cpu.ts";
import { GP } from "./fault.ts";
import { AC } from "./eflags.ts";
import { CS, DS, ES, FS, GS, S_GDTR_BASE, S_GDTR_LIMIT, SS, TR } from "./state_layout.ts";
import { exec, isFault, protectedMachine } from "./testing/protected_machine.ts";

const P = 1, RW = 2;
const GDT = 0x800;
const SEL_CODE = 0x08, SEL_DATA = 0x10, SEL_OLD_TSS = 0x18, SEL_NEW_TSS = 0x20;
const OLD_TSS = 0x3000, NEW_TSS = 0x3100;
/** Two page-table trees: both identity map the first 2 MiB and differ at LIN_PROBE. */
const PDPT_A = 0x4000, PDPT_B = 0x4020, PT_LOW = 0x5000;
/** Per tree: the directory for PDPTE 0, the one for PDPTE 1, and the page table at LIN_PROBE. */
const TREE_A = [0x6000, 0x7000, 0x8000], TREE_B = [0x9000, 0xa000, 0xb000];
const LIN_PROBE = 0x40000000; // PDPTE 1
const FRAME_A = 0x100000, FRAME_B = 0x101000;
const NEW_EIP = 0x20000;

function write64(cpu: Cpu, pa: number, lo: number, hi = 0): void {
  cpu.phys.write32(pa, lo);
  cpu.phys.write32(pa + 4, hi);
}

/** A GDT descriptor: base, limit (bytes, < 1 MiB), access byte and the G/D nibble. */
function descriptor(cpu: Cpu, sel: number, base: number, limit: number, access: number, gd = 0) {
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi = (base & 0xff000000) | ((gd & 0xf) << 20) | (limit & 0xf0000) | (access << 8) |
    ((base >>> 16) & 0xff);
  write64(cpu, GDT + sel, lo, hi);
}

/** A PDPT whose directories identity map the first 2 MiB and map LIN_PROBE to `frame`. */
function tree(cpu: Cpu, pdpt: number, [pd0, pd1, pt]: number[], frame: number): void {
  write64(cpu, pdpt, pd0 | P);
  write64(cpu, pdpt + 8, pd1 | P);
  write64(cpu, pd0, PT_LOW | P | RW);
  write64(cpu, pd1, pt | P | RW);
  write64(cpu, pt, frame | P | RW);
}

/** PAE paging on with PDPT_A; a TSS (32-bit, busy) current; NEW_TSS ready with CR3 = `cr3`. */
function setup(cr3: number): Cpu {
  const cpu = protectedMachine("max", { ramMiB: 4 });
  for (let i = 0; i < 512; i++) write64(cpu, PT_LOW + i * 8, (i << 12) | P | RW);
  tree(cpu, PDPT_A, TREE_A, FRAME_A);
  tree(cpu, PDPT_B, TREE_B, FRAME_B);
  cpu.phys.write32(FRAME_A, 0xaaaaaaaa);
  cpu.phys.write32(FRAME_B, 0xbbbbbbbb);

  cpu.st[S_GDTR_BASE] = GDT;
  cpu.st[S_GDTR_LIMIT] = 0x27;
  descriptor(cpu, SEL_CODE, 0, 0xfffff, 0x9b, 0xc);
  descriptor(cpu, SEL_DATA, 0, 0xfffff, 0x93, 0xc);
  descriptor(cpu, SEL_OLD_TSS, OLD_TSS, 0x67, 0x8b);
  descriptor(cpu, SEL_NEW_TSS, NEW_TSS, 0x67, 0x89);
  cpu.setSegment(TR, SEL_OLD_TSS, OLD_TSS, 0x67, 0x8b);

  cpu.phys.write32(NEW_TSS + 0x1c, cr3);
  cpu.phys.write32(NEW_TSS + 0x20, NEW_EIP);
  cpu.phys.write32(NEW_TSS + 0x24, 2); // EFLAGS
  cpu.phys.write32(NEW_TSS + 0x38, 0x1000); // ESP
  for (let s = 0; s < 6; s++) cpu.phys.write16(NEW_TSS + 0x48 + s * 4, SEL_DATA);
  cpu.phys.write16(NEW_TSS + 0x48 + CS * 4, SEL_CODE);

  exec(cpu, [0x0f, 0x22, 0xd8], { eax: PDPT_A }); // mov cr3, eax
  exec(cpu, [0x0f, 0x22, 0xe0], { eax: 0x20 }); // mov cr4, eax (PAE)
  exec(cpu, [0x0f, 0x22, 0xc0], { eax: 0x80000011 }); // mov cr0, eax (PG)
  assert.equal(cpu.readLin32(LIN_PROBE) >>> 0, 0xaaaaaaaa, "PDPT_A in use before the switch");
  return cpu;
}

/** JMP FAR SEL_NEW_TSS:0 */
const JMP_TSS = [0xea, 0, 0, 0, 0, SEL_NEW_TSS, 0];

Deno.test("task switch under PAE loads the new task's PDPTEs along with its CR3", () => {
  const cpu = setup(PDPT_B);
  exec(cpu, JMP_TSS);
  assert.equal(cpu.segSel(TR), SEL_NEW_TSS);
  assert.equal(cpu.eip, NEW_EIP);
  assert.equal(cpu.mmu.cr3, PDPT_B);
  assert.deepEqual([...cpu.mmu.pdptes.subarray(0, 4)], [TREE_B[0] | P, 0, TREE_B[1] | P, 0]);
  assert.equal(cpu.readLin32(LIN_PROBE) >>> 0, 0xbbbbbbbb, "translations follow PDPT_B");
});

Deno.test("task switch under PAE to a CR3 whose PDPTE has a reserved bit raises #GP(0)", () => {
  const cpu = setup(PDPT_B);
  write64(cpu, PDPT_B + 16, TREE_B[0] | P | 1 << 5); // PDPTE 2: bit 5 is reserved (SDM table 4-8)
  assert.throws(() => exec(cpu, JMP_TSS), isFault(GP, 0));
});

Deno.test("task switch loads no reserved EFLAGS bit from the TSS image", () => {
  const cpu = setup(PDPT_B);
  const defined = 0x8d5; // OF SF ZF AF PF CF
  cpu.phys.write32(NEW_TSS + 0x24, 0xffc08028 | defined);
  exec(cpu, JMP_TSS);
  assert.equal(cpu.eflags, defined | 2);
});

Deno.test("switch to a 16-bit TSS: register high words 0xFFFF, EFLAGS high word 0, FS GS null", () => {
  const cpu = protectedMachine("qemu32", { ramMiB: 4 });
  const TSS16 = 0x3200, SEL_TSS16 = 0x28;
  cpu.st[S_GDTR_BASE] = GDT;
  cpu.st[S_GDTR_LIMIT] = 0x2f;
  descriptor(cpu, SEL_CODE, 0, 0xfffff, 0x9b, 0xc);
  descriptor(cpu, SEL_DATA, 0, 0xfffff, 0x93, 0xc);
  descriptor(cpu, SEL_OLD_TSS, OLD_TSS, 0x67, 0x8b);
  descriptor(cpu, SEL_TSS16, TSS16, 0x2b, 0x81); // available 16-bit TSS
  cpu.setSegment(TR, SEL_OLD_TSS, OLD_TSS, 0x67, 0x8b);
  cpu.phys.write16(TSS16 + 0x0e, 0x1234); // IP
  cpu.phys.write16(TSS16 + 0x10, 0x0ed5); // FLAGS: OF DF IF TF SF ZF AF PF CF
  for (let r = 0; r < 8; r++) cpu.phys.write16(TSS16 + 0x12 + r * 2, 0x1100 + r);
  for (const s of [ES, CS, SS, DS]) cpu.phys.write16(TSS16 + 0x22 + s * 2, SEL_DATA);
  cpu.phys.write16(TSS16 + 0x22 + CS * 2, SEL_CODE);
  for (let r = 0; r < 8; r++) cpu.st[r] = 0x55550000 + r;
  cpu.setSegment(FS, SEL_DATA, 0, 0xffffffff, 0xc093);
  cpu.setSegment(GS, SEL_DATA, 0, 0xffffffff, 0xc093);
  cpu.eflags = AC | 2;

  exec(cpu, [0xea, 0, 0, 0, 0, SEL_TSS16, 0]);
  assert.equal(cpu.segSel(TR), SEL_TSS16);
  assert.equal(cpu.eip, 0x1234);
  assert.equal(cpu.eflags, 0x0ed5 | 2, "AC (bit 18) cleared with the upper word");
  for (let r = 0; r < 8; r++) assert.equal(cpu.st[r] >>> 0, 0xffff1100 + r, `register ${r}`);
  assert.equal(cpu.segSel(FS), 0);
  assert.equal(cpu.segSel(GS), 0);
  assert.equal(cpu.segSel(DS), SEL_DATA);
});
