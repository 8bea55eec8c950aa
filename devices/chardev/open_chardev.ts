import type { Chardev } from "./chardev.ts";
import type { ChardevSpec } from "./chardev_spec.ts";
import { FileChardev } from "./file_chardev.ts";
import { NullChardev } from "./null_chardev.ts";
import { SocketChardev } from "./socket_chardev.ts";
import { StdioChardev, type StdioStreams } from "./stdio_chardev.ts";

/** Options of {@link openChardev}; each applies only to the backends that use it. */
export interface OpenChardevOptions {
  /**
   * stdio: called after Ctrl-A x, once the terminal is restored.
   * @default close and exit the process with status 0
   */
  onQuit?: () => void;
  /**
   * file: append instead of truncating.
   * @default false
   */
  append?: boolean;
  /**
   * stdio: streams to use instead of the process's own.
   * @default Deno.stdin and Deno.stdout
   */
  streams?: StdioStreams;
}

/**
 * Opens the host side described by `spec`. `none` opens a null chardev; a
 * board that follows QEMU creates no device at all for `none` instead.
 * Host errors (missing directory, permission, a port in use) throw an Error.
 * A socket is listening or connecting when this returns: await its `ready`
 * (or use openSocketChardev) before the guest runs.
 */
export function openChardev(spec: ChardevSpec, options: OpenChardevOptions = {}): Chardev {
  switch (spec.backend) {
    case "stdio":
      return new StdioChardev({
        monitor: spec.monitor,
        onQuit: options.onQuit,
        streams: options.streams,
      });
    case "file":
      return new FileChardev(spec.path, { append: options.append });
    case "null":
    case "none":
      return new NullChardev();
    case "socket":
      return new SocketChardev(spec);
  }
}
