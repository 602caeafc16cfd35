/**
 * Lua 5.1's debug library (ldblib.c) over Fengari's: `getfenv`/`setfenv`,
 * upvalue indices that do not count the `_ENV` upvalue every Lua function has
 * here (the parser patch), 5.1's `traceback`, and none of the 5.2+ additions.
 */
import { lauxlib, lua } from './fengari.js';
import type { LuaDebug, LuaJsFunction, LuaState, LuaString, StringArg } from './fengari-api.js';
import { checkint, fengariFunction, registerLibrary, toint } from './llibutil.js';
import { NO_SUCH_LEVEL, pushFunctionEnv, resolveLevel, setFunctionEnv, TAIL_CALL_LEVEL } from './lfenv.js';
import { stack51, TAIL_CALL_FRAME, type Frame51 } from './lstack.js';

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

/** Above every function's upvalues (the parser allows 5.1's 60 and _ENV); Fengari takes only int32 indices. */
const MAX_UPVALUES = 255;

/**
 * 5.1's `auxupvalue` in its argument order (setupvalue's value, the index as
 * a C int, the function), no upvalues of JS functions ("cannot touch C
 * upvalues from Lua"); then a Lua function's index shifted past `_ENV` for
 * Fengari's function.
 */
function skippingEnvUpvalue(original: LuaJsFunction, setting: boolean): LuaJsFunction {
  return (L) => {
    if (setting) lauxlib.luaL_checkany(L, 3);
    const n = checkint(L, 2);
    lauxlib.luaL_checktype(L, 1, LUA_TFUNCTION);
    if (lua.lua_iscfunction(L, 1) || n < 1 || n > MAX_UPVALUES) return 0;
    lua.lua_pushnumber(L, n + 1);
    lua.lua_replace(L, 2);
    return original(L);
  };
}

/** 5.1's `getthread`: the thread an optional first argument names, and how far it shifts the others. */
function threadArgument(L: LuaState): { L1: LuaState; arg: number } {
  return lua.lua_isthread(L, 1) ? { L1: lua.lua_tothread(L, 1)!, arg: 1 } : { L1: L, arg: 0 };
}

/**
 * The Fengari level for a 5.1 level on `L1`, or TAIL_CALL_LEVEL where 5.1's
 * lua_getstack finds a "(tail call)": a frame a tail call replaced, and any
 * negative level (an int argument of 2^31 is one), or NO_SUCH_LEVEL.
 */
function stackLevel(L1: LuaState, level51: number): number {
  return level51 < 0 ? TAIL_CALL_LEVEL : resolveLevel(L1, level51);
}

/** Replaces argument `idx` by a number (what Fengari's function then reads). */
function replaceArgument(L: LuaState, idx: number, n: number): void {
  lua.lua_pushnumber(L, n);
  lua.lua_replace(L, idx);
}

/** The options 5.1's lua_getinfo knows; any other is "invalid option" (5.2's 't' among them). */
const GETINFO_OPTIONS = 'SlunLf';

/**
 * 5.1's `debug.getinfo([thread,] function | level [, what])` (db_getinfo):
 * the level is `(int)lua_tointeger` of any number, counted as 5.1 counts
 * levels; a "(tail call)" level is described as 5.1 describes one, whatever
 * `what` asks. The table has 5.1's fields in 5.1's order and size (so pairs
 * walks it as 5.1 does): no 5.2 `nparams`, `isvararg` or `istailcall`, and
 * `nups` without the `_ENV` upvalue every Lua function has here.
 */
function dbGetinfo(L: LuaState): number {
  const { L1, arg } = threadArgument(L);
  const options = lauxlib.luaL_optstring(L, arg + 2, 'flnSu')!;
  const ar = new lua.lua_Debug();
  let request: Uint8Array = options;
  if (lua.lua_isnumber(L, arg + 1)) {
    const level = stackLevel(L1, toint(L, arg + 1));
    if (level === NO_SUCH_LEVEL) {
      lua.lua_pushnil(L);
      return 1;
    }
    if (level === TAIL_CALL_LEVEL) return pushTailCallInfo(L, options);
    lua.lua_getstack(L1, level, ar);
  } else if (lua.lua_isfunction(L, arg + 1)) {
    if (!lua.lua_checkstack(L1, 3)) lauxlib.luaL_error(L, 'stack overflow');
    lua.lua_pushvalue(L, arg + 1);
    lua.lua_xmove(L, L1, 1);
    request = Uint8Array.of(0x3e /* > */, ...options);
  } else {
    return lauxlib.luaL_argerror(L, arg + 1, 'function or level expected');
  }
  const known = [...options].every((c) => GETINFO_OPTIONS.includes(String.fromCharCode(c)));
  // 'S' as well, for `what`, which tells a Lua function (with its _ENV upvalue) from a host one.
  if (!known || !lua.lua_getinfo(L1, Uint8Array.of(...request, 0x53 /* S */), ar)) {
    return lauxlib.luaL_argerror(L, arg + 2, 'invalid option');
  }
  const has = (option: string): boolean => options.includes(option.charCodeAt(0));
  lua.lua_createtable(L, 0, 2);
  const setString = (key: string, value: StringArg | null): void => {
    lua.lua_pushstring(L, value);
    lua.lua_setfield(L, -2, key);
  };
  const setNumber = (key: string, value: number): void => {
    lua.lua_pushnumber(L, value);
    lua.lua_setfield(L, -2, key);
  };
  if (has('S')) {
    setString('source', ar.source);
    setString('short_src', ar.short_src);
    setNumber('linedefined', ar.linedefined);
    setNumber('lastlinedefined', ar.lastlinedefined);
    setString('what', ar.what);
  }
  if (has('l')) setNumber('currentline', ar.currentline);
  if (has('u')) setNumber('nups', firstChar(ar.what) === 'C' ? ar.nups : ar.nups - 1);
  if (has('n')) {
    setString('name', ar.name);
    setString('namewhat', ar.namewhat);
  }
  // lua_getinfo pushed the line table, then the function, on L1.
  if (has('L')) moveStackOption(L, L1, 'activelines');
  if (has('f')) moveStackOption(L, L1, 'func');
  return 1;
}

/** Moves what lua_getinfo pushed on L1 (its top) into the table on top of L as field `key` (treatstackoption). */
function moveStackOption(L: LuaState, L1: LuaState, key: string): void {
  if (L === L1) lua.lua_rotate(L, -2, 1);
  else lua.lua_xmove(L1, L, 1);
  lua.lua_setfield(L, -2, key);
}

/** 5.1's getinfo table for a "(tail call)" level (`info_tailcall`): no function, no lines. */
function pushTailCallInfo(L: LuaState, options: LuaString): number {
  const has = (option: string): boolean => options.includes(option.charCodeAt(0));
  lua.lua_createtable(L, 0, 2);
  const fields: Array<[string, string | number]> = [];
  if (has('S')) {
    fields.push(['source', '=(tail call)'], ['short_src', '(tail call)'], ['linedefined', -1], ['lastlinedefined', -1]);
    fields.push(['what', 'tail']);
  }
  if (has('l')) fields.push(['currentline', -1]);
  if (has('u')) fields.push(['nups', 0]);
  if (has('n')) fields.push(['name', ''], ['namewhat', '']);
  for (const [key, value] of fields) {
    if (typeof value === 'number') lua.lua_pushnumber(L, value);
    else lua.lua_pushstring(L, value);
    lua.lua_setfield(L, -2, key);
  }
  return 1;
}

/**
 * The frame at Fengari level `level` of `L1`, for lua_getlocal/lua_setlocal,
 * with room on L1 for the value they move.
 */
function frameOn(L: LuaState, L1: LuaState, level: number): LuaDebug {
  const ar = new lua.lua_Debug();
  lua.lua_getstack(L1, level, ar);
  if (L1 !== L && !lua.lua_checkstack(L1, 1)) lauxlib.luaL_error(L, 'stack overflow');
  return ar;
}

/**
 * 5.1's `debug.getlocal([thread,] level, n)`: both C ints, the level checked
 * first. A "(tail call)" level has no locals (lua.c's stack bottom, which 5.1
 * looks at for one, has none either). The arguments stay as given: at level
 * 0 they are the locals asked for.
 */
function dbGetlocal(L: LuaState): number {
  const { L1, arg } = threadArgument(L);
  const level = stackLevel(L1, checkint(L, arg + 1));
  if (level === NO_SUCH_LEVEL) return lauxlib.luaL_argerror(L, arg + 1, 'level out of range');
  const n = checkint(L, arg + 2);
  // 5.1 has no vararg locals: a negative n names nothing.
  const name = level === TAIL_CALL_LEVEL || n < 0 ? null : lua.lua_getlocal(L1, frameOn(L, L1, level), n);
  if (name === null) {
    lua.lua_pushnil(L);
    return 1;
  }
  lua.lua_xmove(L1, L, 1);
  lua.lua_pushstring(L, name);
  lua.lua_pushvalue(L, -2);
  return 2;
}

/** 5.1's `debug.setlocal([thread,] level, n, value)`: the level, then the value, then n (a C int). */
function dbSetlocal(L: LuaState): number {
  const { L1, arg } = threadArgument(L);
  const level = stackLevel(L1, checkint(L, arg + 1));
  if (level === NO_SUCH_LEVEL) return lauxlib.luaL_argerror(L, arg + 1, 'level out of range');
  lauxlib.luaL_checkany(L, arg + 3);
  lua.lua_settop(L, arg + 3);
  const n = checkint(L, arg + 2);
  if (level === TAIL_CALL_LEVEL || n < 0) {
    lua.lua_pushnil(L);
    return 1;
  }
  const ar = frameOn(L, L1, level);
  lua.lua_xmove(L, L1, 1);
  const name = lua.lua_setlocal(L1, ar, n);
  // 5.1 always takes the value; 5.3's lua_setlocal leaves it where there is no such local.
  if (name === null) lua.lua_pop(L1, 1);
  lua.lua_pushstring(L, name);
  return 1;
}

/** 5.1's `debug.sethook`: the count is a C int (luaL_optint); Fengari's function checks the rest in 5.1's order. */
function makeSethook(original: LuaJsFunction): LuaJsFunction {
  return (L) => {
    const arg = threadArgument(L).arg;
    if (lua.lua_isnumber(L, arg + 3)) replaceArgument(L, arg + 3, toint(L, arg + 3));
    return original(L);
  };
}

/** ldblib.c: a traceback prints the first LEVELS1 levels and the last LEVELS2, with "..." between. */
const LEVELS1 = 12;
const LEVELS2 = 10;

/**
 * 5.1's `debug.traceback([thread,] [message [, level]])` (db_errorfb), over
 * the stack as 5.1 counts it (lstack.ts). A message that is not a string or
 * number comes back untouched; a level is a C int, and a negative one is a
 * "(tail call)" as 5.1's lua_getstack makes it.
 */
function dbTraceback(L: LuaState): number {
  const { L1, arg } = threadArgument(L);
  let level: number;
  if (lua.lua_isnumber(L, arg + 2)) {
    level = toint(L, arg + 2);
    lua.lua_pop(L, 1);
  } else {
    level = L === L1 ? 1 : 0;
  }
  if (lua.lua_gettop(L) === arg) lua.lua_pushliteral(L, '');
  else if (!lua.lua_isstring(L, arg + 1)) return 1;
  else lua.lua_pushliteral(L, '\n');
  lua.lua_pushliteral(L, 'stack traceback:');
  const frames = stack51(L1, 0);
  const frameAt = (n: number): Frame51 | undefined => (n < 0 ? TAIL_CALL_FRAME : frames[n]);
  let firstPart = true;
  for (let frame = frameAt(level++); frame !== undefined; frame = frameAt(level++)) {
    if (level > LEVELS1 && firstPart) {
      if (frameAt(level + LEVELS2) === undefined) {
        level--;
      } else {
        lua.lua_pushliteral(L, '\n\t...');
        while (frameAt(level + LEVELS2) !== undefined) level++;
      }
      firstPart = false;
      continue;
    }
    pushTracebackLine(L, frame);
    lua.lua_concat(L, lua.lua_gettop(L) - arg);
  }
  lua.lua_concat(L, lua.lua_gettop(L) - arg);
  return 1;
}

function pushTracebackLine(L: LuaState, frame: Frame51): void {
  lua.lua_pushfstring(L, '\n\t%s:', frame.short_src);
  if (frame.currentline > 0) lua.lua_pushfstring(L, '%d:', frame.currentline);
  const what = firstChar(frame.what);
  if (frame.namewhat.length > 0) lua.lua_pushfstring(L, " in function '%s'", frame.name ?? '');
  else if (what === 'm') lua.lua_pushliteral(L, ' in main chunk');
  else if (what === 'C' || what === 't') lua.lua_pushliteral(L, ' ?');
  else lua.lua_pushfstring(L, ' in function <%s:%d>', frame.short_src, frame.linedefined);
}

/** The first character of a C string, as 5.1 tests `*ar.what`. */
function firstChar(s: StringArg): string {
  return typeof s === 'string' ? s.charAt(0) : String.fromCharCode(s[0] ?? 0);
}

/** Opens `debug` as 5.1's (ldblib.c's `dblib`, in its order). */
export function openDebug51(L: LuaState): void {
  registerLibrary(L, 'debug', [
    ['debug', fengariFunction('debug', 'debug')],
    ['getfenv', dbGetfenv],
    ['gethook', fengariFunction('debug', 'gethook')],
    ['getinfo', dbGetinfo],
    ['getlocal', dbGetlocal],
    ['getregistry', fengariFunction('debug', 'getregistry')],
    ['getmetatable', fengariFunction('debug', 'getmetatable')],
    ['getupvalue', skippingEnvUpvalue(fengariFunction('debug', 'getupvalue'), false)],
    ['setfenv', dbSetfenv],
    ['sethook', makeSethook(fengariFunction('debug', 'sethook'))],
    ['setlocal', dbSetlocal],
    ['setmetatable', fengariFunction('debug', 'setmetatable')],
    ['setupvalue', skippingEnvUpvalue(fengariFunction('debug', 'setupvalue'), true)],
    ['traceback', dbTraceback],
  ]);
  lua.lua_pop(L, 1);
}
