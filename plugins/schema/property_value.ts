/**
 * Turning one command-line string into a typed property value, with the error
 * wording of QEMU's visitors (qapi/qobject-input-visitor.c for `-device`,
 * qapi/string-input-visitor.c for `-global`, qapi/qapi-visit-core.c for ranges).
 */

import { parseQemuSize, parseQemuUint } from "./qemu_numbers.ts";
import {
  type BigPropertySpec,
  INT_TYPE_MAX,
  type IntPropertySpec,
  type PropertySpec,
  type PropertyValue,
  U64_MAX,
} from "./property_spec.ts";

/** A value the property refuses; `message` is QEMU's wording without a location. */
export class PropertyValueError extends Error {
  /** Error class name, for stack traces. */
  override name = "PropertyValueError";
}

/**
 * Where the text came from. QEMU parses `-device` values with its keyval
 * visitor and `-global` values with its string visitor, and the two word some
 * errors differently.
 */
export type ValueSource = "device" | "global";

/** What `parsePropertyValue` needs besides the text. */
export interface ParseValueOptions {
  /** The device type owning the property, for "Property TYPE.NAME ..." messages. */
  readonly owner: string;
  /** The property name. */
  readonly name: string;
  /** Which visitor's wording to use. @default "device" */
  readonly source?: ValueSource;
}

// Names visit_type_uintN() reports when a value exceeds the C type.
const C_TYPE_NAME: Readonly<Record<IntPropertySpec["type"], string>> = {
  u8: "uint8_t",
  u16: "uint16_t",
  u32: "uint32_t",
  hex32: "uint32_t",
};

const TRUE_WORDS = new Set(["on", "yes", "true", "y"]);
const FALSE_WORDS = new Set(["off", "no", "false", "n"]);

/**
 * Parses `text` as a value of `spec`, checking the type's range and the
 * schema's min/max. Reference types (drive, netdev, chardev) come back as the
 * id string; whether that id exists is the registry's business.
 */
export function parsePropertyValue(
  spec: PropertySpec,
  text: string,
  options: ParseValueOptions,
): PropertyValue {
  const { name } = options;
  const source = options.source ?? "device";
  switch (spec.type) {
    case "bool":
      // qapi_bool_parse(); case-sensitive like QEMU.
      if (TRUE_WORDS.has(text)) return true;
      if (FALSE_WORDS.has(text)) return false;
      throw new PropertyValueError(`Parameter '${name}' expects 'on' or 'off'`);
    case "u8":
    case "u16":
    case "u32":
    case "hex32":
      return parseInt(spec, text, options, source);
    case "u64":
      return checkBigRange(spec, parseU64(name, text, source), options);
    case "size":
      return checkBigRange(spec, parseSize(name, text, source), options);
    case "enum":
      if (!spec.values.includes(text)) {
        throw new PropertyValueError(`Parameter '${name}' does not accept value '${text}'`);
      }
      return text;
    case "string":
    case "path":
    case "drive":
    case "netdev":
    case "chardev":
      return text;
  }
}

function parseU64(name: string, text: string, source: ValueSource): bigint {
  const r = parseQemuUint(text);
  if (r.ok) return r.value;
  // The keyval visitor says "integer"; the string visitor says "uint64".
  const noun = source === "device" ? "integer" : "uint64";
  throw new PropertyValueError(`Parameter '${name}' expects ${noun}`);
}

function parseSize(name: string, text: string, source: ValueSource): bigint {
  const r = parseQemuSize(text);
  if (r.ok) return r.value;
  if (source === "device") throw new PropertyValueError(`Parameter '${name}' expects size`);
  // parse_option_size() (util/qemu-option.c), used by the string visitor.
  if (r.error === "range") {
    throw new PropertyValueError(`Value '${text}' is out of range for parameter '${name}'`);
  }
  throw new PropertyValueError(
    `Parameter '${name}' expects a non-negative number below 2^64`,
  );
}

function parseInt(
  spec: IntPropertySpec,
  text: string,
  options: ParseValueOptions,
  source: ValueSource,
): number {
  const value = parseU64(options.name, text, source);
  if (value > BigInt(INT_TYPE_MAX[spec.type])) {
    throw new PropertyValueError(`Parameter '${options.name}' expects ${C_TYPE_NAME[spec.type]}`);
  }
  const n = Number(value);
  const min = spec.min ?? 0;
  const max = spec.max ?? INT_TYPE_MAX[spec.type];
  if (n < min || n > max) throw outOfRange(options, n, min, max);
  return n;
}

function checkBigRange(spec: BigPropertySpec, value: bigint, options: ParseValueOptions): bigint {
  const min = BigInt(spec.min ?? 0n);
  const max = BigInt(spec.max ?? U64_MAX);
  if (value < min || value > max) throw outOfRange(options, value, min, max);
  return value;
}

// QERR_PROPERTY_VALUE_OUT_OF_RANGE, QEMU's wording for a schema's own limits.
function outOfRange(
  options: ParseValueOptions,
  value: number | bigint,
  min: number | bigint,
  max: number | bigint,
): PropertyValueError {
  return new PropertyValueError(
    `Property ${options.owner}.${options.name} doesn't take value ${value} ` +
      `(minimum: ${min}, maximum: ${max})`,
  );
}
