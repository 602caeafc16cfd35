/**
 * Lua 5.1's base library (lbaselib.c) on top of Fengari's 5.3 one: function
 * environments, `unpack`, `loadstring` and the 5.1 `load`, the 5.1 argument
 * rules of `tonumber`, `error`, `assert`, `xpcall`, a `pcall` nothing can yield
 * across, raw `pairs`/`ipairs`, `gcinfo`, `newproxy`, and no 5.2+ additions.
 * Chunks are only ever loaded as text.
 */
import fs from 'node:fs';
import { lauxlib, lua, to_luastring } from './fengari.js';
import type { LuaJsFunction, LuaState, LuaString } from './fengari-api.js';
import { getStack51, pushFunctionArgument, pushFunctionEnv, setFunctionEnv, setThreadEnv } from './lfenv.js';
import { strerror } from './lhost.js';
import { checkint, fengariFunction, optint, registerLibrary, setFunctions } from './llibutil.js';
import type { HostStreams } from './lhost.js';
import { str2number, strtoul, isCSpace } from './lstrtod.js';

const {
  LUA_MULTRET, LUA_OK, LUA_TBOOLEAN, LUA_TFUNCTION, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE,
} = lua;

/** 5.1's LUAI_MAXCSTACK: how many values a C function may push, which bounds `unpack`. */
const MAX_C_STACK = 8000;

/** Only text chunks: a binary chunk could forge bytecode that escapes the sandbox. */
export const TEXT_MODE = 't';

/** 5.1's `luaL_where`, counting levels as 5.1 does (tail calls included). */
export function pushWhere51(L: LuaState, level: number): void {
  const whereInfo = new lua.lua_Debug();
  if (getStack51(L, level, whereInfo)) {
    lua.lua_getinfo(L, 'Sl', whereInfo);
    if (whereInfo.currentline > 0) {
      lua.lua_pushfstring(L, '%s:%d: ', whereInfo.short_src, whereInfo.currentline);
      return;
    }
  }
  lua.lua_pushliteral(L, '');
}

/** `load_aux`: the function, or nil plus the message. */
function loadResult(L: LuaState, status: number): number {
  if (status === LUA_OK) return 1;
  lua.lua_pushnil(L);
  lua.lua_insert(L, -2);
  return 2;
}

/**
 * 5.1's `luaL_loadfile` in text mode: a first line starting with '#' is
 * skipped (its newline kept for line numbers), `null` reads standard input.
 */
export function loadFile51(L: LuaState, filename: LuaString | null): number {
  const chunkname = filename === null ? to_luastring('=stdin') : lua.lua_pushfstring(L, '@%s', filename);
  if (filename !== null) lua.lua_pop(L, 1);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(filename === null ? 0 : Buffer.from(filename));
  } catch (e) {
    const what = (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'read' : 'open';
    lua.lua_pushfstring(L, 'cannot %s %s: %s', what, filename ?? to_luastring('stdin'), strerror(e));
    return lua.LUA_ERRFILE;
  }
  if (bytes[0] === 35 /* # */) {
    const newline = bytes.indexOf(10);
    bytes = newline < 0 ? new Uint8Array(0) : bytes.subarray(newline);
  }
  return lauxlib.luaL_loadbufferx(L, bytes, bytes.length, chunkname, TEXT_MODE);
}

function luaB_loadstring(L: LuaState): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const chunkname = lauxlib.luaL_optstring(L, 2, s);
  return loadResult(L, lauxlib.luaL_loadbufferx(L, s, s.length, chunkname, TEXT_MODE));
}

/** Slot where the reader keeps the last piece, so it stays alive while parsed. */
const READER_SLOT = 3;

function genericReader(L: LuaState): LuaString | null {
  lauxlib.luaL_checkstack(L, 2, 'too many nested functions');
  lua.lua_pushvalue(L, 1);
  lua.lua_call(L, 0, 1);
  if (lua.lua_isnil(L, -1)) {
    lua.lua_pop(L, 1);
    return null;
  }
  if (!lua.lua_isstring(L, -1)) lauxlib.luaL_error(L, 'reader function must return a string');
  lua.lua_replace(L, READER_SLOT);
  return lua.lua_tolstring(L, READER_SLOT);
}

/** 5.1's `load(func [, chunkname])`: only a reader function, no mode, no env. */
function luaB_load(L: LuaState): number {
  const chunkname = lauxlib.luaL_optstring(L, 2, '=(load)')!;
  lauxlib.luaL_checktype(L, 1, LUA_TFUNCTION);
  lua.lua_settop(L, READER_SLOT);
  return loadResult(L, lua.lua_load(L, genericReader, null, chunkname, TEXT_MODE));
}

function luaB_loadfile(L: LuaState): number {
  return loadResult(L, loadFile51(L, lauxlib.luaL_optstring(L, 1, null)));
}

function luaB_dofile(L: LuaState): number {
  const filename = lauxlib.luaL_optstring(L, 1, null);
  const base = lua.lua_gettop(L);
  if (loadFile51(L, filename) !== LUA_OK) lua.lua_error(L);
  lua.lua_call(L, 0, LUA_MULTRET);
  return lua.lua_gettop(L) - base;
}

function luaB_getfenv(L: LuaState): number {
  pushFunctionArgument(L, true);
  pushFunctionEnv(L, -1);
  return 1;
}

function luaB_setfenv(L: LuaState): number {
  lauxlib.luaL_checktype(L, 2, LUA_TTABLE);
  pushFunctionArgument(L, false);
  // The number itself, not its int: setfenv(2^32, t) is level 0 but not the thread's environment; "0" is.
  if (lua.lua_isnumber(L, 1) && lua.lua_tonumber(L, 1) === 0) {
    setThreadEnv(L, 2);
    return 0;
  }
  if (!setFunctionEnv(L, -1, 2)) lauxlib.luaL_error(L, "'setfenv' cannot change environment of given object");
  return 1;
}

function luaB_unpack(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  let i = optint(L, 2, 1);
  const last = lua.lua_isnoneornil(L, 3) ? lua.lua_rawlen(L, 1) : checkint(L, 3);
  if (i > last) return 0;
  const n = last - i + 1;
  if (n <= 0 || n + lua.lua_gettop(L) > MAX_C_STACK || !lua.lua_checkstack(L, n)) {
    return lauxlib.luaL_error(L, 'too many results to unpack');
  }
  for (; i <= last; i++) lua.lua_rawgeti(L, 1, i);
  return n;
}

/** `tonumber(e [, base])` through C's strtod/strtoul as 5.1 does. */
function luaB_tonumber(L: LuaState): number {
  const base = optint(L, 2, 10);
  if (base === 10) {
    lauxlib.luaL_checkany(L, 1);
    const type = lua.lua_type(L, 1);
    if (type === LUA_TNUMBER) {
      lua.lua_pushvalue(L, 1);
      return 1;
    }
    if (type === LUA_TSTRING) {
      const n = str2number(lua.lua_tolstring(L, 1)!);
      if (n !== null) {
        lua.lua_pushnumber(L, n);
        return 1;
      }
    }
  } else {
    const s = lauxlib.luaL_checklstring(L, 1);
    lauxlib.luaL_argcheck(L, base >= 2 && base <= 36, 2, 'base out of range');
    const nul = s.indexOf(0);
    const limit = nul < 0 ? s.length : nul;
    const parsed = strtoul(s, base, limit);
    if (parsed.end > 0) {
      let end = parsed.end;
      while (end < limit && isCSpace(s[end])) end++;
      if (end === limit) {
        lua.lua_pushnumber(L, parsed.value);
        return 1;
      }
    }
  }
  lua.lua_pushnil(L);
  return 1;
}

/** 5.1 prefixes the position to strings and numbers alike (`lua_isstring`). */
function luaB_error(L: LuaState): number {
  const level = optint(L, 2, 1);
  lua.lua_settop(L, 1);
  if (lua.lua_isstring(L, 1) && level > 0) {
    pushWhere51(L, level);
    lua.lua_pushvalue(L, 1);
    lua.lua_concat(L, 2);
  }
  return lua.lua_error(L);
}

/**
 * 5.1's `xpcall(f, err)`: no arguments for f, any handler value accepted.
 * `true` goes in first, as in pcall: the stack may be full of results afterwards.
 */
function luaB_xpcall(L: LuaState): number {
  lauxlib.luaL_checkany(L, 2);
  lua.lua_settop(L, 2);
  lua.lua_insert(L, 1);
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  const status = lua.lua_pcall(L, 0, LUA_MULTRET, 2);
  lua.lua_remove(L, 2);
  if (status === LUA_OK) return lua.lua_gettop(L);
  lua.lua_pushboolean(L, false);
  lua.lua_replace(L, 1);
  return 2;
}

/** 5.1's `ipairsaux`: the control variable is a C int, and its `i++` wraps from 2^31 - 1 to -2^31. */
function ipairsStep(L: LuaState): number {
  const i = (checkint(L, 2) + 1) | 0;
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lua.lua_pushnumber(L, i);
  return lua.lua_rawgeti(L, 1, i) === LUA_TNIL ? 0 : 2;
}

/** Raw, as in 5.1: no __ipairs, no __index (Scribunto's mwInit.lua checks this). */
function luaB_ipairs(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lua.lua_pushcfunction(L, ipairsStep);
  lua.lua_pushvalue(L, 1);
  lua.lua_pushnumber(L, 0);
  return 3;
}

/** The iterator `pairs` returns: a function of its own, as 5.1's upvalue copy of `next` is. */
function pairsNext(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lua.lua_settop(L, 2);
  if (lua.lua_next(L, 1)) return 2;
  lua.lua_pushnil(L);
  return 1;
}

/** Raw, as in 5.1: no __pairs. */
function luaB_pairs(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lua.lua_pushcfunction(L, pairsNext);
  lua.lua_pushvalue(L, 1);
  lua.lua_pushnil(L);
  return 3;
}

/** 5.1's `select(n, ...)`: n is a C int, so 2^31 is -2^31, out of range. */
function luaB_select(L: LuaState): number {
  const n = lua.lua_gettop(L);
  if (lua.lua_type(L, 1) === LUA_TSTRING && lua.lua_tolstring(L, 1)![0] === 35 /* # */) {
    lua.lua_pushnumber(L, n - 1);
    return 1;
  }
  let i = checkint(L, 1);
  if (i < 0) i = n + i;
  else if (i > n) i = n;
  lauxlib.luaL_argcheck(L, i >= 1, 1, 'index out of range');
  return n - i;
}

/** 5.1's tostring: `__tostring` may return anything, `__name` means nothing. */
function luaB_tostring(L: LuaState): number {
  lauxlib.luaL_checkany(L, 1);
  if (lauxlib.luaL_callmeta(L, 1, '__tostring')) return 1;
  switch (lua.lua_type(L, 1)) {
    case LUA_TNUMBER:
      lua.lua_pushstring(L, lua.lua_tolstring(L, 1));
      break;
    case LUA_TSTRING:
      lua.lua_pushvalue(L, 1);
      break;
    case LUA_TBOOLEAN:
      lua.lua_pushliteral(L, lua.lua_toboolean(L, 1) ? 'true' : 'false');
      break;
    case LUA_TNIL:
      lua.lua_pushliteral(L, 'nil');
      break;
    default:
      lua.lua_pushfstring(L, '%s: %p', lauxlib.luaL_typename(L, 1), lua.lua_topointer(L, 1));
  }
  return 1;
}

const TAB = to_luastring('\t');
const NEWLINE = to_luastring('\n');

/** What C's fputs writes of a Lua string: the bytes before the first NUL. */
function cString(s: LuaString): LuaString {
  const nul = s.indexOf(0);
  return nul < 0 ? s : s.subarray(0, nul);
}

/**
 * `print` through the global `tostring`, writing each string as 5.1's fputs
 * does (up to a NUL). One write per call: what was printed before a failing
 * `tostring` is still written, as 5.1 has written it by then.
 */
function makePrint(streams: HostStreams): LuaJsFunction {
  return (L) => {
    const n = lua.lua_gettop(L);
    const parts: LuaString[] = [];
    lua.lua_getglobal(L, 'tostring');
    try {
      for (let i = 1; i <= n; i++) {
        lua.lua_pushvalue(L, -1);
        lua.lua_pushvalue(L, i);
        lua.lua_call(L, 1, 1);
        const s = lua.lua_tolstring(L, -1);
        if (s === null) return lauxlib.luaL_error(L, "'tostring' must return a string to 'print'");
        if (i > 1) parts.push(TAB);
        parts.push(cString(s));
        lua.lua_pop(L, 1);
      }
      parts.push(NEWLINE);
    } finally {
      streams.stdout(Buffer.concat(parts));
    }
    return 0;
  };
}

/** Kilobytes in use, what 5.1's `lua_getgccount` reports. */
function heapKilobytes(): number {
  return process.memoryUsage().heapUsed / 1024;
}

const GC_OPTIONS = ['stop', 'restart', 'collect', 'count', 'step', 'setpause', 'setstepmul'];
const GC_OPTION_STRINGS = GC_OPTIONS.map((option) => to_luastring(option));

/**
 * The collector is V8's: the 5.1 options are accepted, `count` reports the JS
 * heap, and `step` reports a finished cycle when the step covers the whole
 * heap (5.1 then runs its collector to the end of a cycle).
 */
function makeCollectgarbage(): LuaJsFunction {
  const settings = { setpause: 200, setstepmul: 200 };
  return (L) => {
    const option = GC_OPTIONS[lauxlib.luaL_checkoption(L, 1, 'collect', GC_OPTION_STRINGS)]!;
    const arg = optint(L, 2, 0);
    switch (option) {
      case 'count':
        lua.lua_pushnumber(L, heapKilobytes());
        break;
      case 'step':
        // 5.1 shifts the size as an unsigned 64-bit number: a negative int is a step beyond any heap.
        lua.lua_pushboolean(L, arg < 0 || arg >= heapKilobytes());
        break;
      case 'setpause':
      case 'setstepmul':
        lua.lua_pushnumber(L, settings[option]);
        settings[option] = arg;
        break;
      default:
        lua.lua_pushnumber(L, 0);
    }
    return 1;
  };
}

function luaB_gcinfo(L: LuaState): number {
  lua.lua_pushnumber(L, Math.floor(heapKilobytes()));
  return 1;
}

/** 5.1's undocumented `newproxy([bool | proxy])`: a userdata, optionally sharing a metatable. */
function makeNewproxy(): LuaJsFunction {
  const proxyMetatables = new WeakSet<object>();
  return (L) => {
    lua.lua_settop(L, 1);
    lua.lua_newuserdata(L, 0);
    if (!lua.lua_toboolean(L, 1)) return 1;
    if (lua.lua_type(L, 1) === LUA_TBOOLEAN) {
      lua.lua_newtable(L);
      proxyMetatables.add(lua.lua_topointer(L, -1) as object);
    } else {
      const valid = lua.lua_getmetatable(L, 1) && proxyMetatables.has(lua.lua_topointer(L, -1) as object);
      if (!valid) lauxlib.luaL_argerror(L, 1, 'boolean or proxy expected');
    }
    lua.lua_setmetatable(L, 2);
    return 1;
  };
}

/** 5.1's assert: the message is a string (luaL_error's "%s"), positioned like any luaL_error. */
function luaB_assert(L: LuaState): number {
  lauxlib.luaL_checkany(L, 1);
  if (!lua.lua_toboolean(L, 1)) return lauxlib.luaL_error(L, '%s', lauxlib.luaL_optstring(L, 2, 'assertion failed!'));
  return lua.lua_gettop(L);
}

/**
 * 5.1's pcall: a plain lua_pcall, so nothing called under it can yield (5.3's
 * resumes across it). `true` goes below the function first, as Fengari's own
 * pcall does: the stack may be full of results afterwards.
 */
function luaB_pcall(L: LuaState): number {
  lauxlib.luaL_checkany(L, 1);
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  if (lua.lua_pcall(L, lua.lua_gettop(L) - 2, LUA_MULTRET, 0) === LUA_OK) return lua.lua_gettop(L);
  lua.lua_pushboolean(L, false);
  lua.lua_insert(L, -2);
  return 2;
}

/**
 * Opens the base library into the globals as 5.1's `base_open` does, in its
 * order: `_G`, lbaselib.c's `base_funcs`, `_VERSION`, `ipairs`, `pairs`,
 * `newproxy`. Leaves nothing on the stack.
 */
export function openBase51(L: LuaState, streams: HostStreams): void {
  lua.lua_pushglobaltable(L);
  lua.lua_setglobal(L, '_G');
  registerLibrary(L, '_G', [
    ['assert', luaB_assert],
    ['collectgarbage', makeCollectgarbage()],
    ['dofile', luaB_dofile],
    ['error', luaB_error],
    ['gcinfo', luaB_gcinfo],
    ['getfenv', luaB_getfenv],
    ['getmetatable', fengariFunction('base', 'getmetatable')],
    ['loadfile', luaB_loadfile],
    ['load', luaB_load],
    ['loadstring', luaB_loadstring],
    ['next', fengariFunction('base', 'next')],
    ['pcall', luaB_pcall],
    ['print', makePrint(streams)],
    ['rawequal', fengariFunction('base', 'rawequal')],
    ['rawget', fengariFunction('base', 'rawget')],
    ['rawset', fengariFunction('base', 'rawset')],
    ['select', luaB_select],
    ['setfenv', luaB_setfenv],
    ['setmetatable', fengariFunction('base', 'setmetatable')],
    ['tonumber', luaB_tonumber],
    ['tostring', luaB_tostring],
    ['type', fengariFunction('base', 'type')],
    ['unpack', luaB_unpack],
    ['xpcall', luaB_xpcall],
  ]);
  lua.lua_pushliteral(L, 'Lua 5.1');
  lua.lua_setglobal(L, '_VERSION');
  setFunctions(L, [
    ['ipairs', luaB_ipairs],
    ['pairs', luaB_pairs],
  ]);
  lua.lua_pushcfunction(L, makeNewproxy());
  lua.lua_setglobal(L, 'newproxy');
  lua.lua_pop(L, 1);
}
