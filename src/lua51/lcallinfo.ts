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
}

/**
 * Whether the Lua function at stack `level` is calling the function above it
 * by a tail call. Where that callee is one of our JavaScript functions
 * standing in for a Lua function of the reference, 5.1 would have replaced
 * this caller's frame by a "(tail call)" level.
 */
export function isMakingTailCall(L: LuaState, level: number): boolean {
  const ar = new lua.lua_Debug() as LuaDebug & { i_ci: CallInfo };
  if (!lua.lua_getstack(L, level, ar)) return false;
  const ci = ar.i_ci;
  return (ci.callstatus & CIST_LUA) !== 0 && ci.l_code[ci.l_savedpc - 1]?.opcode === OP_TAILCALL;
}

/**
 * How many "(tail call)" levels 5.1 shows above the frame at stack `level`:
 * one for each frame that a chain of tail calls ending in it replaced.
 */
export function lostTailCalls(L: LuaState, level: number): number {
  const ar = new lua.lua_Debug() as LuaDebug & { i_ci: CallInfo };
  if (!lua.lua_getstack(L, level, ar)) return 0;
  const ci = ar.i_ci;
  return ci.callstatus & CIST_TAIL ? (ci.tailcalls ?? 1) : 0;
}
