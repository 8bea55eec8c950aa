/** A parsed `-serial` / `-chardev` backend description. */
export type ChardevSpec =
  | { readonly backend: "stdio"; readonly monitor: boolean }
  | { readonly backend: "file"; readonly path: string }
  | { readonly backend: "null" }
  | { readonly backend: "none" };

const EXPECTED = "expected stdio, mon:stdio, file:PATH, null or none";

/**
 * Parses a backend as written after `-serial`: `stdio`, `mon:stdio`,
 * `file:PATH`, `null` or `none` (no device at all). Throws an Error naming
 * the accepted forms for anything else.
 */
export function parseChardevSpec(text: string): ChardevSpec {
  if (text === "") throw new Error(`empty chardev backend; ${EXPECTED}`);
  if (text.startsWith("mon:")) {
    const inner = text.slice(4);
    if (inner !== "stdio") {
      throw new Error(`chardev "${text}": mon: is only supported with stdio`);
    }
    return { backend: "stdio", monitor: true };
  }
  if (text.startsWith("file:")) {
    const path = text.slice(5);
    if (path === "") throw new Error(`chardev "${text}": file: needs a path`);
    return { backend: "file", path };
  }
  switch (text) {
    case "stdio":
      return { backend: "stdio", monitor: false };
    case "null":
      return { backend: "null" };
    case "none":
      return { backend: "none" };
  }
  const name = text.split(/[:,]/, 1)[0];
  throw new Error(`unknown chardev backend "${name}"; ${EXPECTED}`);
}
