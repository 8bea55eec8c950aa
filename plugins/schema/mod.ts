/**
 * Typed device property schemas: the property kinds, QEMU's number syntax,
 * value parsing with QEMU's error wording, schema validation and help lines.
 * @module
 */

export * from "./property_spec.ts";
export * from "./qemu_numbers.ts";
export * from "./property_value.ts";
export * from "./validate_spec.ts";
export * from "./property_help.ts";
