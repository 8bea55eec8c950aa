/**
 * Bundling a plugin module and its relative imports into one ES module string with esbuild-wasm,
 * so that its sandbox can load it from a `data:` URL and needs no file permission to start.
 *
 * @module
 */

// The browser build: the Node entry point reads process.env when imported, which would make the
// VMM need --allow-env just to load this module. This one runs esbuild's wasm in this thread.
import * as esbuild from "esbuild-wasm/esm/browser.js";

/** A plugin as one self-contained module. */
export interface BundledPlugin {
  /** The module's JavaScript (ES module syntax). */
  readonly code: string;
  /** Where it came from (the entry file), for messages. */
  readonly origin: string;
}

/** A plugin that cannot be bundled: a syntax error, a missing file, a forbidden import. */
export class PluginBundleError extends Error {
  /** Builds the error for `origin`, with esbuild's messages one per line. */
  constructor(origin: string, detail: string) {
    super(`cannot bundle device plugin ${origin}: ${detail}`);
    this.name = "PluginBundleError";
  }
}

/** Options of {@link bundlePlugin}. */
export interface BundlePluginOptions {
  /**
   * Directories the plugin may import from besides its own (and this VMM's `plugins/`, which
   * holds the SDK). @default none
   */
  roots?: readonly string[];
}

/** The bare specifier a plugin written outside this repository imports the SDK by. */
export const SDK_SPECIFIER = "deno-vmm/sdk";

const PLUGINS_DIR = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");
const SDK_ENTRY = `${PLUGINS_DIR}/sdk/mod.ts`;
const LOADERS: Readonly<Record<string, esbuild.Loader>> = {
  ".ts": "ts",
  ".mts": "ts",
  ".js": "js",
  ".mjs": "js",
};

let ready: Promise<void> | undefined;

/**
 * Bundles the plugin module at `path` (a file path or `file:` URL) with its relative imports
 * into one module. Imports may name files under the plugin's own directory, this VMM's plugin
 * SDK (as `deno-vmm/sdk` or by path), `options.roots` and `node:` built-ins; only
 * .ts/.mts/.js/.mjs files, so that no host file can be pulled into the sandbox as data. Throws
 * {@link PluginBundleError}.
 *
 * @example
 * ```ts ignore
 * const plugin = await bundlePlugin("./my_device.ts");
 * console.log(plugin.code.length);
 * ```
 */
export async function bundlePlugin(
  path: string | URL,
  options: BundlePluginOptions = {},
): Promise<BundledPlugin> {
  const entry = toPath(path);
  let real: string;
  try {
    real = Deno.realPathSync(entry);
  } catch (e) {
    throw new PluginBundleError(entry, `cannot read it (${(e as Error).message})`);
  }
  const roots = [dirOf(real), PLUGINS_DIR, ...(options.roots ?? []).map(toPath)];
  return { code: await bundle(real, roots, entry), origin: entry };
}

/** Bundles a module of this VMM (the sandbox's own runtime) whose imports stay in `plugins/`. */
export async function bundleInternal(url: URL): Promise<string> {
  const entry = toPath(url);
  return await bundle(entry, [PLUGINS_DIR], entry);
}

async function bundle(entry: string, roots: string[], origin: string): Promise<string> {
  ready ??= (async () => {
    const wasm = await Deno.readFile(new URL(import.meta.resolve("esbuild-wasm/esbuild.wasm")));
    await esbuild.initialize({ wasmModule: await WebAssembly.compile(wasm), worker: false });
  })();
  await ready;
  const realRoots = roots.map((r) => {
    try {
      return Deno.realPathSync(r);
    } catch {
      return r;
    }
  });
  const guard: esbuild.Plugin = {
    name: "deno-vmm-plugin-imports",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return { path: entry };
        if (args.path === SDK_SPECIFIER) return { path: SDK_ENTRY };
        // Node built-ins stay imports; inside the sandbox they are bound by its permissions.
        if (args.path.startsWith("node:")) return { path: args.path, external: true };
        if (!/^\.{0,2}\//.test(args.path) && !args.path.startsWith("file:")) {
          return {
            errors: [{
              text:
                `import '${args.path}' is not allowed (only relative files, node: built-ins and '${SDK_SPECIFIER}')`,
            }],
          };
        }
        const file = args.path.startsWith("file:")
          ? toPath(args.path)
          : new URL(args.path, `file://${args.resolveDir}/`).pathname;
        let real: string;
        try {
          real = Deno.realPathSync(decodeURIComponent(file));
        } catch {
          return { errors: [{ text: `cannot find '${args.path}'` }] };
        }
        if (!realRoots.some((root) => real.startsWith(root + "/"))) {
          return { errors: [{ text: `import '${args.path}' leaves the plugin's directory` }] };
        }
        if (!LOADERS[extOf(real)]) {
          return { errors: [{ text: `import '${args.path}' is not a .ts/.mts/.js/.mjs module` }] };
        }
        return { path: real };
      });
      build.onLoad({ filter: /.*/ }, async (args) => ({
        contents: await Deno.readTextFile(args.path),
        loader: LOADERS[extOf(args.path)] ?? "ts",
        resolveDir: dirOf(args.path),
      }));
    },
  };
  let result: esbuild.BuildResult<{ write: false }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      target: "esnext",
      logLevel: "silent",
      plugins: [guard],
    });
  } catch (e) {
    const failure = e as { errors?: esbuild.Message[] };
    const text = failure.errors?.map(formatMessage).join("; ") ?? String(e);
    throw new PluginBundleError(origin, text);
  }
  return result.outputFiles[0].text;
}

function formatMessage(m: esbuild.Message): string {
  const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : "";
  return `${at}${m.text}`;
}

function toPath(p: string | URL): string {
  if (p instanceof URL || p.startsWith("file:")) return decodeURIComponent(new URL(p).pathname);
  if (p.startsWith("/")) return p;
  return `${Deno.cwd().replace(/\/$/, "")}/${p.replace(/^\.\//, "")}`;
}

function dirOf(path: string): string {
  return path.replace(/\/[^/]*$/, "");
}

function extOf(path: string): string {
  const m = /\.[^./]*$/.exec(path);
  return m ? m[0] : "";
}
