/**
 * Start-up speed of the built CLI: each subcommand is bundled into one file at build time
 * (scripts/build-cli.js writes dist/cli/<command>.js), and loaded here with V8's code cache
 * (`<command>.js.v8cache`, written by the same build after running the command once, so it holds the
 * bytecode of the functions a run needs, not only the top level). Node 20 has no
 * `module.enableCompileCache`; this is the `vm.Script` `cachedData` mechanism it is built on.
 *
 * A cache that does not fit (another Node or V8 version, other V8 flags, another bundle) is rejected by
 * V8 and the bundle is compiled as usual: slower, never wrong. Nothing is written at run time (a cache
 * file in a shared temporary folder would be code that someone else can plant).
 * Loads only Node built-ins.
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import Module from 'module';
import { dirname, join } from 'path';
import { Script } from 'vm';

/** The code cache of a bundle is the bundle's path with this suffix. */
export const CODE_CACHE_SUFFIX = '.v8cache';

export interface LoadedBundle {
  readonly exports: Record<string, unknown>;
  /** Whether V8 took the code cache (false: there was none, or it did not fit). */
  readonly usedCodeCache: boolean;
  /** The code cache of the script as it is now (with every function compiled so far); for the build. */
  readonly createCodeCache: () => Buffer;
}

/** Loads a CommonJS bundle as `require` would, with its code cache when one fits. */
export function loadBundle(file: string, options: { useCodeCache?: boolean } = {}): LoadedBundle {
  const source = readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  if (options.useCodeCache !== false) {
    try {
      cachedData = readFileSync(file + CODE_CACHE_SUFFIX);
    } catch {
      // No cache: compile from source.
    }
  }
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData && { cachedData }) });
  const mod = new Module(file, require.main);
  mod.filename = file;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  return {
    exports: mod.exports as Record<string, unknown>,
    usedCodeCache: cachedData !== undefined && !script.cachedDataRejected,
    createCodeCache: () => script.createCachedData(),
  };
}

/** Writes the code cache of a loaded bundle next to it; returns its size in bytes. */
export function writeCodeCache(file: string, bundle: LoadedBundle): number {
  const data = bundle.createCodeCache();
  writeFileSync(file + CODE_CACHE_SUFFIX, data);
  return data.length;
}

/**
 * The loader the launcher gives `main`: a subcommand from `dir/<name>.js` when the build bundled it,
 * or undefined (then `main` requires the unbundled module).
 */
export function bundledCommandLoader(dir: string): (name: string) => Record<string, unknown> | undefined {
  return (name) => {
    const file = join(dir, `${name}.js`);
    return existsSync(file) ? loadBundle(file).exports : undefined;
  };
}
