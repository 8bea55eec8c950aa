/**
 * Rewrites the golden WebAssembly text of tests/jit/golden/ from the JIT's output
 * (`deno task jit-golden`), after its difference from the committed files has been reviewed.
 *
 * @module
 */
import { GOLDEN_CASES, goldenPath, goldenText } from "./golden_cases.ts";

if (import.meta.main) {
  for (const c of GOLDEN_CASES) {
    const path = goldenPath(c);
    const text = await goldenText(c);
    const old = await Deno.readTextFile(path).catch(() => undefined);
    if (old === text) {
      console.log(`unchanged ${path.pathname}`);
      continue;
    }
    await Deno.mkdir(new URL(".", path), { recursive: true });
    await Deno.writeTextFile(path, text);
    console.log(`${old === undefined ? "created" : "rewrote"} ${path.pathname}`);
  }
}
