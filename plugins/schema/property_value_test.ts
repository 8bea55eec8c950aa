import assert from "node:assert/strict";
import { parsePropertyValue, PropertyValueError } from "./property_value.ts";
import type { PropertySpec } from "./property_spec.ts";

const at = { owner: "isa-debug-exit", name: "iobase" };

function refused(spec: PropertySpec, text: string, message: string, source?: "global") {
  assert.throws(
    () => parsePropertyValue(spec, text, { ...at, source }),
    (e: unknown) => e instanceof PropertyValueError && e.message === message,
    `${text} → ${message}`,
  );
}

Deno.test("bool accepts on/yes/true/y and off/no/false/n, case-sensitively", () => {
  const spec: PropertySpec = { type: "bool" };
  for (const t of ["on", "yes", "true", "y"]) assert.equal(parsePropertyValue(spec, t, at), true);
  for (const t of ["off", "no", "false", "n"]) assert.equal(parsePropertyValue(spec, t, at), false);
  for (const t of ["ON", "1", "", "enabled"]) {
    refused(spec, t, "Parameter 'iobase' expects 'on' or 'off'");
  }
});

Deno.test("u8/u16/u32 take QEMU integers and name the C type when too large", () => {
  assert.equal(parsePropertyValue({ type: "u8" }, "0xff", at), 255);
  assert.equal(parsePropertyValue({ type: "u16" }, "010", at), 8);
  assert.equal(parsePropertyValue({ type: "u32" }, "4294967295", at), 0xffff_ffff);
  refused({ type: "u8" }, "256", "Parameter 'iobase' expects uint8_t");
  refused({ type: "u16" }, "0x10000", "Parameter 'iobase' expects uint16_t");
  refused({ type: "u32" }, "4294967296", "Parameter 'iobase' expects uint32_t");
  refused({ type: "hex32" }, "-1", "Parameter 'iobase' expects uint32_t");
});

Deno.test("a non-number reads 'expects integer' from -device and 'expects uint64' from -global", () => {
  refused({ type: "u32" }, "foo", "Parameter 'iobase' expects integer");
  refused({ type: "u32" }, "foo", "Parameter 'iobase' expects uint64", "global");
  refused({ type: "u64" }, "99999999999999999999", "Parameter 'iobase' expects integer");
});

Deno.test("u64 values are bigint and cover the full 64-bit range", () => {
  assert.equal(parsePropertyValue({ type: "u64" }, "0xffffffffffffffff", at), (1n << 64n) - 1n);
  assert.equal(parsePropertyValue({ type: "u64" }, "-1", at), (1n << 64n) - 1n);
  assert.equal(parsePropertyValue({ type: "u64" }, "12", at), 12n);
});

Deno.test("schema min/max refusals use QEMU's out-of-range wording", () => {
  refused(
    { type: "u32", max: 0xffff },
    "70000",
    "Property isa-debug-exit.iobase doesn't take value 70000 (minimum: 0, maximum: 65535)",
  );
  refused(
    { type: "u16", min: 1, max: 1024 },
    "0",
    "Property isa-debug-exit.iobase doesn't take value 0 (minimum: 1, maximum: 1024)",
  );
  refused(
    { type: "size", min: 512n, max: 32768n },
    "64K",
    "Property isa-debug-exit.iobase doesn't take value 65536 (minimum: 512, maximum: 32768)",
  );
  assert.equal(parsePropertyValue({ type: "u32", min: 4, max: 4 }, "4", at), 4);
});

Deno.test("size parses suffixes and words its refusals per source", () => {
  assert.equal(parsePropertyValue({ type: "size" }, "1.5M", at), 1572864n);
  refused({ type: "size" }, "lots", "Parameter 'iobase' expects size");
  refused(
    { type: "size" },
    "lots",
    "Parameter 'iobase' expects a non-negative number below 2^64",
    "global",
  );
  refused({ type: "size" }, "16E", "Value '16E' is out of range for parameter 'iobase'", "global");
});

Deno.test("enum accepts only its listed words", () => {
  const spec: PropertySpec = { type: "enum", values: ["report", "ignore"] };
  assert.equal(parsePropertyValue(spec, "ignore", at), "ignore");
  refused(spec, "Ignore", "Parameter 'iobase' does not accept value 'Ignore'");
});

Deno.test("strings, paths and backend references come back verbatim", () => {
  for (const type of ["string", "path", "drive", "netdev", "chardev"] as const) {
    assert.equal(parsePropertyValue({ type }, "a,b=c", at), "a,b=c");
    assert.equal(parsePropertyValue({ type }, "", at), "");
  }
});
