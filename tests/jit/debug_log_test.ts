/**
 * `-d jit` and `-d jit_dump` on the command line: a multiboot kernel built here (a hot loop,
 * then isa-debug-exit) runs under main.ts, and the JIT's statistics, or its modules as
 * WebAssembly text, appear on stderr when the VMM exits.
 */
import assert from "node:assert/strict";
import { ALU, Asm, CC } from "./_asm.ts";
import { EAX, ECX } from "../../cpu/state_layout.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
// Enough to outlast the first run slice, after whose end the hot loop is compiled.
const ITERATIONS = 20_000;

/**
 * A flat multiboot kernel at 1 MiB (the a.out kludge: Multiboot spec §3.1.3): a loop the JIT
 * compiles, then `out 0xf4, al` with AL = 0x10, which isa-debug-exit turns into status 0x21.
 */
function loopKernel(): { image: Uint8Array; loop: number } {
  const origin = 0x100000, magic = 0x1badb002, flags = 0x00010000;
  const entry = origin + 32;
  const header = [magic, flags, -(magic + flags), origin, origin, 0, 0, entry];
  const a = new Asm(origin);
  a.bytes(
    "multiboot header: magic, flags, checksum, header_addr, load_addr, load_end_addr (the " +
      "whole file), bss_end_addr (none), entry_addr",
    ...header.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]),
  );
  a.movImm(ECX, ITERATIONS).movImm(EAX, 0);
  a.label("top").alu(ALU.ADD, EAX, ECX).dec(ECX).jcc(CC.NZ, "top");
  a.bytes("mov al, 0x10", 0xb0, 0x10).bytes("out 0xf4, al", 0xe6, 0xf4);
  a.label("hang").hlt().jmp("hang");
  return { image: a.assemble(), loop: a.address("top") };
}

async function runKernel(debug: string): Promise<{ code: number; stderr: string }> {
  const kernel = await Deno.makeTempFile({ suffix: ".bin" });
  try {
    await Deno.writeFile(kernel, loopKernel().image);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "-nographic",
        "-no-reboot",
        "-kernel",
        kernel,
        "-device",
        "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-d",
        debug,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(kernel);
  }
}

Deno.test("-d jit prints the JIT's statistics when the VMM exits", async () => {
  const { code, stderr } = await runKernel("jit");
  assert.equal(code, 0x21, stderr);
  const compiled = stderr.match(/^jit: (\d+) blocks compiled in (\d+) modules, \d+ ms/m);
  assert.ok(compiled, stderr);
  assert.ok(Number(compiled[1]) >= 1, `the hot loop was compiled:\n${stderr}`);
  const share = stderr.match(/^jit: (\d+) instructions in compiled code \([\d.]+% of (\d+)\)/m);
  assert.ok(share, stderr);
  // Nearly all of the loop's 3 × ITERATIONS instructions ran compiled.
  assert.ok(Number(share[1]) > ITERATIONS, stderr);
  assert.ok(Number(share[2]) >= Number(share[1]), stderr);
  assert.match(stderr, /^jit: \d+ page invalidations/m);
  assert.doesNotMatch(stderr, /\(module/, "no module text without jit_dump");
});

Deno.test("-d jit_dump prints each compiled module as WebAssembly text", async () => {
  const { code, stderr } = await runKernel("jit_dump");
  assert.equal(code, 0x21, stderr);
  const headers = [...stderr.matchAll(/^jit: module (\d+), blocks \(EIP\/instructions\) (.*)$/gm)];
  assert.ok(headers.length >= 1, stderr);
  assert.deepEqual(headers.map((h) => Number(h[1])), headers.map((_, i) => i + 1));
  const loop = `0x${loopKernel().loop.toString(16)}/3`; // the loop: ADD, DEC, JNZ
  assert.ok(headers.some((h) => h[2].split(" ").includes(loop)), stderr);
  assert.match(stderr, /^\(module$/m);
  assert.match(stderr, /\(import "env" "memory" \(memory \$env\.memory \d+ \d+ shared\)\)/);
  assert.match(stderr, /\(export "b0" \(func \$b0\)\)/);
  assert.doesNotMatch(stderr, /^jit: \d+ blocks compiled/m, "no statistics without -d jit");
});
