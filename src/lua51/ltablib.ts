/**
 * Lua 5.1's table library (ltablib.c): raw accesses and the raw length
 * throughout (5.3 honours __index/__newindex/__len), the 5.1 argument rules
 * of insert/remove, the 5.1 quicksort (its comparison order is observable
 * with inconsistent comparators), and getn/setn/maxn/foreach/foreachi.
 */
import { createRequire } from 'node:module';
import { fengari, lauxlib, lua } from './fengari.js';
import type { LuaState, LuaString, TValue } from './fengari-api.js';
import { checkint, optint, registerLibrary } from './llibutil.js';

const { LUA_TFUNCTION, LUA_TNIL, LUA_TNUMBER, LUA_TTABLE } = lua;

/** `aux_getn`: argument `n` must be a table; its raw length. */
function checkedLength(L: LuaState, n: number): number {
  lauxlib.luaL_checktype(L, n, LUA_TTABLE);
  return lua.lua_rawlen(L, n);
}

function tgetn(L: LuaState): number {
  lua.lua_pushnumber(L, checkedLength(L, 1));
  return 1;
}

function tsetn(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  return lauxlib.luaL_error(L, "'setn' is obsolete");
}

/** The largest positive numeric key (any number, not only integers). */
function tmaxn(L: LuaState): number {
  let max = 0;
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === LUA_TNUMBER) {
      const key = lua.lua_tonumber(L, -1);
      if (key > max) max = key;
    }
  }
  lua.lua_pushnumber(L, max);
  return 1;
}

function tforeachi(L: LuaState): number {
  const n = checkedLength(L, 1);
  lauxlib.luaL_checktype(L, 2, LUA_TFUNCTION);
  for (let i = 1; i <= n; i++) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushnumber(L, i);
    lua.lua_rawgeti(L, 1, i);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 1);
  }
  return 0;
}

function tforeach(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, LUA_TFUNCTION);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, -3);
    lua.lua_pushvalue(L, -3);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 2);
  }
  return 0;
}

/** 5.1 accepts any position: elements from it up to the end move up, gaps included. */
function tinsert(L: LuaState): number {
  let end = checkedLength(L, 1) + 1;
  let pos: number;
  switch (lua.lua_gettop(L)) {
    case 2:
      pos = end;
      break;
    case 3:
      pos = checkint(L, 2);
      if (pos > end) end = pos;
      for (let i = end; i > pos; i--) {
        lua.lua_rawgeti(L, 1, i - 1);
        lua.lua_rawseti(L, 1, i);
      }
      break;
    default:
      return lauxlib.luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua.lua_rawseti(L, 1, pos);
  return 0;
}

/** Out-of-range positions remove nothing and return nothing. */
function tremove(L: LuaState): number {
  const end = checkedLength(L, 1);
  let pos = optint(L, 2, end);
  if (!(pos >= 1 && pos <= end)) return 0;
  lua.lua_rawgeti(L, 1, pos);
  for (; pos < end; pos++) {
    lua.lua_rawgeti(L, 1, pos + 1);
    lua.lua_rawseti(L, 1, pos);
  }
  lua.lua_pushnil(L);
  lua.lua_rawseti(L, 1, end);
  return 1;
}

function tconcat(L: LuaState): number {
  const sep = lauxlib.luaL_optlstring(L, 2, '')!;
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  const first = optint(L, 3, 1);
  const last = lua.lua_isnoneornil(L, 4) ? lua.lua_rawlen(L, 1) : checkint(L, 4);
  const parts: LuaString[] = [];
  let length = 0;
  for (let i = first; i <= last; i++) {
    lua.lua_rawgeti(L, 1, i);
    const s = lua.lua_isstring(L, -1) ? lua.lua_tolstring(L, -1) : null;
    if (s === null) {
      // Debian's lua5.1 words this as 5.2 does, naming the offending type.
      return lauxlib.luaL_error(L, "invalid value (%s) at index %d in table for 'concat'", lauxlib.luaL_typename(L, -1), i);
    }
    lua.lua_pop(L, 1);
    if (i > first) {
      parts.push(sep);
      length += sep.length;
    }
    parts.push(s);
    length += s.length;
  }
  const result = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    result.set(part, at);
    at += part.length;
  }
  lua.lua_pushlstring(L, result, length);
  return 1;
}

/**
 * The sort's own stack, which 5.1's auxsort keeps its values on (a comparator
 * could see them with debug.getlocal), read and written in place: through
 * the C API every element read and write paid its index checks and calls,
 * which cost more than the sort itself. Each helper does what the API call
 * named beside it does for a host function's stack.
 */
interface SortFrame {
  stack: TValue[];
  top: number;
  ci: { funcOff: number };
}

const require = createRequire(import.meta.url);
const { luaH_getint, luaH_setint } = require('fengari/src/ltable.js') as {
  luaH_getint(table: unknown, key: number): TValue;
  luaH_setint(table: unknown, key: number, value: TValue): void;
};
const { luaV_lessthan } = require('fengari/src/lvm.js') as {
  luaV_lessthan(L: LuaState, left: TValue, right: TValue): number;
};
const { TValue: StackValue } = fengari.lobject;

/** The table at argument 1. */
function sortedTable(frame: SortFrame): unknown {
  return frame.stack[frame.ci.funcOff + 1]!.value;
}

/** lua_rawgeti(L, 1, n) */
function pushElement(L: LuaState, n: number): void {
  const frame = L as unknown as SortFrame;
  const element = luaH_getint(sortedTable(frame), n);
  frame.stack[frame.top++] = new StackValue(element.type, element.value);
}

/** lua_rawseti(L, 1, n) */
function popElement(L: LuaState, n: number): void {
  const frame = L as unknown as SortFrame;
  luaH_setint(sortedTable(frame), n, frame.stack[frame.top - 1]!);
  frame.stack[--frame.top] = undefined as unknown as TValue;
}

/** lua_pop(L, n) */
function pop(L: LuaState, n: number): void {
  const frame = L as unknown as SortFrame;
  for (let i = 0; i < n; i++) frame.stack[--frame.top] = undefined as unknown as TValue;
}

/** `sort_comp`: the comparator at argument 2, or `<` (lua_compare). */
function sortLess(L: LuaState, a: number, b: number): boolean {
  const frame = L as unknown as SortFrame;
  if ((frame.stack[frame.ci.funcOff + 2]!.type & 0x0f) === LUA_TNIL) {
    return luaV_lessthan(L, frame.stack[frame.top + a]!, frame.stack[frame.top + b]!) !== 0;
  }
  lua.lua_pushvalue(L, 2);
  lua.lua_pushvalue(L, a - 1);
  lua.lua_pushvalue(L, b - 2);
  lua.lua_call(L, 2, 1);
  const result = lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 1);
  return result;
}

function set2(L: LuaState, i: number, j: number): void {
  popElement(L, i);
  popElement(L, j);
}

/** 5.1's `auxsort`, step for step: median of three, then partition around a[u-1]. */
function auxsort(L: LuaState, lo: number, up: number): void {
  let l = lo;
  let u = up;
  while (l < u) {
    pushElement(L, l);
    pushElement(L, u);
    if (sortLess(L, -1, -2)) set2(L, l, u);
    else pop(L, 2);
    if (u - l === 1) break;
    let i = Math.floor((l + u) / 2);
    pushElement(L, i);
    pushElement(L, l);
    if (sortLess(L, -2, -1)) set2(L, i, l);
    else {
      pop(L, 1);
      pushElement(L, u);
      if (sortLess(L, -1, -2)) set2(L, i, u);
      else pop(L, 2);
    }
    if (u - l === 2) break;
    pushElement(L, i);
    lua.lua_pushvalue(L, -1);
    pushElement(L, u - 1);
    set2(L, i, u - 1);
    i = l;
    let j = u - 1;
    for (;;) {
      while ((pushElement(L, ++i), sortLess(L, -1, -2))) {
        if (i > u) lauxlib.luaL_error(L, 'invalid order function for sorting');
        pop(L, 1);
      }
      while ((pushElement(L, --j), sortLess(L, -3, -1))) {
        if (j < l) lauxlib.luaL_error(L, 'invalid order function for sorting');
        pop(L, 1);
      }
      if (j < i) {
        pop(L, 3);
        break;
      }
      set2(L, i, j);
    }
    pushElement(L, u - 1);
    pushElement(L, i);
    set2(L, u - 1, i);
    // Recurse into the smaller half, loop on the larger one.
    if (i - l < u - i) {
      j = l;
      i = i - 1;
      l = i + 2;
    } else {
      j = i + 1;
      i = u;
      u = j - 2;
    }
    auxsort(L, j, i);
  }
}

function tsort(L: LuaState): number {
  const n = checkedLength(L, 1);
  lauxlib.luaL_checkstack(L, 40, '');
  if (!lua.lua_isnone(L, 2)) lauxlib.luaL_checktype(L, 2, LUA_TFUNCTION);
  lua.lua_settop(L, 2);
  auxsort(L, 1, n);
  return 0;
}

/** Opens `table` as 5.1's (ltablib.c's `tab_funcs`, in its order). */
export function openTable51(L: LuaState): void {
  registerLibrary(L, 'table', [
    ['concat', tconcat],
    ['foreach', tforeach],
    ['foreachi', tforeachi],
    ['getn', tgetn],
    ['maxn', tmaxn],
    ['insert', tinsert],
    ['remove', tremove],
    ['setn', tsetn],
    ['sort', tsort],
  ]);
  lua.lua_pop(L, 1);
}
