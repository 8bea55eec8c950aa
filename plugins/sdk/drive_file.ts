/**
 * A disk image granted to a device through a `drive` property: the only file the device's
 * sandbox may open, read-only when the `-drive` says `readonly=on`.
 *
 * @module
 */

/**
 * Positioned, synchronous access to one granted image file. The file is opened on first use, so
 * a device that never touches its drive holds no descriptor. Reads past the end return fewer
 * bytes (the rest of `dst` is left as it was); writes to a read-only drive throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([1, 2, 3, 4]));
 * const drive = new DriveFile(path, { readonly: false });
 * assert.equal(drive.size, 4);
 * drive.write(2, new Uint8Array([9]));
 * const out = new Uint8Array(4);
 * assert.equal(drive.read(0, out), 4);
 * assert.deepEqual([...out], [1, 2, 9, 4]);
 * drive.close();
 * await Deno.remove(path);
 * ```
 */
export class DriveFile {
  /** Host path of the image. */
  readonly path: string;
  /** True when writes are refused (`-drive ...,readonly=on`). */
  readonly readonly: boolean;
  #file: Deno.FsFile | undefined;

  /** Describes the image at `path`; nothing is opened yet. */
  constructor(path: string, options: { readonly?: boolean } = {}) {
    if (typeof path !== "string" || path === "") throw new Error("a drive needs a file path");
    this.path = path;
    this.readonly = options.readonly ?? false;
  }

  /** Image size in bytes. */
  get size(): number {
    return this.#open().statSync().size;
  }

  /** Reads up to `dst.length` bytes at `offset` into `dst`; returns how many were read. */
  read(offset: number, dst: Uint8Array): number {
    checkOffset(offset);
    const file = this.#open();
    file.seekSync(offset, Deno.SeekMode.Start);
    let done = 0;
    while (done < dst.length) {
      const n = file.readSync(dst.subarray(done));
      if (n === null || n === 0) break;
      done += n;
    }
    return done;
  }

  /** Writes all of `src` at `offset`; returns `src.length`. Throws on a read-only drive. */
  write(offset: number, src: Uint8Array): number {
    checkOffset(offset);
    if (this.readonly) throw new Error(`drive ${this.path} is read-only`);
    const file = this.#open();
    file.seekSync(offset, Deno.SeekMode.Start);
    let done = 0;
    while (done < src.length) done += file.writeSync(src.subarray(done));
    return done;
  }

  /** Makes written data durable (virtio-blk VIRTIO_BLK_T_FLUSH). */
  flush(): void {
    if (!this.readonly) this.#open().syncDataSync();
  }

  /** Closes the file; a later access opens it again. */
  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  #open(): Deno.FsFile {
    this.#file ??= Deno.openSync(this.path, { read: true, write: !this.readonly });
    return this.#file;
  }
}

function checkOffset(offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`file offset ${offset} is not a non-negative integer`);
  }
}
