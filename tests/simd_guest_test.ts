import assert from "node:assert/strict";
import { cpioArchive } from "./_cpio.ts";
import { defaultGuestArgs, GuestSession } from "./guest_session.ts";

const here = (f: string) => new URL(f, import.meta.url).pathname;
const PROGRAM = here("./guests/simd_check");
const EXPECTED = here("./guests/simd_check.expected");

/** The default guest with /simd_check added by a second archive after the default initramfs. */
async function guestArgs(initrd: string): Promise<string[]> {
  const base = await Deno.readFile(here("../guests/initramfs.cpio"));
  const extra = cpioArchive([
    { name: "simd_check", data: await Deno.readFile(PROGRAM), mode: 0o755 },
  ]);
  const data = new Uint8Array(base.length + extra.length);
  data.set(base);
  data.set(extra, base.length);
  await Deno.writeFile(initrd, data);
  const args = defaultGuestArgs();
  args[args.indexOf("-initrd") + 1] = initrd;
  return args;
}

/**
 * Groups of x87 instructions that are not correctly rounded (FSIN, F2XM1, ...): their last bit
 * differs between CPU vendors, so the host is no exact reference and values may differ by one
 * unit in the last place. The program leaves them out of its checksum.
 */
const APPROXIMATE = new Set(["x87_transcendental"]);

/** Whether two x87 80-bit values, as 20 hex digits, lie within one ulp of the larger. */
function withinOneUlp(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== 20 || b.length !== 20) return false;
  const [x, y] = [BigInt("0x" + a), BigInt("0x" + b)];
  if (x >> 79n !== y >> 79n) return false;
  const exp = (v: bigint) => (v >> 64n) & 0x7fffn;
  const mant = (v: bigint) => v & 0xffffffffffffffffn;
  const [ex, ey] = [exp(x), exp(y)];
  const low = ex < ey ? ex : ey;
  const high = ex < ey ? ey : ex;
  if (high === 0x7fffn || high - low > 1n) return false;
  const diff = (mant(x) << (ex - low)) - (mant(y) << (ey - low));
  return (diff < 0n ? -diff : diff) <= 1n << (high - low);
}

/** What the program prints on this host for `group`, value by value. */
async function hostValues(group: string): Promise<string[]> {
  const { stdout } = await new Deno.Command(PROGRAM, { args: [group] }).output();
  return new TextDecoder().decode(stdout).trim().split("\n");
}

/** The lines of `out` that the program printed (those after the echoed command). */
function programLines(out: string): string[] {
  return out.trim().split("\n").slice(1).map((l) => l.trimEnd());
}

Deno.test({
  name:
    "a static gcc -m32 -msse2 -O2 program prints the same float, double, x87 and SSE2 results in the guest as on the host",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const initrd = await Deno.makeTempFile({ suffix: ".cpio" });
    const expected = (await Deno.readTextFile(EXPECTED)).trim().split("\n");
    const vm = new GuestSession(await guestArgs(initrd));
    try {
      await vm.booted();
      const lines = programLines(await vm.run("/simd_check", 120_000));
      const groupOf = (line: string) => line.split(" ")[0];
      const exact = (all: string[]) => all.filter((line) => !APPROXIMATE.has(groupOf(line)));
      const mismatched = expected.filter((line, i) => lines[i] !== line).map(groupOf)
        .filter((g) => g !== "checksum" && !APPROXIMATE.has(g));
      // Localise a difference: the first differing values of each group that differs.
      const details: string[] = [];
      for (const group of mismatched) {
        const guest = programLines(await vm.run(`/simd_check ${group}`, 120_000));
        const host = await hostValues(group);
        const wrong = host.map((h, i) => [h, guest[i]]).filter(([h, g]) => h !== g).slice(0, 8);
        details.push(...wrong.map(([h, g]) => `host  ${h}\nguest ${g}`));
      }
      assert.deepEqual(exact(lines), exact(expected), details.join("\n"));
      for (const group of APPROXIMATE) {
        const guest = programLines(await vm.run(`/simd_check ${group}`, 120_000));
        const host = await hostValues(group);
        assert.equal(guest.length, host.length, `${group}: ${guest.length} values`);
        const value = (line: string) => line.split(" ")[2];
        const far = host.map((h, i) => [h, guest[i]])
          .filter(([h, g]) => !withinOneUlp(value(h), value(g)))
          .map(([h, g]) => `host  ${h}\nguest ${g}`);
        assert.deepEqual(far, [], `${group}: more than one ulp apart`);
      }
      assert.equal(await vm.powerOff(), 0);
    } finally {
      await vm.kill();
      await Deno.remove(initrd);
    }
  },
});
