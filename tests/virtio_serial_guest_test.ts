/**
 * The default guest with `-device virtio-serial-pci -device virtconsole,chardev=c0 -device
 * virtserialport,chardev=s0,name=org.test.0`, where c0 and s0 are listening socket chardevs
 * (`server=on,wait=off`) that the test connects to: Linux must find the console (hvc0) and the
 * named port through the control queue, bytes must cross both ways, and the port must follow
 * the host connecting and leaving (PORT_OPEN). When qemu-system-i386 is installed, the same
 * scenario runs under it too, so that both agree on what the guest sees.
 */

import assert from "node:assert/strict";
import { freeTcpPort } from "../plugins/devices/virtio_net_test_peer.ts";
import {
  defaultGuestArgs,
  GuestSession,
  type GuestSessionOptions,
  installed,
} from "./guest_session.ts";
import { VIRTIO_SERIAL_DEVICES } from "./_virtio_serial_devices.ts";

const QEMU = "qemu-system-i386";

/** The test's end of a socket chardev: what arrived, searchable, and a way to answer. */
class Peer {
  #text = "";
  #at = 0;
  readonly #conn: Deno.Conn;
  readonly #done: Promise<void>;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    const decoder = new TextDecoder();
    this.#done = (async () => {
      const buf = new Uint8Array(4096);
      try {
        for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
          this.#text += decoder.decode(buf.subarray(0, n), { stream: true });
        }
      } catch {
        // Closed by the test.
      }
    })();
  }

  /** Waits until `text` arrives after what earlier waits consumed. */
  async waitFor(text: string, ms = 30_000): Promise<void> {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const i = this.#text.indexOf(text, this.#at);
      if (i >= 0) {
        this.#at = i + text.length;
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(
      `timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(this.#text)}`,
    );
  }

  async send(text: string): Promise<void> {
    await this.#conn.write(new TextEncoder().encode(text));
  }

  async close(): Promise<void> {
    this.#conn.close();
    await this.#done;
  }
}

/** Boots the guest with the serial device (under `options.command`) and checks what it sees. */
async function scenario(options: GuestSessionOptions = {}): Promise<void> {
  const [consolePort, serialPort] = [freeTcpPort(), freeTcpPort()];
  const vm = new GuestSession([
    ...defaultGuestArgs(),
    "-chardev",
    `socket,id=c0,host=127.0.0.1,port=${consolePort},server=on,wait=off`,
    "-chardev",
    `socket,id=s0,host=127.0.0.1,port=${serialPort},server=on,wait=off`,
    ...VIRTIO_SERIAL_DEVICES,
  ], options);
  const peers: Peer[] = [];
  try {
    await vm.booted();
    // PORT_NAME: the guest lists the port under its name; the console has none.
    const ports = await vm.run(
      "for p in /sys/class/virtio-ports/vport*; do echo port ${p##*/} $(cat $p/name 2>/dev/null); done",
    );
    const named = /^port (vport\d+p\d+) org\.test\.0$/m.exec(ports);
    assert.ok(named, ports);
    assert.match(ports, /^port vport\d+p0 *$/m, "the console is port 0, without a name");
    const device = `/dev/${named[1]}`;

    // Nobody is connected to s0 yet: the host side is closed, so a read ends at once.
    assert.match(await vm.run(`cat ${device}; echo eof`), /^eof$/m);

    // hvc0 both ways. The guest says when it has the console open, then waits for a line.
    const console = new Peer(await Deno.connect({ hostname: "127.0.0.1", port: consolePort }));
    peers.push(console);
    const hvc = vm.run(
      "(exec < /dev/hvc0; echo hvc0-ready > /dev/hvc0; read -r line; echo got:$line)",
    );
    await console.waitFor("hvc0-ready\r\n");
    await console.send("ping-hvc0\n");
    assert.match(await hvc, /^got:ping-hvc0$/m);

    // The serial port: connecting opens its host side (PORT_OPEN), and a line goes there and
    // back through the same open file.
    const serial = new Peer(await Deno.connect({ hostname: "127.0.0.1", port: serialPort }));
    peers.push(serial);
    const echo = vm.run(
      `(exec 3<>${device}; echo port-ready >&3; read -r line <&3; echo back:$line >&3; ` +
        "echo got:$line)",
    );
    await serial.waitFor("port-ready\n");
    await serial.send("ping-port\n");
    assert.match(await echo, /^got:ping-port$/m);
    await serial.waitFor("back:ping-port\n");

    // The host leaving closes the host side (PORT_OPEN 0): a reader gets end of file.
    const reader = vm.run(`cat ${device}; echo eof`);
    await serial.send("still-here\n");
    await vm.waitFor("still-here");
    await serial.close();
    assert.match(await reader, /^eof$/m);
    assert.equal(await vm.powerOff(), 0);
  } finally {
    for (const peer of peers) await peer.close().catch(() => {});
    await vm.kill();
  }
}

Deno.test({
  name: "Linux finds a virtconsole (hvc0) and a named virtserialport on virtio-serial-pci; " +
    "bytes cross both ways over socket chardevs, and the port follows the host connecting",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => scenario(),
});

Deno.test({
  name: "qemu-system-i386 shows the guest the same virtio-serial ports with the same options",
  ignore: !installed(QEMU),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => scenario({ command: QEMU }),
});
