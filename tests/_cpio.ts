/**
 * Writes cpio archives in the "newc" format (magic 070701) that Linux unpacks into its
 * initramfs. The kernel unpacks archives that follow one another in one initrd in turn
 * (Documentation/driver-api/early-userspace/buffer-format.rst), so appending one to the default
 * initramfs adds files to the guest.
 */

/** A regular file to put into an archive. */
export interface CpioFile {
  /** Path inside the archive, without a leading slash, such as `simd_check`. */
  name: string;
  /** The file's contents. */
  data: Uint8Array;
  /**
   * Permission bits.
   * @default 0o644
   */
  mode?: number;
}

const S_IFREG = 0o100000;
const encoder = new TextEncoder();

/** The 110-byte header and the NUL-terminated name, padded to a multiple of 4 bytes. */
function header(ino: number, mode: number, size: number, name: string): Uint8Array {
  const nameBytes = encoder.encode(name + "\0");
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  // ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
  const fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, nameBytes.length, 0];
  const text = encoder.encode("070701" + fields.map(hex).join(""));
  const out = new Uint8Array(padded(text.length + nameBytes.length));
  out.set(text);
  out.set(nameBytes, text.length);
  return out;
}

function padded(n: number): number {
  return (n + 3) & ~3;
}

/** A newc archive holding `files`, ended by the TRAILER!!! entry. */
export function cpioArchive(files: CpioFile[]): Uint8Array {
  const parts: Uint8Array[] = [];
  files.forEach((f, i) => {
    parts.push(header(i + 1, S_IFREG | (f.mode ?? 0o644), f.data.length, f.name));
    const data = new Uint8Array(padded(f.data.length));
    data.set(f.data);
    parts.push(data);
  });
  parts.push(header(0, 0, 0, "TRAILER!!!"));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
