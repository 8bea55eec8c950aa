import assert from "node:assert/strict";
import {
  formatPropertyHelp,
  formatPropertyHelpLine,
  formatPropertyValue,
  propertyTypeName,
} from "./property_help.ts";

Deno.test("a help line pads the name to column 24 before ' - ' as QEMU 7 does", () => {
  assert.equal(
    formatPropertyHelp("iobase", { type: "u32", default: 0x501 }),
    "  iobase=<uint32>        -  (default: 1281)",
  );
  // QEMU's pvpanic: "  events=<uint8>         -  (default: …)".
  assert.equal(
    formatPropertyHelp("events", { type: "u8", default: 3 }),
    "  events=<uint8>         -  (default: 3)",
  );
});

Deno.test("a help line without description or default is just name and type", () => {
  assert.equal(formatPropertyHelp("serial", { type: "string" }), "  serial=<str>");
});

Deno.test("a name past column 24 is not padded", () => {
  assert.equal(
    formatPropertyHelpLine("x-very-long-property-name", "bool", { defaultText: "false" }),
    "  x-very-long-property-name=<bool> -  (default: false)",
  );
});

Deno.test("backend references carry QEMU's descriptions and no default", () => {
  assert.equal(
    formatPropertyHelp("drive", { type: "drive" }),
    "  drive=<str>            - Node name or ID of a block device to use as a backend",
  );
  assert.equal(
    formatPropertyHelp("netdev", { type: "netdev" }),
    "  netdev=<str>           - ID of a netdev to use as a backend",
  );
  assert.equal(
    formatPropertyHelp("chardev", { type: "chardev", help: "Console backend" }),
    "  chardev=<str>          - Console backend",
  );
});

Deno.test("enums list their words after the help text and quote the default", () => {
  assert.equal(
    formatPropertyHelp("rerror", {
      type: "enum",
      values: ["report", "ignore", "auto"],
      default: "auto",
      typeName: "BlockdevOnError",
      help: "Error handling policy",
    }),
    '  rerror=<BlockdevOnError> - Error handling policy, report/ignore/auto (default: "auto")',
  );
  assert.equal(propertyTypeName({ type: "enum", values: ["a"] }), "str");
});

Deno.test("defaults print as JSON: booleans, decimal numbers, bigints, escaped strings", () => {
  assert.equal(formatPropertyValue({ type: "bool" }, true), "true");
  assert.equal(formatPropertyValue({ type: "size" }, 1n << 32n), "4294967296");
  assert.equal(formatPropertyValue({ type: "string" }, 'a"b\\c\n'), '"a\\"b\\\\c\\n"');
  assert.equal(formatPropertyValue({ type: "string" }, "é"), '"\\u00E9"');
});

Deno.test("hex32 values print in hexadecimal", () => {
  assert.equal(formatPropertyValue({ type: "hex32" }, 0x3f8), "0x3f8");
  assert.equal(
    formatPropertyHelp("iobase", { type: "hex32", default: 0x3f8 }),
    "  iobase=<uint32>        -  (default: 0x3f8)",
  );
});

Deno.test("each type shows QEMU's PropertyInfo name", () => {
  const names = (["bool", "u8", "u16", "u32", "hex32", "u64", "size"] as const).map((type) =>
    propertyTypeName({ type })
  );
  assert.deepEqual(names, ["bool", "uint8", "uint16", "uint32", "uint32", "uint64", "size"]);
  for (const type of ["string", "path", "drive", "netdev", "chardev"] as const) {
    assert.equal(propertyTypeName({ type }), "str");
  }
});
