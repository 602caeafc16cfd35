/**
 * Lua 5.1's coroutine library (lcorolib.c lives in lbaselib.c there):
 * coroutines run Lua functions only, `running` is nil on the main thread,
 * no `isyieldable`.
 */
import { lauxlib, lua } from './fengari.js';
import type { LuaJsFunction, LuaState } from './fengari-api.js';
import { fengariFunction, registerLibrary } from './llibutil.js';

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

/** Opens `coroutine` as 5.1's (lbaselib.c's `co_funcs`, registered right after the base library). */
export function openCoroutine51(L: LuaState): void {
  registerLibrary(L, 'coroutine', [
    ['create', requiringLuaFunction(fengariFunction('coroutine', 'create'))],
    ['resume', fengariFunction('coroutine', 'resume')],
    ['running', coRunning],
    ['status', fengariFunction('coroutine', 'status')],
    ['wrap', requiringLuaFunction(fengariFunction('coroutine', 'wrap'))],
    ['yield', fengariFunction('coroutine', 'yield')],
  ]);
  lua.lua_pop(L, 1);
}
