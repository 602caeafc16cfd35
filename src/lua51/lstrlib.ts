/**
 * Lua 5.1's string library (lstrlib.c) over Fengari's: `gfind` (5.1's old
 * name of gmatch) and none of the 5.3 binary packing functions.
 */
import { lauxlib, lua, lualib } from './fengari.js';
import type { LuaState } from './fengari-api.js';
import { setLibraryFields } from './llibutil.js';

/** Opens `string` as 5.1's; the string metatable's __index stays this table. */
export function openString51(L: LuaState): void {
  lauxlib.luaL_requiref(L, 'string', lualib.luaopen_string, 1);
  lua.lua_getfield(L, -1, 'gmatch');
  lua.lua_setfield(L, -2, 'gfind');
  setLibraryFields(L, { pack: null, packsize: null, unpack: null });
  lua.lua_pop(L, 1);
}
