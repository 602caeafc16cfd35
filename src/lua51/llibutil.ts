/**
 * Shared by the library files: building each library table as 5.1's
 * `luaL_register` does. A table's `pairs` order follows from its size when
 * created and the order its keys went in (ltable.ts), so every library is a
 * fresh table of 5.1's size, filled in the order of 5.1's `luaL_Reg` array.
 */
import { fengari, lauxlib, lua } from './fengari.js';
import type { FengariLibrary, LuaJsFunction, LuaState } from './fengari-api.js';

/** A `luaL_Reg` array: names and functions in the order 5.1's C source lists them. */
export type LibraryFunctions = ReadonlyArray<readonly [string, LuaJsFunction]>;

/** One of Fengari's own functions that 5.1's library keeps unchanged. */
export function fengariFunction(library: FengariLibrary, name: string): LuaJsFunction {
  const fn = fengari.libraryFunctions[library][name];
  if (fn === undefined) throw new Error(`mw-lua-standalone: Fengari's ${library} library has no ${name}`);
  return fn;
}

/**
 * 5.1's `luaL_findtable` for a name without dots: pushes t[name] of the table
 * at `idx`, creating it with room for `size` keys if absent. (At start-up
 * every field it looks for is absent or a table.)
 */
function findTable(L: LuaState, idx: number, name: string, size: number): void {
  lua.lua_pushvalue(L, idx);
  lua.lua_pushstring(L, name);
  lua.lua_rawget(L, -2);
  if (lua.lua_isnil(L, -1)) {
    lua.lua_pop(L, 1);
    lua.lua_createtable(L, 0, size);
    lua.lua_pushstring(L, name);
    lua.lua_pushvalue(L, -2);
    lua.lua_settable(L, -4);
  }
  lua.lua_remove(L, -2);
}

/** `luaL_register(L, NULL, l)`: sets the functions into the table on top of the stack. */
export function setFunctions(L: LuaState, functions: LibraryFunctions): void {
  for (const [name, fn] of functions) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}

/**
 * `luaL_register(L, libname, l)` as it runs when the libraries open: pushes
 * the global `libname` (created with room for `size` keys, 5.1's count of
 * `l`, unless it is `_G` itself), sets it in `_LOADED` too, then sets the
 * functions into it. The first call creates `_LOADED`, with room for one key
 * as 5.1.5 does.
 */
export function registerLibrary(L: LuaState, libname: string, functions: LibraryFunctions, size = functions.length): void {
  findTable(L, lua.LUA_REGISTRYINDEX, '_LOADED', 1);
  lua.lua_pushglobaltable(L);
  findTable(L, -1, libname, size);
  lua.lua_remove(L, -2);
  lua.lua_pushvalue(L, -1);
  lua.lua_setfield(L, -3, libname);
  lua.lua_remove(L, -2);
  setFunctions(L, functions);
}

/** 5.1's `luaL_newmetatable`: a plain table in the registry under `tname` (no `__name`, unlike 5.3's). */
export function newMetatable(L: LuaState, tname: string): void {
  lua.lua_newtable(L);
  lua.lua_pushvalue(L, -1);
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, tname);
}

/**
 * 5.1's `luaL_checkint`: `(int)luaL_checkinteger`. The 64-bit lua_Integer
 * (lua51NumberToInteger: truncated, -2^63 for NaN and out of range) cut to its
 * low 32 bits, which is what `| 0` keeps: 2^31 is -2^31, 2^32 + 1 is 1, and
 * NaN, ±inf and ±1e300 are 0. Every int argument of 5.1's libraries is read so.
 */
export function checkint(L: LuaState, arg: number): number {
  return lauxlib.luaL_checkinteger(L, arg) | 0;
}

/** 5.1's `luaL_optint`: `def` when the argument is none or nil, else luaL_checkint. */
export function optint(L: LuaState, arg: number, def: number): number {
  return lua.lua_isnoneornil(L, arg) ? def : checkint(L, arg);
}

/** `(int)lua_tointeger(L, idx)`, 5.1's cast where a number is optional and not checked: 0 for a non-number. */
export function toint(L: LuaState, idx: number): number {
  return lua.lua_tointeger(L, idx) | 0;
}
