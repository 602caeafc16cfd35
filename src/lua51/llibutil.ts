/** Shared by the library files: adjusting an opened Fengari library into 5.1's. */
import { lua } from './fengari.js';
import type { LuaJsFunction, LuaState } from './fengari-api.js';

/**
 * Sets each field of the table on top of the stack: a function replaces or
 * adds one, `null` removes a 5.2+ addition.
 */
export function setLibraryFields(L: LuaState, fields: Readonly<Record<string, LuaJsFunction | null>>): void {
  for (const name of Object.keys(fields)) {
    const fn = fields[name];
    if (fn) lua.lua_pushcfunction(L, fn);
    else lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, name);
  }
}
