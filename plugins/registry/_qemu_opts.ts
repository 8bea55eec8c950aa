/**
 * QEMU's `name=value,name=value` option syntax (util/qemu-option.c):
 * `,,` is a literal comma inside a value, a bare `name` is `name=on`, a bare
 * `noname` is `name=off` (both deprecated since QEMU 6.0 and warned about),
 * and an implied first name lets `-device e1000,...` mean `driver=e1000,...`.
 */

import type { ConfigWarning } from "./config_error.ts";

/** One `name=value` element as QEMU's get_opt_name_value() splits it. */
export interface OptEntry {
  readonly name: string;
  readonly value: string;
  /** True when the element was a bare `help` or `?`. */
  readonly helpFlag: boolean;
  /** The short-form boolean deprecation warning, for a bare `name`/`noname`. */
  readonly warning?: Omit<ConfigWarning, "location">;
}

/** True for the words that ask for help: `help` and `?` (is_help_option()). */
export function isHelpOption(word: string): boolean {
  return word === "help" || word === "?";
}

/** QEMU's id_wellformed(): a letter, then letters, digits, '-', '.', '_'. */
export function isWellFormedId(id: string): boolean {
  return /^[A-Za-z][A-Za-z0-9._-]*$/.test(id);
}

/** The hint QEMU prints after refusing an id. */
export const ID_HINT =
  "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.";

/** A value up to the next single comma; `,,` stands for one comma. */
function readValue(text: string, start: number): { value: string; end: number } {
  let value = "";
  let p = start;
  for (;;) {
    const comma = text.indexOf(",", p);
    const stop = comma < 0 ? text.length : comma;
    const escaped = stop < text.length && text[stop + 1] === ",";
    value += text.slice(p, escaped ? stop + 1 : stop);
    if (!escaped) return { value, end: stop };
    p = stop + 2;
  }
}

function readEntry(
  text: string,
  start: number,
  impliedName: string | undefined,
  warn: boolean,
): { entry: OptEntry; next: number } {
  const rest = text.slice(start);
  const m = /[=,]/.exec(rest);
  const len = m ? m.index : rest.length;
  let entry: OptEntry;
  let end: number;
  if (rest[len] === "=") {
    const v = readValue(text, start + len + 1);
    entry = { name: rest.slice(0, len), value: v.value, helpFlag: false };
    end = v.end;
  } else if (impliedName !== undefined) {
    const v = readValue(text, start);
    entry = { name: impliedName, value: v.value, helpFlag: false };
    end = v.end;
  } else {
    // A flag: "name" means name=on, "noname" means name=off.
    let name = rest.slice(0, len);
    let value = "on";
    let prefix = "";
    if (name.startsWith("no")) {
      name = name.slice(2);
      value = "off";
      prefix = "no";
    }
    const helpFlag = prefix === "" && isHelpOption(name);
    let warning: OptEntry["warning"];
    if (warn && !helpFlag) {
      warning = {
        detail: `short-form boolean option '${prefix}${name}' deprecated`,
        hint: name === "delay"
          ? `Please use nodelay=${prefix ? "on" : "off"} instead`
          : `Please use ${name}=${value} instead`,
      };
    }
    entry = warning ? { name, value, helpFlag, warning } : { name, value, helpFlag };
    end = start + len;
  }
  return { entry, next: text[end] === "," ? end + 1 : end };
}

/**
 * Splits an option string into its elements in order. With `impliedName`, a
 * first element without `=` is that name's value (QemuOptsList.implied_opt_name).
 */
export function splitOpts(
  text: string,
  options: { impliedName?: string; warn?: boolean } = {},
): OptEntry[] {
  const entries: OptEntry[] = [];
  let implied = options.impliedName;
  for (let p = 0; p < text.length;) {
    const { entry, next } = readEntry(text, p, implied, options.warn ?? false);
    entries.push(entry);
    implied = undefined;
    p = next;
  }
  return entries;
}

/**
 * The `id=` QEMU takes for the option group: the first `id` element, found by
 * a separate pass without an implied name (opts_parse_id()).
 */
export function findOptsId(text: string): string | undefined {
  return splitOpts(text).find((e) => e.name === "id")?.value;
}
