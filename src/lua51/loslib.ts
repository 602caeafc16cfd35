/**
 * Lua 5.1's os library (loslib.c) over Fengari's: `clock` is processor time
 * as C's clock() is, and `exit` exists only where the process is the script's
 * (the server must never be ended by a module).
 */
import { lauxlib, lua, lualib } from './fengari.js';
import type { LuaState } from './fengari-api.js';
import { setLibraryFields } from './llibutil.js';

function osClock(L: LuaState): number {
  const usage = process.cpuUsage();
  lua.lua_pushnumber(L, (usage.user + usage.system) / 1e6);
  return 1;
}

/** 5.1's `os.exit([code])`: a number only (no booleans, no close flag). */
function osExit(L: LuaState): number {
  process.exit(lauxlib.luaL_optinteger(L, 1, 0) | 0);
}

/** Opens `os` as 5.1's; `exit` only with host I/O. */
export function openOs51(L: LuaState, hostIo: boolean): void {
  lauxlib.luaL_requiref(L, 'os', lualib.luaopen_os, 1);
  setLibraryFields(L, { clock: osClock, exit: hostIo ? osExit : null });
  lua.lua_pop(L, 1);
}
