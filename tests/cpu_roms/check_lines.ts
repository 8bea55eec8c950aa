/**
 * The check lines a test kernel prints ("label: key=value ...") and how an
 * expected line finds its counterpart in another run's output.
 */

/** Lines the kernels add when one of their own expectations fails. */
const FAIL_DETAIL = /^ {2}FAIL /;

/** Splits debug-console output into check lines, without the FAIL detail lines. */
export function checkLines(output: string): string[] {
  return output.split("\n").filter((line) => line !== "" && !FAIL_DETAIL.test(line));
}

/** The label of a check line: the text before its first ": " (or the whole line). */
export function lineLabel(line: string): string {
  const at = line.indexOf(": ");
  return at < 0 ? line : line.slice(0, at);
}

/**
 * What identifies a check line whatever values it observed: the line with
 * every hex value after "=" removed ("pf: cr2=00401000 err=2" → "pf: cr2= err=").
 */
export function lineKey(line: string): string {
  return line.replace(/=[0-9a-f]+/gi, "=");
}

/**
 * Pairs each expected line with the first unused actual line of the same
 * key, so that a missing or extra line in one place does not shift the
 * comparison of every line after it. Unmatched expected lines get undefined.
 */
export function matchLines(expected: string[], actual: string[]): (string | undefined)[] {
  const used = new Array<boolean>(actual.length).fill(false);
  return expected.map((line) => {
    const key = lineKey(line);
    const i = actual.findIndex((a, j) => !used[j] && lineKey(a) === key);
    if (i < 0) return undefined;
    used[i] = true;
    return actual[i];
  });
}
