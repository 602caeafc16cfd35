/**
 * The one place Fengari is loaded: installs the Lua 5.1 source patches into
 * Node's CommonJS loader for `fengari/src/*.js`, then exposes the API with the
 * types this project relies on.
 */
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { FENGARI_PATCHES, PINNED_FENGARI_VERSION, patchSource } from './fengari-patches.js';
import type { FengariApi } from './fengari-api.js';

const require = createRequire(import.meta.url);

interface CompilableModule {
  _compile(source: string, filename: string): void;
}
type JsLoader = (module: CompilableModule, filename: string) => void;
const extensions = (Module as unknown as { _extensions: Record<string, JsLoader> })._extensions;

function loadPatchedFengari(): FengariApi {
  const fengariDir = path.dirname(require.resolve('fengari/package.json'));
  const installed = (require('fengari/package.json') as { version: string }).version;
  if (installed !== PINNED_FENGARI_VERSION) {
    throw new Error(`mw-lua-standalone needs fengari ${PINNED_FENGARI_VERSION} exactly, found ${installed}`);
  }
  const srcDir = path.join(fengariDir, 'src');
  const loadJs = extensions['.js']!;
  const patchedFiles = new Set<string>();
  extensions['.js'] = (module, filename) => {
    const file = path.basename(filename);
    if (path.dirname(filename) === srcDir && FENGARI_PATCHES[file]) {
      module._compile(patchSource(file, fs.readFileSync(filename, 'utf8')), filename);
      patchedFiles.add(file);
    } else {
      loadJs(module, filename);
    }
  };
  try {
    const api = {
      ...(require('fengari') as Omit<FengariApi, 'lobject'>),
      lobject: require('fengari/src/lobject.js') as FengariApi['lobject'],
    };
    const missed = Object.keys(FENGARI_PATCHES).filter((file) => !patchedFiles.has(file));
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
