/**
 * How `-device NAME,help` shows one property, after QEMU's
 * `object_property_help()` (qom/object_interfaces.c).
 */

import type { PropertySpec, PropertyValue } from "./property_spec.ts";

// PropertyInfo.name of the matching qdev property kinds.
const TYPE_NAME: Readonly<Record<Exclude<PropertySpec["type"], "enum">, string>> = {
  bool: "bool",
  u8: "uint8",
  u16: "uint16",
  u32: "uint32",
  hex32: "uint32",
  u64: "uint64",
  size: "size",
  string: "str",
  path: "str",
  drive: "str",
  netdev: "str",
  chardev: "str",
};

// PropertyInfo.description of qdev_prop_drive, qdev_prop_netdev, qdev_prop_chr.
const REFERENCE_DESCRIPTION = {
  drive: "Node name or ID of a block device to use as a backend",
  netdev: "ID of a netdev to use as a backend",
  chardev: "ID of a chardev to use as a backend",
} as const;

/** The type name help shows between `<` and `>`, as QEMU names it. */
export function propertyTypeName(spec: PropertySpec): string {
  if (spec.type === "enum") return spec.typeName ?? "str";
  return TYPE_NAME[spec.type];
}

/**
 * The description help shows: the spec's help text; for references QEMU's
 * wording when there is none; for enums the accepted words after it, as QEMU
 * writes "Error handling policy, report/ignore/enospc/stop/auto".
 */
export function propertyDescription(spec: PropertySpec): string | undefined {
  switch (spec.type) {
    case "enum": {
      const words = spec.values.join("/");
      return spec.help ? `${spec.help}, ${words}` : words;
    }
    case "drive":
    case "netdev":
    case "chardev":
      return spec.help ?? REFERENCE_DESCRIPTION[spec.type];
    default:
      return spec.help;
  }
}

/**
 * A value as help and monitors print it: JSON like QEMU's `qobject_to_json()`
 * (numbers in decimal, strings quoted), except that hex32 prints as `0x…`.
 */
export function formatPropertyValue(spec: PropertySpec, value: PropertyValue): string {
  if (typeof value === "string") return jsonString(value);
  if (spec.type === "hex32" && typeof value === "number") return `0x${value.toString(16)}`;
  return String(value);
}

/** The spec's default as help prints it, or undefined when it has none. */
export function formatPropertyDefault(spec: PropertySpec): string | undefined {
  if (!("default" in spec) || spec.default === undefined) return undefined;
  return formatPropertyValue(spec, spec.default);
}

/**
 * One help line: `  name=<type>`, padded to column 24, then ` - `, the
 * description and ` (default: …)`, exactly as `object_property_help()`.
 */
export function formatPropertyHelpLine(
  name: string,
  typeName: string,
  options: { description?: string; defaultText?: string } = {},
): string {
  let line = `  ${name}=<${typeName}>`;
  const { description, defaultText } = options;
  if (description !== undefined || defaultText !== undefined) {
    line = line.padEnd(24) + " - ";
  }
  if (description !== undefined) line += description;
  if (defaultText !== undefined) line += ` (default: ${defaultText})`;
  return line;
}

/** The help line for a schema property. */
export function formatPropertyHelp(name: string, spec: PropertySpec): string {
  return formatPropertyHelpLine(name, propertyTypeName(spec), {
    description: propertyDescription(spec),
    defaultText: formatPropertyDefault(spec),
  });
}

/** A JSON string literal with QEMU's escaping: control and non-ASCII as \uXXXX. */
function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c === '"') out += '\\"';
    else if (c === "\\") out += "\\\\";
    else if (c === "\b") out += "\\b";
    else if (c === "\f") out += "\\f";
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (code < 0x20 || code >= 0x7f) {
      out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    } else out += c;
  }
  return out + '"';
}
