export * from "./chardev.ts";
export * from "./chardev_spec.ts";
export * from "./escape_decoder.ts";
export * from "./file_chardev.ts";
export * from "./memory_chardev.ts";
export * from "./null_chardev.ts";
export * from "./open_chardev.ts";
export * from "./stdio_chardev.ts";
