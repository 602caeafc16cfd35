/**
 * lua.c 5.1's protected calls and error reports, shared by its script steps
 * and its interactive prompt.
 */
import { fengari, lua } from './lua51/fengari.js';
import type { LuaState } from './lua51/fengari-api.js';
import { processStreams } from './lua51/lhost.js';

/** lua.c's l_message: "progname: message" on stderr, no prefix when progname is null. */
export function message(programName: string | null, text: Uint8Array): void {
  const prefix = programName === null ? '' : `${programName}: `;
  processStreams.stderr(Buffer.concat([Buffer.from(prefix), text, Buffer.from('\n')]));
}

/** lua.c's report: an error status with a non-nil message prints it; returns the status. */
export function report(L: LuaState, status: number, programName: string | null): number {
  if (status !== lua.LUA_OK && !lua.lua_isnil(L, -1)) {
    const text = lua.lua_tolstring(L, -1) ?? fengari.to_luastring('(error object is not a string)');
    message(programName, text);
    lua.lua_pop(L, 1);
  }
  return status;
}

/** lua.c's traceback: a string message gets the global debug.traceback's, from the level below it. */
function traceback(L: LuaState): number {
  if (!lua.lua_isstring(L, 1)) return 1;
  lua.lua_getglobal(L, 'debug');
  if (!lua.lua_istable(L, -1)) {
    lua.lua_pop(L, 1);
    return 1;
  }
  lua.lua_getfield(L, -1, 'traceback');
  if (!lua.lua_isfunction(L, -1)) {
    lua.lua_pop(L, 2);
    return 1;
  }
  lua.lua_pushvalue(L, 1);
  lua.lua_pushinteger(L, 2);
  lua.lua_call(L, 2, 1);
  return 1;
}

/** lua.c's docall: calls the function below `nargs` arguments with `traceback` as message handler. */
export function docall(L: LuaState, nargs: number, keepResults: boolean): number {
  const base = lua.lua_gettop(L) - nargs;
  lua.lua_pushcfunction(L, traceback);
  lua.lua_insert(L, base);
  const status = lua.lua_pcall(L, nargs, keepResults ? lua.LUA_MULTRET : 0, base);
  lua.lua_remove(L, base);
  return status;
}
