/**
 * What the v86 child processes (v86_console.ts, v86_multiboot.ts) share: the part of v86's `V86`
 * class they use, loading it from the npm package's directory, and reading images as v86 takes
 * them. Written against v86 0.5 (`npm install v86`, build/libv86.mjs).
 *
 * @module
 */

/** The part of v86's `V86` class the benchmarks use. */
export interface V86Emulator {
  add_listener(event: string, listener: (value: number) => void): void;
  serial_send_bytes(serial: number, data: Uint8Array): void;
  get_instruction_counter(): number;
  destroy(): Promise<void>;
}

/** The `V86` constructor of the package in `dir`. */
export type V86Constructor = new (options: Record<string, unknown>) => V86Emulator;

/** Imports build/libv86.mjs from the v86 package in `dir`. */
export async function loadV86(dir: string): Promise<V86Constructor> {
  const lib = await import(`file://${dir}/build/libv86.mjs`);
  return lib.V86 as V86Constructor;
}

/** A file as v86 takes images: an ArrayBuffer of exactly its bytes. */
export async function v86Image(path: string): Promise<{ buffer: ArrayBuffer }> {
  const data = await Deno.readFile(path);
  return { buffer: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) };
}

/** Options every v86 benchmark machine has: v86's own wasm, no browser input or sound. */
export function baseOptions(dir: string, memoryBytes: number): Record<string, unknown> {
  return {
    wasm_path: `${dir}/build/v86.wasm`,
    memory_size: memoryBytes,
    autostart: true,
    disable_keyboard: true,
    disable_mouse: true,
    disable_speaker: true,
  };
}

/**
 * v86's instruction counter extended past its 32 bits (it wraps within seconds): read it often
 * enough (v86 yields to the event loop many times a second) that it cannot wrap twice unseen.
 * Returns the reader and a function that stops the periodic reads.
 */
export function extendedCounter(emulator: V86Emulator): { read: () => number; stop: () => void } {
  let wraps = 0, last = 0;
  const read = () => {
    const now = emulator.get_instruction_counter();
    if (now < last) wraps++;
    last = now;
    return wraps * 2 ** 32 + now;
  };
  const ticker = setInterval(read, 100);
  return { read, stop: () => clearInterval(ticker) };
}
