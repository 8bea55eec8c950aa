import assert from "node:assert/strict";
import { FileChardev } from "./file_chardev.ts";
import { openChardev } from "./open_chardev.ts";

Deno.test("file chardev truncates by default and its writes are on disk before returning", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/serial.log`;
    Deno.writeTextFileSync(path, "old contents\n");
    const c = openChardev({ backend: "file", path });
    c.write(new TextEncoder().encode("hello "));
    assert.equal(Deno.readTextFileSync(path), "hello ");
    c.write(new TextEncoder().encode("world"));
    c.close();
    assert.equal(Deno.readTextFileSync(path), "hello world");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("file chardev with append keeps earlier contents", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/serial.log`;
    Deno.writeTextFileSync(path, "first\n");
    const c = new FileChardev(path, { append: true });
    c.write(new TextEncoder().encode("second\n"));
    c.close();
    c.close(); // closing twice is harmless
    c.write(new TextEncoder().encode("dropped after close"));
    assert.equal(Deno.readTextFileSync(path), "first\nsecond\n");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("file chardev in a missing directory throws an Error naming the directory", () => {
  const dir = Deno.makeTempDirSync();
  try {
    assert.throws(
      () => openChardev({ backend: "file", path: `${dir}/nope/serial.log` }),
      (e: unknown) =>
        e instanceof Error && e.message.includes(`directory ${dir}/nope does not exist`),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("file chardev never calls the receiver: a file has no input", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const c = new FileChardev(`${dir}/out`);
    let called = false;
    c.setReceiver(() => called = true);
    c.close();
    assert.equal(called, false);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
