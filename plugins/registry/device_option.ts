/**
 * `-device DRIVER[,prop=value][,...]` split the way QEMU splits it
 * (qemu_device_opts in system/qdev-monitor.c over util/qemu-option.c).
 */

import { type ConfigWarning, DeviceConfigError } from "./config_error.ts";
import { findOptsId, ID_HINT, isHelpOption, isWellFormedId, splitOpts } from "./_qemu_opts.ts";

/** A parsed `-device` argument; values stay strings until the registry types them. */
export interface DeviceOption {
  /** The argument as typed, used to locate error messages. */
  readonly text: string;
  /** The device model name or alias. */
  readonly driver: string;
  /** `id=`, the name other options and the monitor use for this device. */
  readonly id?: string;
  /** `bus=`, the bus to plug into. */
  readonly bus?: string;
  /** Every other `name=value`, in order given; a repeated name keeps its last value. */
  readonly props: ReadonlyMap<string, string>;
  /**
   * Set when the argument asks for help instead of a device: "devices" for
   * `-device help` (the list), "properties" for `-device NAME,help`.
   */
  readonly help?: "devices" | "properties";
  /** Deprecation warnings for short-form flags such as a bare `prop` or `noprop`. */
  readonly warnings: readonly ConfigWarning[];
}

/** The location QEMU puts in front of messages about a `-device` argument. */
export function deviceLocation(text: string): string {
  return `-device ${text}`;
}

/**
 * Parses a `-device` argument with QEMU's rules: the first element is the
 * driver unless it contains `=` (then `driver=` must appear), `,,` is a comma,
 * a bare `prop` is `prop=on` and `noprop` is `prop=off` (warned about as
 * QEMU does), `help` or `?` anywhere asks for help, `id=` must be an identifier.
 * Throws DeviceConfigError for a malformed id or a missing driver.
 */
export function parseDeviceOption(text: string): DeviceOption {
  const location = deviceLocation(text);
  const id = findOptsId(text);
  if (id !== undefined && !isWellFormedId(id)) {
    throw new DeviceConfigError("Parameter 'id' expects an identifier", {
      location,
      hint: ID_HINT,
    });
  }
  const entries = splitOpts(text, { impliedName: "driver", warn: true });
  const warnings: ConfigWarning[] = [];
  const named = new Map<string, string>();
  let wantsHelp = false;
  for (const entry of entries) {
    if (entry.warning) warnings.push({ location, ...entry.warning });
    // opts_do_parse() drops every id= element; the group id came from the first.
    if (entry.name === "id") continue;
    if (isHelpOption(entry.name)) {
      wantsHelp = true;
      continue;
    }
    named.delete(entry.name); // keep insertion order = order of the last occurrence
    named.set(entry.name, entry.value);
  }
  const driver = named.get("driver");
  if (driver === undefined) {
    throw new DeviceConfigError("Parameter 'driver' is missing", { location });
  }
  const bus = named.get("bus");
  named.delete("driver");
  named.delete("bus");
  const help = isHelpOption(driver) ? "devices" : wantsHelp ? "properties" : undefined;
  return {
    text,
    driver,
    ...(id !== undefined ? { id } : {}),
    ...(bus !== undefined ? { bus } : {}),
    props: named,
    ...(help ? { help } : {}),
    warnings,
  };
}
