import type { AccessSize } from "../bus/access.ts";

/** One register of a block: its name and width in bytes. */
export type FieldSpec = readonly [name: string, size: AccessSize];

/** Where each field of an ordered table sits, and the block's total size. */
export interface BlockLayout<N extends string> {
  /** Byte offset of each field, the sum of the sizes before it. */
  readonly offsets: Readonly<Record<N, number>>;
  /** Width of each field. */
  readonly sizes: Readonly<Record<N, AccessSize>>;
  /** Bytes covered by all fields. */
  readonly size: number;
  /** Field names by starting offset. */
  readonly byOffset: ReadonlyMap<number, N>;
}

/**
 * Lays out an ordered field table: each field starts where the previous ended, so offsets and the
 * block size are written once, as the field order (the C structs in the spec are packed that way).
 */
export function layoutBlock<const F extends readonly FieldSpec[]>(
  fields: F,
): BlockLayout<F[number][0]> {
  type N = F[number][0];
  const offsets = {} as Record<N, number>;
  const sizes = {} as Record<N, AccessSize>;
  const byOffset = new Map<number, N>();
  let at = 0;
  for (const [name, size] of fields) {
    offsets[name as N] = at;
    sizes[name as N] = size;
    byOffset.set(at, name as N);
    at += size;
  }
  return { offsets, sizes, size: at, byOffset };
}

/** What one field does when the guest reads or writes it; a missing side is decoded as no field. */
export interface FieldAccess {
  /** Returns the field's value (the caller truncates it to the access width). */
  read?(): number;
  /** Receives the written value, zero-extended from the access width. */
  write?(value: number): void;
}

/**
 * A register block bound to behaviour. Accesses are decoded by their starting offset alone, as
 * QEMU's virtio register switches do: an access at a field's offset reaches that field whatever
 * its width, and an access starting anywhere else finds nothing.
 */
export class RegisterBlock<N extends string> {
  /** The field table this block decodes. */
  readonly layout: BlockLayout<N>;
  readonly #access: Readonly<Record<N, FieldAccess>>;

  /** Binds `layout` to one `FieldAccess` per field. */
  constructor(layout: BlockLayout<N>, access: Readonly<Record<N, FieldAccess>>) {
    this.layout = layout;
    this.#access = access;
  }

  /** The value of the readable field starting at `offset`, or undefined when there is none. */
  read(offset: number, fieldsInScope = this.layout.size): number | undefined {
    if (offset >= fieldsInScope) return undefined;
    const name = this.layout.byOffset.get(offset);
    if (name === undefined) return undefined;
    return this.#access[name].read?.();
  }

  /** Writes the field starting at `offset`; false when no field starts there. */
  write(offset: number, value: number, fieldsInScope = this.layout.size): boolean {
    if (offset >= fieldsInScope) return false;
    const name = this.layout.byOffset.get(offset);
    if (name === undefined) return false;
    this.#access[name].write?.(value);
    return true;
  }
}
