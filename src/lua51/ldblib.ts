/**
 * Lua 5.1's debug library (ldblib.c) over Fengari's: `getfenv`/`setfenv`,
 * upvalue indices that do not count the `_ENV` upvalue every Lua function has
 * here (the parser patch), and none of the 5.2+ additions.
 */
import { lauxlib, lua, lualib } from './fengari.js';
import type { LuaJsFunction, LuaState } from './fengari-api.js';
import { setLibraryFields } from './llibutil.js';
import { pushFunctionEnv, setFunctionEnv } from './lfenv.js';

const { LUA_TFUNCTION, LUA_TTABLE, LUA_TTHREAD } = lua;

function dbGetfenv(L: LuaState): number {
  lauxlib.luaL_checkany(L, 1);
  const type = lua.lua_type(L, 1);
  if (type === LUA_TFUNCTION) pushFunctionEnv(L, 1);
  else if (type === LUA_TTHREAD) lua.lua_pushglobaltable(L);
  else lua.lua_pushnil(L);
  return 1;
}

function dbSetfenv(L: LuaState): number {
  lauxlib.luaL_checktype(L, 2, LUA_TTABLE);
  lua.lua_settop(L, 2);
  if (!setFunctionEnv(L, 1, 2)) lauxlib.luaL_error(L, "'setfenv' cannot change environment of given object");
  return 1;
}

/** Shifts a Lua function's upvalue index past `_ENV`, then runs Fengari's function. */
function skippingEnvUpvalue(original: LuaJsFunction): LuaJsFunction {
  return (L) => {
    lauxlib.luaL_checktype(L, 1, LUA_TFUNCTION);
    const n = lauxlib.luaL_checkinteger(L, 2);
    if (!lua.lua_iscfunction(L, 1)) {
      if (n < 1) return 0;
      lua.lua_pushnumber(L, n + 1);
      lua.lua_replace(L, 2);
    }
    return original(L);
  };
}

function fieldFunction(L: LuaState, name: string): LuaJsFunction {
  lua.lua_getfield(L, -1, name);
  const fn = lua.lua_tocfunction(L, -1);
  lua.lua_pop(L, 1);
  if (fn === null) throw new Error(`Fengari's debug.${name} is not a JS function`);
  return fn;
}

/** Opens `debug` as 5.1's. */
export function openDebug51(L: LuaState): void {
  lauxlib.luaL_requiref(L, 'debug', lualib.luaopen_debug, 1);
  setLibraryFields(L, {
    getfenv: dbGetfenv,
    setfenv: dbSetfenv,
    getupvalue: skippingEnvUpvalue(fieldFunction(L, 'getupvalue')),
    setupvalue: skippingEnvUpvalue(fieldFunction(L, 'setupvalue')),
    getuservalue: null,
    setuservalue: null,
    upvalueid: null,
    upvaluejoin: null,
  });
  lua.lua_pop(L, 1);
}
