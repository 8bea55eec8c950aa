/**
 * The command line of `deno task bench`.
 *
 * @module
 */

/** What the command line asks for. */
export type Command =
  | { kind: "run"; names: string[]; quick: boolean; outDir?: string }
  | { kind: "list" }
  | { kind: "compare"; files: string[]; outDir?: string; thresholdPercent?: number }
  | { kind: "help" };

/** Usage text. */
export const USAGE = `usage: deno task bench [options] [NAME...]

  NAME...              run the benchmarks of these names (a prefix before "_" selects a
                       family: "cpu" runs cpu_mips and its peers); none runs all
  --quick              short smoke pass: few samples, fewer sizes (not for comparison)
  --list               list the benchmarks and what they measure
  --compare [A B]      compare two results (default: the last two full runs) and flag
                       changes beyond the measured noise; A and B are paths, or commit or
                       date fragments whose matching full runs are pooled into one band
                       (several, comma-separated, are pooled too)
  --threshold PCT      smallest change that counts in --compare (default 5)
  --out DIR            results directory (default bench/results/)
  --help               this text`;

/** Parses `args`; bad usage throws an Error whose message says what is wrong. */
export function parseCommandLine(args: readonly string[]): Command {
  let quick = false, list = false, compare = false, help = false;
  let outDir: string | undefined;
  let thresholdPercent: number | undefined;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--list":
        list = true;
        break;
      case "--compare":
        compare = true;
        break;
      case "--help":
      case "-h":
        help = true;
        break;
      case "--out":
        outDir = value();
        break;
      case "--threshold": {
        const v = value();
        thresholdPercent = Number(v);
        if (!Number.isFinite(thresholdPercent) || thresholdPercent < 0) {
          throw new Error(`--threshold ${v} is not a non-negative number`);
        }
        break;
      }
      default:
        if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
        words.push(arg);
    }
  }
  if (help) return { kind: "help" };
  if ([list, compare].filter(Boolean).length > 1) {
    throw new Error("--list and --compare do not go together");
  }
  if (list) {
    if (words.length) throw new Error("--list takes no names");
    return { kind: "list" };
  }
  if (compare) {
    if (words.length !== 0 && words.length !== 2) {
      throw new Error("--compare takes no files or exactly two");
    }
    if (quick) throw new Error("--quick does not apply to --compare");
    return { kind: "compare", files: words, outDir, thresholdPercent };
  }
  return { kind: "run", names: words, quick, outDir };
}
