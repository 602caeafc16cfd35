/**
 * Call-stack facts Fengari keeps but its debug API does not expose, needed
 * where Lua 5.1 would count a frame differently.
 */
import { createRequire } from 'node:module';
import { lua } from './fengari.js';
import type { LuaDebug, LuaState } from './fengari-api.js';

const require = createRequire(import.meta.url);
const { OpCodesI } = require('fengari/src/lopcodes.js') as { OpCodesI: Record<string, number> };
const { CIST_LUA, CIST_TAIL } = require('fengari/src/lstate.js') as { CIST_LUA: number; CIST_TAIL: number };
const OP_TAILCALL = OpCodesI.OP_TAILCALL!;

interface CallInfo {
  callstatus: number;
  /** Set by our OP_TAILCALL patch: how many frames the tail calls into this one replaced. */
  tailcalls?: number;
  l_code: Array<{ opcode: number }>;
  l_savedpc: number;
  previous: CallInfo | null;
  /** Set by our lstate.js patch: how many CallInfos are below this one, for 5.1's "stack overflow". */
  depth: number;
}

/** A lua_Debug as lua_getstack fills it: it names the frame's CallInfo. */
type StackRecord = LuaDebug & { i_ci: CallInfo };

/** The fields of Fengari's lua_State used here. */
interface StateInternals {
  base_ci: CallInfo;
  ci: CallInfo;
  /** Nested C calls, counted towards LUAI_MAXCCALLS (200) as 5.1 counts them. */
  nCcalls: number;
}

/**
 * lua_getstack's record for every level from `level` to the bottom of the
 * stack, innermost first, ready for lua_getinfo. One walk down the CallInfo
 * chain, where a lua_getstack per level would walk it once per level.
 */
export function stackFrom(L: LuaState, level: number): LuaDebug[] {
  const first = new lua.lua_Debug() as StackRecord;
  if (!lua.lua_getstack(L, level, first)) return [];
  const records: LuaDebug[] = [first];
  const bottom = (L as unknown as StateInternals).base_ci;
  for (let ci = first.i_ci.previous; ci !== null && ci !== bottom; ci = ci.previous) {
    const ar = new lua.lua_Debug() as StackRecord;
    ar.i_ci = ci;
    records.push(ar);
  }
  return records;
}

/** What identifies the frame `ar` describes for as long as it is active. */
export function frameIdentity(ar: LuaDebug): object {
  return (ar as StackRecord).i_ci;
}

/**
 * Whether the Lua function at stack `level` is calling the function above it
 * by a tail call. Where that callee is one of our JavaScript functions
 * standing in for a Lua function of the reference, 5.1 would have replaced
 * this caller's frame by a "(tail call)" level.
 */
export function isMakingTailCall(L: LuaState, level: number): boolean {
  const ar = new lua.lua_Debug();
  return lua.lua_getstack(L, level, ar) && isMakingTailCallAt(ar);
}

/** isMakingTailCall for the frame `ar` describes. */
export function isMakingTailCallAt(ar: LuaDebug): boolean {
  const ci = (ar as StackRecord).i_ci;
  return (ci.callstatus & CIST_LUA) !== 0 && ci.l_code[ci.l_savedpc - 1]?.opcode === OP_TAILCALL;
}

/**
 * How many "(tail call)" levels 5.1 shows above the frame `ar` describes: one
 * for each frame that a chain of tail calls ending in it replaced.
 */
export function lostTailCallsAt(ar: LuaDebug): number {
  const ci = (ar as StackRecord).i_ci;
  return ci.callstatus & CIST_TAIL ? (ci.tailcalls ?? 1) : 0;
}

/**
 * Counts `count` nested C calls that the interpreter we stand in for has
 * below the point where our host code starts running Lua (lua.c's
 * lua_cpcall and lua_pcall, say), so that 5.1's "C stack overflow" after 200
 * of them comes at the same depth.
 */
export function countHostCCalls(L: LuaState, count: number): void {
  (L as unknown as StateInternals).nCcalls += count;
}

/**
 * Counts `count` call levels that the interpreter we stand in for has where
 * our host code is running (the reference server's Lua frames, say), so that
 * 5.1's "stack overflow" once a thread has 16,383 CallInfos comes at the same
 * depth. The levels are counted on the current CallInfo, so they are gone
 * with it.
 */
export function countHostCallLevels(L: LuaState, count: number): void {
  (L as unknown as StateInternals).ci.depth += count;
}
