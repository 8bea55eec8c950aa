/**
 * Which instructions of an assembled program lie inside the blocks the JIT compiled: the tests
 * of a translated instruction check that it ran compiled rather than ending a block and being
 * left to the interpreter.
 */
import type { ListingLine } from "./_asm.ts";
import type { TestMachine } from "./_machine.ts";

/** The addresses in `listing` covered by a block that `machine`'s JIT compiled. */
export function compiledAddresses(
  machine: TestMachine,
  listing: readonly ListingLine[],
): Set<number> {
  const out = new Set<number>();
  for (const block of machine.modules.flatMap((m) => m.blocks)) {
    const first = listing.findIndex((l) => l.address === block.eip);
    if (first < 0) continue;
    for (const l of listing.slice(first, first + block.instructions)) out.add(l.address);
  }
  return out;
}
