import assert from "node:assert/strict";
import { validatePropertySpec } from "./validate_spec.ts";
import type { PropertySpec } from "./property_spec.ts";

function malformed(name: string, spec: unknown, why: RegExp) {
  assert.throws(() => validatePropertySpec(name, spec as PropertySpec, { owner: "dev" }), why);
}

Deno.test("validatePropertySpec turns u64 and size numbers into bigint", () => {
  const spec = validatePropertySpec("mem", { type: "size", default: 4096, max: 1 << 20 });
  assert.deepEqual(spec, { type: "size", default: 4096n, max: 1048576n });
  assert.ok(Object.isFrozen(spec));
});

Deno.test("validatePropertySpec refuses defaults outside the type or schema range", () => {
  malformed("p", { type: "u8", default: 256 }, /default must be an integer in 0\.\.255/);
  malformed("p", { type: "u32", default: 1.5 }, /default must be an integer/);
  malformed("p", { type: "u16", min: 10, max: 5 }, /max must be an integer in 10\.\.65535/);
  malformed("p", { type: "u32", max: 10, default: 11 }, /default must be an integer in 0\.\.10/);
  malformed("p", { type: "u64", default: -1n }, /default must be in 0\.\./);
  malformed("p", { type: "u64", default: 2 ** 60 }, /bigint or a safe integer/);
});

Deno.test("validatePropertySpec refuses wrongly typed defaults and unknown types", () => {
  malformed("p", { type: "bool", default: "on" }, /default must be a boolean/);
  malformed("p", { type: "string", default: 3 }, /default must be a string/);
  malformed("p", { type: "float" }, /unknown type 'float'/);
  malformed("p", { type: "u8", help: 7 }, /help must be a string/);
});

Deno.test("validatePropertySpec checks enum lists and their default", () => {
  malformed("p", { type: "enum", values: [] }, /non-empty list/);
  malformed("p", { type: "enum", values: ["a", "a"] }, /unique/);
  malformed("p", { type: "enum", values: ["a", "b"], default: "c" }, /not one of a\/b/);
  malformed("p", { type: "enum", values: ["a"], typeName: "x y" }, /typeName/);
});

Deno.test("validatePropertySpec refuses a default on a backend reference", () => {
  malformed("drive", { type: "drive", default: "d0" }, /drive reference cannot have a default/);
});

Deno.test("validatePropertySpec refuses names the option syntax cannot carry", () => {
  for (const name of ["", "a=b", "a,b", "help", "?", "-x", "has space"]) {
    assert.throws(() => validatePropertySpec(name, { type: "bool" }), Error, name);
  }
  assert.throws(
    () =>
      validatePropertySpec("x", { type: "bool", default: 1 } as unknown as PropertySpec, {
        owner: "dev",
      }),
    /device type 'dev': property 'x': default must be a boolean/,
  );
});
