import assert from "node:assert/strict";
import { EscapeDecoder, type EscapeEvent } from "./escape_decoder.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

function flat(events: EscapeEvent[]): (string | number)[] {
  return events.map((e) => e.kind === "data" ? new TextDecoder().decode(e.data) : e.key);
}

Deno.test("EscapeDecoder turns Ctrl-A followed by a key into a command between data runs", () => {
  const d = new EscapeDecoder();
  assert.deepEqual(flat(d.decode(bytes("ab\x01xcd"))), ["ab", 0x78, "cd"]);
});

Deno.test("EscapeDecoder sends one Ctrl-A for Ctrl-A Ctrl-A", () => {
  const d = new EscapeDecoder();
  assert.deepEqual(flat(d.decode(bytes("a\x01\x01b"))), ["a", "\x01b"]);
});

Deno.test("EscapeDecoder keeps a pending escape across reads", () => {
  const d = new EscapeDecoder();
  assert.deepEqual(flat(d.decode(bytes("q\x01"))), ["q"]);
  assert.deepEqual(flat(d.decode(bytes("hz"))), [0x68, "z"]);
  assert.deepEqual(flat(d.decode(bytes("\x01"))), []);
  assert.deepEqual(flat(d.decode(bytes("\x01"))), ["\x01"]);
});
