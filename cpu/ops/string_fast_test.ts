import assert from "node:assert/strict";
import { runFlat32 } from "../testing/run_flat.ts";

const DATA = 0x20000000;

function run(
  code: number[],
  regs: Partial<Record<"eax" | "ecx" | "esi" | "edi", number>>,
  data: Uint8Array,
) {
  const r = new Uint32Array(8);
  r[0] = regs.eax ?? 0;
  r[1] = regs.ecx ?? 0;
  r[4] = DATA + 0x1f00;
  r[6] = regs.esi ?? 0;
  r[7] = regs.edi ?? 0;
  return runFlat32({
    code: new Uint8Array(code),
    codeAddress: 0x10000000,
    regs: r,
    eflags: 0x202,
    dataAddress: DATA,
    data,
  });
}

Deno.test("f3 a4  rep movsb with dst = src + 1 smears the first byte, as an element loop does", () => {
  const data = new Uint8Array(0x2000);
  data.set([0xaa, 1, 2, 3, 4, 5, 6, 7, 8]);
  const r = run([0xf3, 0xa4], { ecx: 8, esi: DATA, edi: DATA + 1 }, data);
  assert.deepEqual([...r.data.subarray(0, 9)], [
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
    0xaa,
  ]);
  assert.equal(r.regs[1], 0);
  assert.equal(r.regs[6], DATA + 8);
  assert.equal(r.regs[7], DATA + 9);
});

Deno.test("f3 a5  rep movsd across a page boundary copies every element and updates ESI/EDI/ECX", () => {
  const data = new Uint8Array(0x2000);
  for (let i = 0; i < 0x800; i++) data[i] = i & 0xff;
  const r = run([0xf3, 0xa5], { ecx: 0x180, esi: DATA + 0x10, edi: DATA + 0xe00 }, data);
  for (let i = 0; i < 0x600; i++) assert.equal(r.data[0xe00 + i], (0x10 + i) & 0xff, `byte ${i}`);
  assert.equal(r.regs[1], 0);
  assert.equal(r.regs[6], DATA + 0x10 + 0x600);
  assert.equal(r.regs[7], DATA + 0xe00 + 0x600);
});

Deno.test("f3 ab  rep stosd fills across a page boundary with EAX", () => {
  const data = new Uint8Array(0x2000);
  const r = run([0xf3, 0xab], { eax: 0x11223344, ecx: 0x100, edi: DATA + 0xf80 }, data);
  const view = new DataView(r.data.buffer, r.data.byteOffset);
  for (let i = 0; i < 0x100; i++) assert.equal(view.getUint32(0xf80 + 4 * i, true), 0x11223344);
  assert.equal(view.getUint32(0xf80 + 0x400, true), 0);
  assert.equal(r.regs[7], DATA + 0xf80 + 0x400);
});
