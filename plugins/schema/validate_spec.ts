/**
 * Checks a property schema when a device type is registered, so that a
 * malformed plugin is refused at load time rather than when a user names it.
 */

import {
  INT_TYPE_MAX,
  isBigType,
  isIntType,
  isReferenceType,
  PROPERTY_TYPES,
  type PropertySpec,
  U64_MAX,
} from "./property_spec.ts";

/**
 * Property names QEMU's option syntax can carry: the name ends at `=` or `,`,
 * and `help`/`?` ask for help instead of setting anything.
 */
const PROPERTY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/**
 * Validates one property and returns it normalised (u64/size limits and
 * defaults as bigint). Throws an Error naming the device type and property
 * when the spec is malformed.
 */
export function validatePropertySpec(
  name: string,
  spec: PropertySpec,
  options: {
    /** The device type declaring the property, for messages. @default "?" */
    owner?: string;
  } = {},
): PropertySpec {
  const owner = options.owner ?? "?";
  const fail = (why: string): never => {
    throw new Error(`device type '${owner}': property '${name}': ${why}`);
  };
  if (!PROPERTY_NAME.test(name)) fail("name must be letters, digits, '_', '.', '+', '-'");
  if (name === "help") fail("'help' asks for help on the command line");
  if (typeof spec !== "object" || spec === null) return fail("spec must be an object");
  if (!PROPERTY_TYPES.includes(spec.type)) return fail(`unknown type '${String(spec.type)}'`);
  if (spec.help !== undefined && typeof spec.help !== "string") fail("help must be a string");

  if (isIntType(spec.type)) {
    const s = spec as { default?: unknown; min?: unknown; max?: unknown };
    const top = INT_TYPE_MAX[spec.type];
    const check = (what: string, v: unknown, lo: number, hi: number) => {
      if (v === undefined) return;
      if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
        fail(`${what} must be an integer in ${lo}..${hi}, not ${String(v)}`);
      }
    };
    check("min", s.min, 0, top);
    const min = (s.min as number | undefined) ?? 0;
    check("max", s.max, min, top);
    const max = (s.max as number | undefined) ?? top;
    check("default", s.default, min, max);
    return Object.freeze({ ...spec });
  }

  if (isBigType(spec.type)) {
    const s = spec as { default?: unknown; min?: unknown; max?: unknown };
    const big = (what: string, v: unknown, lo: bigint, hi: bigint): bigint | undefined => {
      if (v === undefined) return undefined;
      const b = typeof v === "bigint"
        ? v
        : typeof v === "number" && Number.isSafeInteger(v)
        ? BigInt(v)
        : fail(`${what} must be a bigint or a safe integer, not ${String(v)}`);
      if (b < lo || b > hi) fail(`${what} must be in ${lo}..${hi}, not ${b}`);
      return b;
    };
    const min = big("min", s.min, 0n, U64_MAX);
    const max = big("max", s.max, min ?? 0n, U64_MAX);
    const def = big("default", s.default, min ?? 0n, max ?? U64_MAX);
    const out: Record<string, unknown> = { type: spec.type };
    if (def !== undefined) out.default = def;
    if (min !== undefined) out.min = min;
    if (max !== undefined) out.max = max;
    if (spec.help !== undefined) out.help = spec.help;
    return Object.freeze(out) as unknown as PropertySpec;
  }

  if (spec.type === "bool") {
    if (spec.default !== undefined && typeof spec.default !== "boolean") {
      fail("default must be a boolean");
    }
  } else if (spec.type === "string" || spec.type === "path") {
    if (spec.default !== undefined && typeof spec.default !== "string") {
      fail("default must be a string");
    }
  } else if (spec.type === "enum") {
    const values = spec.values;
    if (!Array.isArray(values) || values.length === 0) fail("values must be a non-empty list");
    if (values.some((v) => typeof v !== "string" || v === "")) {
      fail("values must be non-empty strings");
    }
    if (new Set(values).size !== values.length) fail("values must be unique");
    if (spec.default !== undefined && !values.includes(spec.default)) {
      fail(`default '${spec.default}' is not one of ${values.join("/")}`);
    }
    if (spec.typeName !== undefined && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(spec.typeName)) {
      fail("typeName must be an identifier");
    }
    return Object.freeze({ ...spec, values: Object.freeze([...values]) });
  } else if (isReferenceType(spec.type)) {
    // A default would name a backend the user never defined.
    if ("default" in spec) fail(`a ${spec.type} reference cannot have a default`);
  }
  return Object.freeze({ ...spec });
}
