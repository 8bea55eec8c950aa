export * from "./a20_gate.ts";
export * from "./i8042.ts";
export * from "./port92.ts";
export * from "./post_code_port.ts";
export * from "./ps2_keyboard.ts";
export * from "./reset_control.ts";
