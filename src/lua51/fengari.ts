/**
 * The one place Fengari is loaded: installs the Lua 5.1 source patches into
 * Node's CommonJS loader for `fengari/src/*.js`, replaces whole modules by our
 * own implementations of the same exports, then exposes the API with the types
 * this project relies on. Fengari's modules compile from V8's code saved by the
 * build where it matches their text (fengari-code-cache.ts).
 */
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { readCodeCache, type CodeCache, type CompiledModule } from './fengari-code-cache.js';
import { PATCHED_FILES, PINNED_FENGARI_VERSION, patchSource } from './fengari-patches.js';
import type { FengariApi, LuaJsFunction } from './fengari-api.js';
import { createLtable } from './ltable.js';

const require = createRequire(import.meta.url);

interface CompilableModule {
  exports: Record<string, unknown>;
  require(id: string): unknown;
}

/**
 * Fengari files whose exports we provide ourselves. The factory gets the
 * module's own `require` (so `./x.js` resolves in fengari/src) and must not
 * read the exports of modules that require the replaced one back while they are
 * still loading; its result is merged into the module's existing `exports`,
 * which the modules in that cycle already hold.
 */
const FENGARI_REPLACEMENTS: Readonly<Record<string, (require: (id: string) => any) => Record<string, unknown>>> = {
  /* Lua 5.1's table layout: array part, hash nodes in 5.1's order, 5.1's `#` (ltable.ts). */
  'ltable.js': createLtable,
};

/** Every name the pinned file exports must be one we export too, or Fengari would read undefined. */
function checkReplacement(file: string, source: string, ours: Record<string, unknown>): void {
  const theirs = [...source.matchAll(/^module\.exports\.(\w+)\s*=/gm)].map((m) => m[1]!);
  const missing = theirs.filter((name) => !(name in ours));
  if (theirs.length === 0 || missing.length > 0) {
    throw new Error(`mw-lua-standalone: our replacement of Fengari's ${file} lacks ${missing.join(', ') || 'its exports'}`);
  }
}
type JsLoader = (module: CompilableModule, filename: string) => void;
const extensions = (Module as unknown as { _extensions: Record<string, JsLoader> })._extensions;

/** Every Fengari module as compiled, for the build to save V8's code (src/build/code-cache.ts). */
export const compiledFengariModules: CompiledModule[] = [];

/**
 * Compiles and runs a Fengari module as Node's CommonJS loader would, but
 * through a vm.Script that can start from V8's cached code for this exact text.
 */
function compileModule(module: CompilableModule, filename: string, source: string, codeCache: CodeCache): void {
  const name = path.basename(filename);
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new vm.Script(wrapped, { filename, cachedData: codeCache.codeFor(name, wrapped) });
  compiledFengariModules.push({ name, source: wrapped, script });
  const body = script.runInThisContext() as (...bindings: unknown[]) => void;
  body.call(module.exports, module.exports, (id: string) => module.require(id), module, filename, path.dirname(filename));
}

function loadPatchedFengari(): FengariApi {
  const fengariDir = path.dirname(require.resolve('fengari/package.json'));
  const installed = (require('fengari/package.json') as { version: string }).version;
  if (installed !== PINNED_FENGARI_VERSION) {
    throw new Error(`mw-lua-standalone needs fengari ${PINNED_FENGARI_VERSION} exactly, found ${installed}`);
  }
  const srcDir = path.join(fengariDir, 'src');
  const both = Object.keys(FENGARI_REPLACEMENTS).filter((file) => PATCHED_FILES.has(file));
  if (both.length > 0) throw new Error(`mw-lua-standalone: ${both.join(', ')} both patched and replaced`);
  const loadJs = extensions['.js']!;
  const patchedFiles = new Set<string>();
  const codeCache = readCodeCache();
  extensions['.js'] = (module, filename) => {
    const file = path.basename(filename);
    const inFengari = path.dirname(filename) === srcDir;
    const replacement = inFengari ? FENGARI_REPLACEMENTS[file] : undefined;
    if (replacement) {
      const ours = replacement((id) => module.require(id));
      checkReplacement(file, fs.readFileSync(filename, 'utf8'), ours);
      Object.assign(module.exports, ours);
      patchedFiles.add(file);
    } else if (inFengari && PATCHED_FILES.has(file)) {
      compileModule(module, filename, patchSource(file, fs.readFileSync(filename, 'utf8')), codeCache);
      patchedFiles.add(file);
    } else if (inFengari) {
      compileModule(module, filename, fs.readFileSync(filename, 'utf8'), codeCache);
    } else {
      loadJs(module, filename);
    }
  };
  try {
    const libraryFunctions = (file: string) =>
      (require(`fengari/src/${file}`) as { library_functions: Record<string, LuaJsFunction> }).library_functions;
    const api = {
      ...(require('fengari') as Omit<FengariApi, 'lobject' | 'libraryFunctions'>),
      lobject: require('fengari/src/lobject.js') as FengariApi['lobject'],
      libraryFunctions: {
        base: libraryFunctions('lbaselib.js'),
        coroutine: libraryFunctions('lcorolib.js'),
        math: libraryFunctions('lmathlib.js'),
        os: libraryFunctions('loslib.js'),
        debug: libraryFunctions('ldblib.js'),
      },
    };
    const missed = [...PATCHED_FILES, ...Object.keys(FENGARI_REPLACEMENTS)].filter(
      (file) => !patchedFiles.has(file),
    );
    if (missed.length > 0) {
      throw new Error(`mw-lua-standalone: Fengari was loaded before its patches could apply to ${missed.join(', ')}`);
    }
    return api;
  } finally {
    extensions['.js'] = loadJs;
  }
}

export const fengari: FengariApi = loadPatchedFengari();
export const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;
