/**
 * Prepares the global state as mw_main.lua does (the installed mwInit.lua runs
 * in the real globals) and builds the base environment of loaded chunks.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lauxlib, lua } from '../lua51/fengari.js';
import type { LuaState } from '../lua51/fengari-api.js';
import type { InstalledScribunto } from './installed-scribunto.js';

const SANDBOX_LUA = fileURLToPath(new URL('../../lua-stdlib/sandbox.lua', import.meta.url));

export interface Sandbox {
  /** Registry reference of the base environment. */
  readonly baseEnvRef: number;
  /** Registry reference of the set of functions that setfenv must refuse. */
  readonly protectedFunctionsRef: number;
}

export function buildSandbox(L: LuaState, scribunto: InstalledScribunto): Sandbox {
  runFile(L, scribunto.mwInitPath, 'mwInit');
  lua.lua_newtable(L);
  lua.lua_newtable(L);
  lua.lua_pushvalue(L, -1);
  const protectedFunctionsRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  loadFile(L, SANDBOX_LUA);
  lua.lua_insert(L, -3);
  lua.lua_call(L, 2, 1);
  const baseEnvRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  return { baseEnvRef, protectedFunctionsRef };
}

/** Runs a Lua file in the real globals with one argument, as `require(argument)` would. */
function runFile(L: LuaState, file: string, argument: string): void {
  loadFile(L, file);
  lua.lua_pushstring(L, argument);
  lua.lua_call(L, 1, 0);
}

function loadFile(L: LuaState, file: string): void {
  const source = fs.readFileSync(file);
  if (lauxlib.luaL_loadbufferx(L, source, source.length, `@${file}`, 't') !== lua.LUA_OK) {
    throw new Error(lua.lua_tojsstring(L, -1));
  }
}
