import assert from "node:assert/strict";
import { type Benchmark, BenchmarkRegistry } from "./registry.ts";

function bench(name: string): Benchmark {
  return { name, description: name, run() {} };
}

function registry(...names: string[]): BenchmarkRegistry {
  const r = new BenchmarkRegistry();
  for (const n of names) r.register(bench(n));
  return r;
}

Deno.test("a word selects its benchmark and the family named after it, in registration order", () => {
  const r = registry("memcpy", "cpu_mips", "virtqueue", "cpu_mips_qemu", "cpux");
  const names = (words: string[]) => r.select(words).map((b) => b.name);
  assert.deepEqual(names(["cpu"]), ["cpu_mips", "cpu_mips_qemu"]);
  assert.deepEqual(names(["virtqueue", "cpu_mips"]), ["cpu_mips", "virtqueue", "cpu_mips_qemu"]);
  assert.deepEqual(names([]), ["memcpy", "cpu_mips", "virtqueue", "cpu_mips_qemu", "cpux"]);
});

Deno.test("a word that selects nothing is an error naming the known benchmarks", () => {
  assert.throws(() => registry("memcpy").select(["mem"]), /no benchmark named "mem".*memcpy/);
});

Deno.test("register refuses duplicate and malformed names", () => {
  const r = registry("memcpy");
  assert.throws(() => r.register(bench("memcpy")), /twice/);
  assert.throws(() => r.register(bench("Mem copy")), /must match/);
});
