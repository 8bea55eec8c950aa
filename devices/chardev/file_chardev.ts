import type { Chardev, ChardevReceiver } from "./chardev.ts";

/** Options of {@link FileChardev}. */
export interface FileChardevOptions {
  /**
   * Append to an existing file instead of truncating it.
   * @default false (QEMU's file backend truncates unless append=on)
   */
  append?: boolean;
}

/**
 * Guest output written to a host file (QEMU's `file:PATH`); there is no input.
 * Writes are synchronous so that nothing is lost when the VMM exits.
 */
export class FileChardev implements Chardev {
  #file: Deno.FsFile | undefined;

  /** Opens (creates) `path` at once; a missing directory or a denied open throws an Error. */
  constructor(readonly path: string, options: FileChardevOptions = {}) {
    const append = options.append ?? false;
    try {
      this.#file = Deno.openSync(path, { write: true, create: true, append, truncate: !append });
    } catch (e) {
      throw new Error(`chardev file:${path}: ${describeOpenError(path, e)}`, { cause: e });
    }
  }

  /** Writes all of `data` before returning; a host write error closes the file. */
  write(data: Uint8Array): void {
    const file = this.#file;
    if (!file) return;
    try {
      let at = 0;
      while (at < data.length) at += file.writeSync(data.subarray(at));
    } catch {
      // A full disk must not stop the guest; later output is dropped, as QEMU does.
      this.close();
    }
  }

  /** A file gives no input. */
  setReceiver(_cb: ChardevReceiver): void {}

  /** Closes the file. */
  close(): void {
    const file = this.#file;
    this.#file = undefined;
    try {
      file?.close();
    } catch {
      // Already closed by the host; nothing left to release.
    }
  }
}

function describeOpenError(path: string, e: unknown): string {
  if (e instanceof Deno.errors.NotFound) {
    const slash = path.lastIndexOf("/");
    const dir = slash > 0 ? path.slice(0, slash) : slash === 0 ? "/" : ".";
    return `directory ${dir} does not exist`;
  }
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  return e instanceof Error ? e.message : String(e);
}
