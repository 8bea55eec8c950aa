import assert from "node:assert/strict";
import { parseChardevSpec, parseSocketChardev } from "./chardev_spec.ts";
import { NullChardev } from "./null_chardev.ts";
import { openChardev } from "./open_chardev.ts";

Deno.test("parseChardevSpec accepts the -serial backends QEMU users write", () => {
  assert.deepEqual(parseChardevSpec("stdio"), { backend: "stdio", monitor: false });
  assert.deepEqual(parseChardevSpec("mon:stdio"), { backend: "stdio", monitor: true });
  assert.deepEqual(parseChardevSpec("file:/tmp/a:b.log"), {
    backend: "file",
    path: "/tmp/a:b.log",
  });
  assert.deepEqual(parseChardevSpec("null"), { backend: "null" });
  assert.deepEqual(parseChardevSpec("none"), { backend: "none" });
});

Deno.test("parseChardevSpec rejects unknown backends, naming the accepted forms", () => {
  assert.throws(
    () => parseChardevSpec("tcp:localhost:4444,server"),
    /unknown chardev backend "tcp"; expected stdio, mon:stdio, file:PATH, null or none/,
  );
  assert.throws(() => parseChardevSpec("pty"), /unknown chardev backend "pty"/);
  assert.throws(() => parseChardevSpec(""), /empty chardev backend/);
});

Deno.test("parseChardevSpec rejects file: without a path and mon: on anything but stdio", () => {
  assert.throws(() => parseChardevSpec("file:"), /file: needs a path/);
  assert.throws(() => parseChardevSpec("mon:null"), /mon: is only supported with stdio/);
});

Deno.test("openChardev gives a null chardev for null and none", () => {
  assert.ok(openChardev(parseChardevSpec("null")) instanceof NullChardev);
  assert.ok(openChardev(parseChardevSpec("none")) instanceof NullChardev);
});

Deno.test("parseSocketChardev reads -chardev socket as QEMU 7.2 does, old spellings included", () => {
  // What options.ts leaves: `server,nowait` arrives as server=on, wait=off.
  assert.deepEqual(
    parseSocketChardev({ host: "127.0.0.1", port: "4555", server: "on", wait: "off" }),
    {
      backend: "socket",
      address: { transport: "tcp", host: "127.0.0.1", port: 4555 },
      server: true,
      wait: false,
      nodelay: false,
    },
  );
  // A server waits for its first client unless told not to; a client never waits.
  assert.equal(parseSocketChardev({ host: "h", port: "1", server: "on" }).wait, true);
  assert.equal(parseSocketChardev({ host: "h", port: "1" }).server, false);
  assert.equal(parseSocketChardev({ host: "h", port: "1", delay: "off" }).nodelay, true);
  assert.equal(parseSocketChardev({ host: "h", port: "1", nodelay: "on" }).nodelay, true);
  assert.deepEqual(parseSocketChardev({ path: "/tmp/s", server: "on" }).address, {
    transport: "unix",
    path: "/tmp/s",
  });
});

Deno.test("parseSocketChardev refuses what qemu-system-i386 7.2 refuses, with its messages", () => {
  const fails = (props: Record<string, string>, message: string) =>
    assert.throws(() => parseSocketChardev(props), (e: Error) => e.message === message);
  fails(
    { host: "h", port: "1", path: "/p" },
    "None or one of 'path', 'fd' or 'host' option required.",
  );
  fails({ port: "1" }, "Exactly one of 'path', 'fd' or 'host' required");
  fails({ host: "127.0.0.1", server: "on" }, "chardev: socket: no port given");
  fails(
    { host: "127.0.0.1", port: "1", wait: "off" },
    "'wait' option is incompatible with socket in client connect mode",
  );
  fails(
    { host: "127.0.0.1", port: "abc", server: "on" },
    "address resolution failed for 127.0.0.1:abc: Servname not supported for ai_socktype",
  );
  // QEMU's getaddrinfo() takes port 65537 as port 1; deno-vmm refuses it instead.
  fails(
    { host: "127.0.0.1", port: "65536", server: "on" },
    "address resolution failed for 127.0.0.1:65536: Servname not supported for ai_socktype",
  );
});
