/** Where a socket chardev listens or connects: TCP host and port, or a UNIX socket path. */
export type SocketAddress =
  | { readonly transport: "tcp"; readonly host: string; readonly port: number }
  | { readonly transport: "unix"; readonly path: string };

/** `-chardev socket`: a listening (server) or connecting (client) stream socket. */
export interface SocketChardevSpec {
  /** Discriminant. */
  readonly backend: "socket";
  /** Where to listen or connect. */
  readonly address: SocketAddress;
  /** Listen for one client at a time (`server=on`) instead of connecting. */
  readonly server: boolean;
  /** A server waits for its first client before the guest starts (`wait=on`, the default). */
  readonly wait: boolean;
  /** TCP_NODELAY (`delay=off`, or the old `nodelay`). */
  readonly nodelay: boolean;
}

/** A parsed `-serial` / `-chardev` backend description. */
export type ChardevSpec =
  | { readonly backend: "stdio"; readonly monitor: boolean }
  | { readonly backend: "file"; readonly path: string }
  | { readonly backend: "null" }
  | { readonly backend: "none" }
  | SocketChardevSpec;

/**
 * The `-chardev socket,...` properties (as the option parser leaves them: booleans "on"/"off")
 * read as qemu_chr_parse_socket() and qmp_chardev_validate_socket() read them. Throws an Error
 * with QEMU's message for both `host` and `path`, neither, `host` without `port`, a port that is
 * not a number up to 65535, and `wait` on a client.
 */
export function parseSocketChardev(props: Readonly<Record<string, string>>): SocketChardevSpec {
  const { host, port, path } = props;
  if (host !== undefined && path !== undefined) {
    throw new Error("None or one of 'path', 'fd' or 'host' option required.");
  }
  if (host === undefined && path === undefined) {
    throw new Error("Exactly one of 'path', 'fd' or 'host' required");
  }
  const on = (key: string) => props[key] === "on";
  const server = on("server");
  if (!server && props.wait !== undefined) {
    throw new Error("'wait' option is incompatible with socket in client connect mode");
  }
  const common = {
    backend: "socket",
    server,
    wait: props.wait !== "off",
    // `nodelay` alone is read as delay=off; QEMU 7.1 added nodelay=on|off too.
    nodelay: props.delay === "off" || props.nodelay === "on",
  } as const;
  if (path !== undefined) return { ...common, address: { transport: "unix", path } };
  if (port === undefined) throw new Error("chardev: socket: no port given");
  const number = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!(number <= 0xffff)) {
    throw new Error(
      `address resolution failed for ${host}:${port}: Servname not supported for ai_socktype`,
    );
  }
  return { ...common, address: { transport: "tcp", host: host!, port: number } };
}

const EXPECTED = "expected stdio, mon:stdio, file:PATH, null or none";

/**
 * Parses a backend as written after `-serial`: `stdio`, `mon:stdio`,
 * `file:PATH`, `null` or `none` (no device at all). Throws an Error naming
 * the accepted forms for anything else.
 */
export function parseChardevSpec(text: string): ChardevSpec {
  if (text === "") throw new Error(`empty chardev backend; ${EXPECTED}`);
  if (text.startsWith("mon:")) {
    const inner = text.slice(4);
    if (inner !== "stdio") {
      throw new Error(`chardev "${text}": mon: is only supported with stdio`);
    }
    return { backend: "stdio", monitor: true };
  }
  if (text.startsWith("file:")) {
    const path = text.slice(5);
    if (path === "") throw new Error(`chardev "${text}": file: needs a path`);
    return { backend: "file", path };
  }
  switch (text) {
    case "stdio":
      return { backend: "stdio", monitor: false };
    case "null":
      return { backend: "null" };
    case "none":
      return { backend: "none" };
  }
  const name = text.split(/[:,]/, 1)[0];
  throw new Error(`unknown chardev backend "${name}"; ${EXPECTED}`);
}
