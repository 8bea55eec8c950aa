import assert from "node:assert/strict";
import { findSeabios, findV86, v86ChildArgs, v86Setup } from "./v86_peer.ts";

async function withEnv(vars: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  for (const [k, v] of Object.entries(vars)) Deno.env.set(k, v);
  try {
    await fn();
  } finally {
    for (const [k, v] of Object.entries(old)) {
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    }
  }
}

Deno.test("findSeabios takes bios.bin and prefers the Bochs VBE VGA BIOS v86 emulates", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await withEnv({ SEABIOS_DIR: dir }, async () => {
      assert.equal(await findSeabios(), undefined, "an empty directory has no SeaBIOS");
      await Deno.writeFile(`${dir}/bios.bin`, new Uint8Array(16));
      await Deno.writeFile(`${dir}/vgabios.bin`, new Uint8Array(16));
      assert.deepEqual(await findSeabios(), {
        bios: `${dir}/bios.bin`,
        vgaBios: `${dir}/vgabios.bin`,
      });
      await Deno.writeFile(`${dir}/vgabios-stdvga.bin`, new Uint8Array(16));
      assert.equal((await findSeabios())?.vgaBios, `${dir}/vgabios-stdvga.bin`);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findV86 takes $V86_DIR when it holds the ES module and the wasm, and says why not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/build`);
    await Deno.writeTextFile(`${dir}/build/libv86.mjs`, "export {};");
    await withEnv({ V86_DIR: dir, V86_PREFIX: `${dir}/none` }, async () => {
      assert.notEqual(await findV86(), dir, "the wasm is missing");
      await Deno.writeFile(`${dir}/build/v86.wasm`, new Uint8Array(8));
      assert.equal(await findV86(), dir);
    });
    await withEnv(
      { V86_DIR: `${dir}/none`, V86_PREFIX: `${dir}/none`, SEABIOS_DIR: dir },
      async () => {
        const setup = await v86Setup();
        if (setup.ok) assert.notEqual(setup.dir, dir);
        else assert.match(setup.reason, /v86 not installed|SeaBIOS not found/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("v86 children may read v86, SeaBIOS and the named paths, and nothing else", () => {
  const args = v86ChildArgs("/v86", { bios: "/sb/bios.bin", vgaBios: "/sb/vga.bin" }, ["/g/"]);
  assert.deepEqual(args.filter((a) => a.startsWith("--allow")), [
    "--allow-read=/v86,/sb/bios.bin,/sb/vga.bin,/g/",
  ]);
});
