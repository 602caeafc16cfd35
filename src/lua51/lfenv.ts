/**
 * Lua 5.1 function environments on Fengari.
 *
 * The parser patch gives every Lua function `_ENV` as its upvalue 1, so a
 * function's 5.1 environment is that upvalue. Upvalue cells are shared between
 * a closure and the closures it creates, so changing one function's
 * environment replaces its cell instead of writing into it: only that
 * function changes, and closures it creates afterwards inherit the new one.
 *
 * Stack levels follow 5.1, where a tail call leaves a "(tail call)"
 * pseudo-frame above the frame it replaced; 5.3 only flags the frame.
 */
import { lostTailCallsAt } from './lcallinfo.js';
import { fengari, lauxlib, lua } from './fengari.js';
import { checkint, optint } from './llibutil.js';
import type { LClosure, LuaDebug, LuaState } from './fengari-api.js';
import { hostOf } from './host-context.js';

const { TValue } = fengari.lobject;

/** `resolveLevel` result for a 5.1 "(tail call)" pseudo-frame. */
export const TAIL_CALL_LEVEL = -1;
/** `resolveLevel` result for a level past the bottom of the stack. */
export const NO_SUCH_LEVEL = -2;

/**
 * Maps a 5.1 stack level to Fengari's level, or TAIL_CALL_LEVEL /
 * NO_SUCH_LEVEL. Level 0 is the running JS function, as in 5.1.
 */
export function resolveLevel(L: LuaState, level51: number): number {
  const ar = new lua.lua_Debug();
  let counted = 0;
  for (let level = 0; lua.lua_getstack(L, level, ar); level++) {
    if (counted === level51) return level;
    counted++;
    const lost = lostTailCallsAt(ar);
    if (level51 < counted + lost) return TAIL_CALL_LEVEL;
    counted += lost;
  }
  return NO_SUCH_LEVEL;
}

/** How many 5.1 levels the stack of L has, "(tail call)" levels included. */
function levelsOnStack(L: LuaState): number {
  const ar = new lua.lua_Debug();
  let counted = 0;
  for (let level = 0; lua.lua_getstack(L, level, ar); level++) counted += 1 + lostTailCallsAt(ar);
  return counted;
}

/**
 * Frames a host keeps below the bottom of the Lua stack, outermost last: what
 * getfenv/setfenv find at levels past the bottom ('tail' for a "(tail call)"
 * level, 'global' for a function whose environment is the global table).
 */
export type HostFrame = 'tail' | 'global';

/** The Scribunto server stands in for the reference server's own Lua frames this way, in its state. */
export function setHostFramesBelowStack(L: LuaState, frames: readonly HostFrame[]): void {
  hostOf(L).hostFramesBelowStack = frames;
}

/** Any JS function will do: its environment is the global table. */
function hostFrameStandIn(): number {
  return 0;
}

/** Fills `ar` for a 5.1 level; false for a tail pseudo-frame or no frame. */
export function getStack51(L: LuaState, level51: number, ar: LuaDebug): boolean {
  const level = resolveLevel(L, level51);
  return level >= 0 && lua.lua_getstack(L, level, ar);
}

/**
 * 5.1's `getfunc`: pushes argument 1 if it is a function, else the function
 * at the stack level it names (default 1 when `optional`).
 */
export function pushFunctionArgument(L: LuaState, optional: boolean): void {
  if (lua.lua_isfunction(L, 1)) {
    lua.lua_pushvalue(L, 1);
    return;
  }
  // A C int: 1e300 and NaN are level 0 (the running function), 2^31 is negative.
  const level51 = optional ? optint(L, 1, 1) : checkint(L, 1);
  lauxlib.luaL_argcheck(L, level51 >= 0, 1, 'level must be non-negative');
  const level = resolveLevel(L, level51);
  if (level === NO_SUCH_LEVEL) {
    const hostFrame = hostOf(L).hostFramesBelowStack[level51 - levelsOnStack(L)];
    if (hostFrame === undefined) lauxlib.luaL_argerror(L, 1, 'invalid level');
    if (hostFrame === 'tail') lauxlib.luaL_error(L, 'no function environment for tail call at level %d', level51);
    lua.lua_pushcfunction(L, hostFrameStandIn);
    return;
  }
  if (level === TAIL_CALL_LEVEL) {
    lauxlib.luaL_error(L, 'no function environment for tail call at level %d', level51);
  }
  const ar = new lua.lua_Debug();
  lua.lua_getstack(L, level, ar);
  lua.lua_getinfo(L, 'f', ar);
}

function luaClosureAt(L: LuaState, idx: number): LClosure | null {
  if (lua.lua_type(L, idx) !== lua.LUA_TFUNCTION || lua.lua_iscfunction(L, idx)) return null;
  const closure = lua.lua_topointer(L, idx) as LClosure;
  return closure.upvals.length > 0 ? closure : null;
}

/** Pushes the environment of the function at `idx`; JS functions have the global one. */
export function pushFunctionEnv(L: LuaState, idx: number): void {
  if (luaClosureAt(L, idx) === null || lua.lua_getupvalue(L, idx, 1) === null) {
    lua.lua_pushglobaltable(L);
  }
}

/** Gives the Lua function at `fnIdx` the table at `tableIdx` as environment; false for a JS function. */
export function setFunctionEnv(L: LuaState, fnIdx: number, tableIdx: number): boolean {
  const closure = luaClosureAt(L, fnIdx);
  if (closure === null) return false;
  closure.upvals[0] = new TValue(lua.LUA_TTABLE, lua.lua_topointer(L, tableIdx));
  return true;
}

/** 5.1's `setfenv(0, t)`: the global table of the thread, which new chunks get. */
export function setThreadEnv(L: LuaState, tableIdx: number): void {
  lua.lua_pushvalue(L, tableIdx);
  lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
}
