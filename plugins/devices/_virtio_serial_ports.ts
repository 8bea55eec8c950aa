/**
 * How the ports of a `virtio-serial-pci` reach its plugin. The VMM resolves the `virtconsole`
 * and `virtserialport` devices on the device's bus (virtio_serial_bus.ts) and hands the plugin:
 *
 * - `x-ports`: the port table, JSON `[{"nr":0,"console":true},{"nr":1,"name":"org.x"}]`;
 * - one `chardev` property per port with a chardev: `chardev` for port 0 (which is also what
 *   `-device virtio-serial-pci,chardev=ID` sets), `port.N` for port N;
 * - `x-port-events`: a chardev on which the VMM reports when the host side of a
 *   `virtserialport` connects or disconnects (a socket chardev's client coming and going), one
 *   line each: `open N`, `close N`. A line `sync` starts a report of every such port; the
 *   device asks for one by writing anything on the chardev. The plugin ignores what precedes
 *   the first `sync` (a restarted sandbox may find half a line in the ring).
 *
 * These properties are internal: the registry type the user sees leaves them out.
 *
 * @module
 */

/** One port of the table. */
export interface SerialPortSpec {
  /** Port number (QEMU's `nr`). */
  readonly nr: number;
  /** A `virtconsole` (hvc) rather than a `virtserialport`. */
  readonly console: boolean;
  /** `name=`: what the guest reads in /sys/class/virtio-ports/vportNpM/name. */
  readonly name?: string;
}

/** The property carrying the port table. */
export const PORTS_PROPERTY = "x-ports";
/** The property naming the connection-event chardev. */
export const PORT_EVENTS_PROPERTY = "x-port-events";
/** QEMU's largest `max_ports`: VIRTIO_QUEUE_MAX / 2 - 1. */
export const MAX_SERIAL_PORTS = 511;
/** Longest port name accepted (the guest reads it from one control buffer). */
const MAX_NAME_BYTES = 1024;

/** The chardev property of port `nr`: `chardev` for port 0, `port.N` otherwise. */
export function portChardevProperty(nr: number): string {
  return nr === 0 ? "chardev" : `port.${nr}`;
}

/** §5.3.2: the receiveq of port `nr` (port 0 keeps queue 0; control queues are 2 and 3). */
export function receiveQueueOf(nr: number): number {
  return nr === 0 ? 0 : 2 * (nr + 1);
}

/** §5.3.2: the transmitq of port `nr`. */
export function transmitQueueOf(nr: number): number {
  return receiveQueueOf(nr) + 1;
}

/** The port whose data queue `index` is, or undefined for the control queues. */
export function portOfQueue(index: number): number | undefined {
  if (index === 2 || index === 3) return undefined;
  return index < 2 ? 0 : (index >> 1) - 1;
}

/** Serialises the table for {@link PORTS_PROPERTY}. */
export function encodePortTable(ports: readonly SerialPortSpec[]): string {
  return JSON.stringify(
    ports.map((p) => ({
      nr: p.nr,
      console: p.console,
      ...(p.name !== undefined ? { name: p.name } : {}),
    })),
  );
}

/**
 * Reads {@link PORTS_PROPERTY}; throws an Error saying what is wrong with a malformed table, a
 * port number not below `maxPorts`, or a number used twice.
 */
export function decodePortTable(text: string, maxPorts: number): SerialPortSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${PORTS_PROPERTY}: not a port table`);
  }
  if (!Array.isArray(raw)) throw new Error(`${PORTS_PROPERTY}: not a port table`);
  const seen = new Set<number>();
  return raw.map((entry: unknown) => {
    const e = entry as Record<string, unknown>;
    const nr = e?.nr;
    if (typeof nr !== "number" || !Number.isInteger(nr) || nr < 0 || nr >= maxPorts) {
      throw new Error(`${PORTS_PROPERTY}: port number ${String(nr)} is not below ${maxPorts}`);
    }
    if (seen.has(nr)) throw new Error(`${PORTS_PROPERTY}: port ${nr} is given twice`);
    seen.add(nr);
    const name = e.name;
    if (
      name !== undefined &&
      (typeof name !== "string" || new TextEncoder().encode(name).length > MAX_NAME_BYTES)
    ) {
      throw new Error(`${PORTS_PROPERTY}: port ${nr} has a bad name`);
    }
    return { nr, console: e.console === true, ...(name !== undefined ? { name } : {}) };
  });
}

/** A line of the connection-event chardev, decoded. */
export type PortEvent =
  | { readonly kind: "sync" }
  | { readonly kind: "open" | "close"; readonly nr: number };

/** The text of one event line, newline included. */
export function encodePortEvent(event: PortEvent): string {
  return event.kind === "sync" ? "sync\n" : `${event.kind} ${event.nr}\n`;
}

/**
 * Splits the connection-event stream into events: bytes may arrive cut anywhere, so an
 * incomplete line waits for the rest. Events before the first `sync` are dropped.
 */
export class PortEventReader {
  #line = "";
  #synced = false;
  readonly #decoder = new TextDecoder();

  /** Feeds bytes; returns the complete events they finish. */
  push(bytes: Uint8Array): PortEvent[] {
    this.#line += this.#decoder.decode(bytes, { stream: true });
    const events: PortEvent[] = [];
    for (let end = this.#line.indexOf("\n"); end >= 0; end = this.#line.indexOf("\n")) {
      const line = this.#line.slice(0, end);
      this.#line = this.#line.slice(end + 1);
      const event = parseEventLine(line);
      if (event?.kind === "sync") this.#synced = true;
      if (event && this.#synced) events.push(event);
    }
    // A stream that never ends a line is not this protocol; keep the buffer small.
    if (this.#line.length > 64) this.#line = "";
    return events;
  }
}

function parseEventLine(line: string): PortEvent | undefined {
  if (line === "sync") return { kind: "sync" };
  const m = /^(open|close) (\d{1,3})$/.exec(line);
  return m ? { kind: m[1] as "open" | "close", nr: Number(m[2]) } : undefined;
}
