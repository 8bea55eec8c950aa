/**
 * `-global DRIVER.PROP=VALUE` and `-global driver=D,property=P,value=V`,
 * parsed as QEMU's qemu_global_option() (system/qdev-monitor.c) does.
 */

import { type ConfigWarning, DeviceConfigError } from "./config_error.ts";
import { findOptsId, ID_HINT, isWellFormedId, splitOpts } from "./_qemu_opts.ts";

/** A default override for every device of one type, applied before `-device` values. */
export interface GlobalProperty {
  /** The argument as typed, used to locate error messages. */
  readonly text: string;
  /** The device type name the global applies to. */
  readonly driver: string;
  /** The property it sets. */
  readonly property: string;
  /** The value, still a string; it is typed when applied to a device. */
  readonly value: string;
  /** Deprecation warnings for short-form flags in the long form. */
  readonly warnings: readonly ConfigWarning[];
}

/** The location QEMU puts in front of messages about a `-global` argument. */
export function globalLocation(text: string): string {
  return `-global ${text}`;
}

// sscanf(str, "%63[^.=].%63[^=]%n"): at most 63 characters each, then '='.
const SHORT_FORM = /^([^.=]{1,63})\.([^=]{1,63})=/;
const LONG_FORM_NAMES = new Set(["driver", "property", "value"]);

type Parsed = { help: true } | { help: false; global: GlobalProperty };

function parse(text: string): Parsed {
  const m = SHORT_FORM.exec(text);
  if (m) {
    return {
      help: false,
      global: { text, driver: m[1], property: m[2], value: text.slice(m[0].length), warnings: [] },
    };
  }
  const location = globalLocation(text);
  const id = findOptsId(text);
  if (id !== undefined && !isWellFormedId(id)) {
    throw new DeviceConfigError("Parameter 'id' expects an identifier", {
      location,
      hint: ID_HINT,
    });
  }
  const warnings: ConfigWarning[] = [];
  const values = new Map<string, string>();
  for (const entry of splitOpts(text, { warn: true })) {
    if (entry.warning) warnings.push({ location, ...entry.warning });
    if (entry.helpFlag) return { help: true };
    if (entry.name === "id") continue;
    if (!LONG_FORM_NAMES.has(entry.name)) {
      throw new DeviceConfigError(`Invalid parameter '${entry.name}'`, { location });
    }
    values.set(entry.name, entry.value);
  }
  const driver = values.get("driver");
  const property = values.get("property");
  const value = values.get("value");
  if (driver === undefined || property === undefined || value === undefined) {
    throw new DeviceConfigError("options 'driver', 'property', and 'value' are required", {
      location,
    });
  }
  return { help: false, global: { text, driver, property, value, warnings } };
}

/**
 * Parses a `-global` argument. The short form splits at the first `.` and the
 * next `=` (so the value may hold commas and the property dots); otherwise the
 * argument must be the long form. Throws DeviceConfigError for a malformed
 * argument, and a plain Error for a help request (check isGlobalHelp() first).
 */
export function parseGlobalOption(text: string): GlobalProperty {
  const parsed = parse(text);
  if (parsed.help) throw new Error(`-global ${text} asks for help; check isGlobalHelp() first`);
  return parsed.global;
}

/** True when a `-global` argument asks for help (`-global help`). */
export function isGlobalHelp(text: string): boolean {
  try {
    return parse(text).help;
  } catch {
    return false;
  }
}

/** The text `-global help` prints (qemu_opts_print_help() of qemu_global_opts). */
export function formatGlobalHelp(): string {
  return "global options:\n  driver=<str>\n  property=<str>\n  value=<str>\n";
}
