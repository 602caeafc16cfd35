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

/** 5.1's coroutine states (lbaselib.c `statnames`), indexed by `costatus`. */
const STATUS_NAMES = ['running', 'suspended', 'normal', 'dead'] as const;
const CO_RUN = 0;
const CO_SUS = 1;
const CO_NOR = 2;
const CO_DEAD = 3;

/** 5.1's `getco`: "coroutine expected", where Fengari says "thread expected". */
function getco(L: LuaState): LuaState {
  const co = lua.lua_tothread(L, 1);
  lauxlib.luaL_argcheck(L, co !== null, 1, 'coroutine expected');
  return co as LuaState;
}

/** 5.1's `costatus`: a coroutine with frames that is not the caller is "normal". */
function costatus(L: LuaState, co: LuaState): number {
  if (L === co) return CO_RUN;
  const status = lua.lua_status(co);
  if (status === lua.LUA_YIELD) return CO_SUS;
  if (status !== lua.LUA_OK) return CO_DEAD;
  if (lua.lua_getstack(co, 0, new lua.lua_Debug())) return CO_NOR;
  return lua.lua_gettop(co) === 0 ? CO_DEAD : CO_SUS;
}

/**
 * 5.1's `auxresume`: only a suspended coroutine resumes ("cannot resume running
 * coroutine", "… normal coroutine"); too many arguments or results are errors
 * raised in the caller. Returns the number of results, or -1 with the error on top.
 */
function auxresume(L: LuaState, co: LuaState, narg: number): number {
  const status = costatus(L, co);
  if (!lua.lua_checkstack(co, narg)) lauxlib.luaL_error(L, 'too many arguments to resume');
  if (status !== CO_SUS) {
    lua.lua_pushstring(L, `cannot resume ${STATUS_NAMES[status]} coroutine`);
    return -1;
  }
  lua.lua_xmove(L, co, narg);
  const result = lua.lua_resume(co, L, narg);
  if (result === lua.LUA_OK || result === lua.LUA_YIELD) {
    const nres = lua.lua_gettop(co);
    if (!lua.lua_checkstack(L, nres + 1)) lauxlib.luaL_error(L, 'too many results to resume');
    lua.lua_xmove(co, L, nres);
    return nres;
  }
  lua.lua_xmove(co, L, 1);
  return -1;
}

function coResume(L: LuaState): number {
  const co = getco(L);
  const r = auxresume(L, co, lua.lua_gettop(L) - 1);
  if (r < 0) {
    lua.lua_pushboolean(L, false);
    lua.lua_insert(L, -2);
    return 2;
  }
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, -(r + 1));
  return r + 1;
}

function coStatus(L: LuaState): number {
  lua.lua_pushstring(L, STATUS_NAMES[costatus(L, getco(L))]);
  return 1;
}

/** 5.1's `auxwrap`: a string or number error gets the caller's position. */
function auxwrap(L: LuaState): number {
  const co = lua.lua_tothread(L, lua.lua_upvalueindex(1)) as LuaState;
  const r = auxresume(L, co, lua.lua_gettop(L));
  if (r < 0) {
    if (lua.lua_isstring(L, -1)) {
      lauxlib.luaL_where(L, 1);
      lua.lua_insert(L, -2);
      lua.lua_concat(L, 2);
    }
    return lua.lua_error(L);
  }
  return r;
}

const coCreate = requiringLuaFunction(fengariFunction('coroutine', 'create'));

function coWrap(L: LuaState): number {
  coCreate(L);
  lua.lua_pushcclosure(L, auxwrap, 1);
  return 1;
}

/** Opens `coroutine` as 5.1's (lbaselib.c's `co_funcs`, registered right after the base library). */
export function openCoroutine51(L: LuaState): void {
  registerLibrary(L, 'coroutine', [
    ['create', coCreate],
    ['resume', coResume],
    ['running', coRunning],
    ['status', coStatus],
    ['wrap', coWrap],
    ['yield', fengariFunction('coroutine', 'yield')],
  ]);
  lua.lua_pop(L, 1);
}
