import assert from "node:assert/strict";
import { parseChardevSpec } from "./chardev_spec.ts";
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
