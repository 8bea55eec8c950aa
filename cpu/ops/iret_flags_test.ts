/**
 * IRET in real-address mode loads only the defined EFLAGS bits (SDM vol. 2 IRET:
 * "tempEFLAGS AND 257FD5H" for 32 bits, the low word's defined flags for 16): reserved
 * bits 3, 5, 15 and 22–31 keep their fixed zero. kvm-unit-tests' realmode test pushes
 * 0x8028 / 0xFFC18028 through IRET and later reads the flags back with LAHF and PUSHF.
 */
import assert from "node:assert/strict";
import { RangeBus } from "../../devices/bus/range_bus.ts";
import { PhysicalMemory } from "../../devices/memory/mod.ts";
import { Cpu } from "../cpu.ts";
import { AC, ARITH, DF, ID, IF, IOPL, NT, TF } from "../eflags.ts";
import "./mod.ts";
import { executeOne } from "../run.ts";
import { CS, DS, EAX, ES, ESP, S_EIP, SS } from "../state_layout.ts";

const CODE = 0x1000, STACK_TOP = 0x8000, RESUME = 0x2000;
const RESERVED_LOW = (1 << 3) | (1 << 5) | (1 << 15);

function realModeCpu(): Cpu {
  const cpu = new Cpu(new PhysicalMemory({ ramSize: 1 << 20 }), new RangeBus("io", 0x10000));
  for (const s of [CS, SS, DS, ES]) cpu.setSegmentReal(s, 0);
  cpu.updateMode();
  return cpu;
}

/** Builds an IRET frame of `size` bytes per slot holding `flags` and runs IRET (66 CF for 32). */
function iret(cpu: Cpu, size: 2 | 4, flags: number): void {
  const frame = [RESUME, 0, flags];
  let sp = STACK_TOP - 3 * size;
  cpu.st[ESP] = sp;
  for (const v of frame) {
    if (size === 4) cpu.phys.write32(sp, v);
    else cpu.phys.write16(sp, v & 0xffff);
    sp += size;
  }
  cpu.phys.writeBytes(CODE, new Uint8Array(size === 4 ? [0x66, 0xcf] : [0xcf]));
  cpu.invalidateFetch();
  cpu.st[S_EIP] = CODE;
  executeOne(cpu);
  assert.equal(cpu.eip, RESUME);
  assert.equal(cpu.st[ESP], STACK_TOP);
}

/** PUSHF then LAHF as the guest would read them: [16-bit PUSHF image, AH]. */
function readBack(cpu: Cpu): [number, number] {
  cpu.phys.writeBytes(RESUME, new Uint8Array([0x9c, 0x9f])); // pushf; lahf
  cpu.invalidateFetch();
  executeOne(cpu);
  executeOne(cpu);
  return [cpu.phys.read16(cpu.st[ESP] & 0xffff), (cpu.st[EAX] >>> 8) & 0xff];
}

Deno.test("iretw in real mode: reserved bits 3, 5 and 15 of the popped image stay clear", () => {
  const cpu = realModeCpu();
  const image = 0x8028 | 0x0fd5; // reserved bits and every defined flag of the low word
  iret(cpu, 2, image);
  const defined = (ARITH | TF | IF | DF | IOPL | NT) & 0xffff;
  assert.equal(cpu.eflags, (image & defined) | 2);
  const [pushed, ah] = readBack(cpu);
  assert.equal(pushed & RESERVED_LOW, 0);
  assert.equal(ah, (image & 0xd5) | 2, "LAHF sees SF ZF AF PF CF and bit 1 only");
});

Deno.test("iretd in real mode: bits 22-31 and the reserved low bits are not loaded", () => {
  const cpu = realModeCpu();
  iret(cpu, 4, 0xffc18028 | ARITH);
  assert.equal(cpu.eflags & ~(AC | ID), ARITH | 2);
  assert.equal(cpu.eflags & 0xffc00000, 0);
  iret(cpu, 4, AC | ID);
  assert.equal(cpu.eflags, AC | ID | 2, "AC and ID are defined and loaded");
});
