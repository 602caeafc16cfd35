/**
 * Lua 5.1's coroutine library (lcorolib.c lives in lbaselib.c there):
 * coroutines run Lua functions only, `running` is nil on the main thread,
 * no `isyieldable`.
 */
import { lauxlib, lua, lualib } from './fengari.js';
import type { LuaJsFunction, LuaState } from './fengari-api.js';
import { setLibraryFields } from './llibutil.js';

/** Wraps create/wrap with 5.1's "Lua function expected" check. */
function requiringLuaFunction(original: LuaJsFunction): LuaJsFunction {
  return (L) => {
    lauxlib.luaL_argcheck(L, lua.lua_isfunction(L, 1) && !lua.lua_iscfunction(L, 1), 1, 'Lua function expected');
    return original(L);
  };
}

function coRunning(L: LuaState): number {
  if (lua.lua_pushthread(L)) lua.lua_pushnil(L);
  return 1;
}

function fieldFunction(L: LuaState, name: string): LuaJsFunction {
  lua.lua_getfield(L, -1, name);
  const fn = lua.lua_tocfunction(L, -1);
  lua.lua_pop(L, 1);
  if (fn === null) throw new Error(`Fengari's coroutine.${name} is not a JS function`);
  return fn;
}

/** Opens `coroutine` as 5.1's. */
export function openCoroutine51(L: LuaState): void {
  lauxlib.luaL_requiref(L, 'coroutine', lualib.luaopen_coroutine, 1);
  setLibraryFields(L, {
    create: requiringLuaFunction(fieldFunction(L, 'create')),
    wrap: requiringLuaFunction(fieldFunction(L, 'wrap')),
    running: coRunning,
    isyieldable: null,
  });
  lua.lua_pop(L, 1);
}
