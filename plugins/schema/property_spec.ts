/**
 * Typed device properties, the counterpart of QEMU's qdev `PropertyInfo` kinds
 * (hw/core/qdev-properties.c, qdev-properties-system.c).
 */

/** Every property type a device schema can declare. */
export type PropertyType =
  | "bool"
  | "u8"
  | "u16"
  | "u32"
  | "u64"
  | "hex32"
  | "size"
  | "string"
  | "enum"
  | "drive"
  | "netdev"
  | "chardev"
  | "path";

/** Every property type, in declaration order. */
export const PROPERTY_TYPES: readonly PropertyType[] = [
  "bool",
  "u8",
  "u16",
  "u32",
  "u64",
  "hex32",
  "size",
  "string",
  "enum",
  "drive",
  "netdev",
  "chardev",
  "path",
];

/** On/off switch; the command line takes on/off, yes/no, true/false, y/n. */
export interface BoolPropertySpec {
  /** Discriminant. */
  readonly type: "bool";
  /** Value when neither `-global` nor `-device` sets it. */
  readonly default?: boolean;
  /** One line shown by `-device NAME,help`. */
  readonly help?: string;
}

/** An unsigned integer up to 32 bits; `hex32` is a u32 shown in hexadecimal. */
export interface IntPropertySpec {
  /** Discriminant. */
  readonly type: "u8" | "u16" | "u32" | "hex32";
  /** Value when neither `-global` nor `-device` sets it. */
  readonly default?: number;
  /** Smallest accepted value. @default 0 */
  readonly min?: number;
  /** Largest accepted value. @default the type's maximum */
  readonly max?: number;
  /** One line shown by `-device NAME,help`. */
  readonly help?: string;
}

/** A 64-bit unsigned integer (`u64`) or a byte count with K/M/G/T/P/E suffixes (`size`). */
export interface BigPropertySpec {
  /** Discriminant. */
  readonly type: "u64" | "size";
  /** Value when neither `-global` nor `-device` sets it. */
  readonly default?: bigint | number;
  /** Smallest accepted value. @default 0 */
  readonly min?: bigint | number;
  /** Largest accepted value. @default 2^64 - 1 */
  readonly max?: bigint | number;
  /** One line shown by `-device NAME,help`. */
  readonly help?: string;
}

/** Free text (`string`) or a host file name (`path`). */
export interface StringPropertySpec {
  /** Discriminant. */
  readonly type: "string" | "path";
  /** Value when neither `-global` nor `-device` sets it. */
  readonly default?: string;
  /** One line shown by `-device NAME,help`. */
  readonly help?: string;
}

/** One of a fixed list of words. */
export interface EnumPropertySpec {
  /** Discriminant. */
  readonly type: "enum";
  /** The accepted words, in the order help lists them. */
  readonly values: readonly string[];
  /** Value when neither `-global` nor `-device` sets it. */
  readonly default?: string;
  /** Type name shown in help as `name=<typeName>` (QEMU shows the QAPI enum). @default "str" */
  readonly typeName?: string;
  /** One line shown by `-device NAME,help`; the accepted words are appended. */
  readonly help?: string;
}

/** The id of a `-drive`, `-netdev` or `-chardev` defined on the same command line. */
export interface ReferencePropertySpec {
  /** Discriminant. */
  readonly type: "drive" | "netdev" | "chardev";
  /** One line shown by `-device NAME,help`. @default QEMU's wording for the backend kind */
  readonly help?: string;
}

/** One property of a device schema. */
export type PropertySpec =
  | BoolPropertySpec
  | IntPropertySpec
  | BigPropertySpec
  | StringPropertySpec
  | EnumPropertySpec
  | ReferencePropertySpec;

/** A parsed property value: boolean, number (≤ 32 bits), bigint (u64, size) or string. */
export type PropertyValue = boolean | number | bigint | string;

/** The value type a spec produces once parsed. */
export type ValueOf<S extends PropertySpec> = S extends BoolPropertySpec ? boolean
  : S extends BigPropertySpec ? bigint
  : S extends IntPropertySpec ? number
  : string;

/** Parsed values of a whole schema; a property without a default may be absent. */
export type PropertyValues<P extends Record<string, PropertySpec>> = {
  [K in keyof P]?: ValueOf<P[K]>;
};

/** True for the types whose values are `-drive`/`-netdev`/`-chardev` ids. */
export function isReferenceType(type: PropertyType): type is ReferencePropertySpec["type"] {
  return type === "drive" || type === "netdev" || type === "chardev";
}

/** True for the types whose values are bigint. */
export function isBigType(type: PropertyType): type is BigPropertySpec["type"] {
  return type === "u64" || type === "size";
}

/** True for the types whose values are numbers. */
export function isIntType(type: PropertyType): type is IntPropertySpec["type"] {
  return type === "u8" || type === "u16" || type === "u32" || type === "hex32";
}

/** Largest value each integer type holds. */
export const INT_TYPE_MAX: Readonly<Record<IntPropertySpec["type"], number>> = {
  u8: 0xff,
  u16: 0xffff,
  u32: 0xffff_ffff,
  hex32: 0xffff_ffff,
};

/** Largest u64 / size value. */
export const U64_MAX = (1n << 64n) - 1n;
