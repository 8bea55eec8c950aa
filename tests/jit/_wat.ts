/** WebAssembly binary to text for the golden dumps: the JIT's own wasm2wat wrapper. */
export { wasmToText } from "../../cpu/jit/wasm_text.ts";
