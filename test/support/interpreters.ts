/** The interpreters the protocol and integration tests run: ours, and Debian's lua5.1 as the reference. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUR_BINARY = process.env.MW_LUA_UNDER_TEST ?? path.join(REPO_ROOT, 'bin', 'mw-lua-standalone');
export const REFERENCE_LUA = '/usr/bin/lua5.1';

export const SCRIBUNTO_INCLUDES = '/usr/share/mediawiki/extensions-core/Scribunto/includes';
export const MW_MAIN = path.join(SCRIBUNTO_INCLUDES, 'engines', 'LuaStandalone', 'mw_main.lua');

export const INTERPRETERS = [
  { name: 'mw-lua-standalone', command: OUR_BINARY },
  { name: 'lua5.1 (reference)', command: REFERENCE_LUA },
] as const;

/** The argv Scribunto gives the interpreter (without lua_ulimit.sh). */
export function serverArgs(interpreterId: number, intSize: 4 | 8 = 8): string[] {
  return [MW_MAIN, SCRIBUNTO_INCLUDES, String(interpreterId), String(intSize)];
}
