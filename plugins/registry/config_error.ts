/**
 * Configuration errors and warnings worded as QEMU's `error_report()` and
 * `warn_report()` print them: `PROGRAM: LOCATION: MESSAGE`, where LOCATION is
 * the option as typed (`-device isa-debug-exit,bogus=1`), then any hint lines.
 */

/** Where a diagnostic points and what it says. */
export interface ConfigDiagnostic {
  /** The option as typed, e.g. "-device foo,x=1"; absent for whole-command-line checks. */
  readonly location?: string;
  /** QEMU's message without location, e.g. "Property 'foo.x' not found". */
  readonly detail: string;
  /** Extra lines QEMU prints after the message (error_append_hint). */
  readonly hint?: string;
}

/** A refused `-device` or `-global`; `message` reads "LOCATION: DETAIL" like QEMU's. */
export class DeviceConfigError extends Error implements ConfigDiagnostic {
  /** Error class name, for stack traces. */
  override name = "DeviceConfigError";
  /** The option as typed, when known. */
  readonly location?: string;
  /** The message without location. */
  readonly detail: string;
  /** Extra lines printed after the message. */
  readonly hint?: string;

  /** An error with QEMU's `detail` text, optionally located at an option. */
  constructor(detail: string, options: { location?: string; hint?: string } = {}) {
    super(options.location === undefined ? detail : `${options.location}: ${detail}`);
    this.detail = detail;
    this.location = options.location;
    this.hint = options.hint;
  }

  /** The same error pointed at an option, or unchanged when it already points somewhere. */
  at(location: string): DeviceConfigError {
    if (this.location !== undefined) return this;
    return new DeviceConfigError(this.detail, { location, hint: this.hint });
  }
}

/** A warning about the configuration that does not stop the machine. */
export type ConfigWarning = ConfigDiagnostic;

/**
 * The text a user sees on stderr: `PROGRAM: LOCATION: [warning: ]DETAIL`,
 * a newline, and the hint lines if any.
 */
export function formatDiagnostic(
  program: string,
  diagnostic: ConfigDiagnostic,
  options: { warning?: boolean } = {},
): string {
  const where = diagnostic.location === undefined ? "" : `${diagnostic.location}: `;
  const kind = options.warning ? "warning: " : "";
  let text = `${program}: ${where}${kind}${diagnostic.detail}\n`;
  if (diagnostic.hint) {
    text += diagnostic.hint.endsWith("\n") ? diagnostic.hint : diagnostic.hint + "\n";
  }
  return text;
}
