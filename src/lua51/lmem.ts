/**
 * Lua's memory limit on Node.js (what lmem.c's allocator failure gives lua5.1
 * under `ulimit -v`): a script that allocates past its budget gets the
 * catchable error "not enough memory", never a V8 heap crash or an abort.
 *
 * The limit is the one the kernel enforces: the address-space limit the
 * process runs under, which Scribunto sets from its memoryLimit. At
 * allocation checkpoints (every CHECK_EVERY_INSTRUCTIONS VM instructions, a
 * count hook, and every string of a megabyte or more, a patch of lstring.js)
 * the process's virtual size is compared with the limit less HEADROOM, the
 * room V8 needs to collect garbage and grow its young generation without
 * failing outright. Node.js itself takes about 670 MiB of address space
 * (with the flags bin/mw-lua-standalone sets: one malloc arena, one V8 worker
 * thread), so Lua gets what a wiki's memoryLimit leaves above 800 MiB; the
 * README gives the rule. Each Lua state has its own limit and its own count
 * of new strings (its host context), so states that share a process (the
 * sessions of a long-lived one) do not share a budget.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { lua } from './fengari.js';
import type { LuaState } from './fengari-api.js';
import { hostOf } from './host-context.js';

const require = createRequire(import.meta.url);
const { luaD_releasekept, luaD_throw } = require('fengari/src/ldo.js') as {
  luaD_releasekept: (L: LuaState) => void;
  luaD_throw: (L: LuaState, status: number) => never;
};
const { setLargeStringHook } = require('fengari/src/lstring.js') as {
  setLargeStringHook: (hook: ((L: LuaState, bytes: number) => void) | null) => void;
};

const HEADROOM = 128 * 1024 * 1024;
/** /proc/self/statm counts pages; 4 KiB on the kernels Debian ships for x86-64 and arm64. */
const PAGE_SIZE = 4096;
const MASKCOUNT = 1 << 3;
const CHECK_EVERY_INSTRUCTIONS = 100000;
const CHECK_EVERY_STRING_BYTES = 4 * 1024 * 1024;

/** One state's limit and what it allocated since its last checkpoint. */
export interface MemoryGuard {
  /** The virtual size past which Lua gets "not enough memory"; null without a limit. */
  readonly ceiling: number | null;
  /** Bytes of large strings made since the last checkpoint. */
  stringBytesSinceCheck: number;
}

/** The guard for an address-space limit in bytes (null: unlimited). */
export function newMemoryGuard(limit: number | null): MemoryGuard {
  return { ceiling: limit === null ? null : limit - HEADROOM, stringBytesSinceCheck: 0 };
}

/** The soft address-space limit in bytes, or null when unlimited. */
export function addressSpaceLimit(limits: string = fs.readFileSync('/proc/self/limits', 'latin1')): number | null {
  const line = /^Max address space\s+(\S+)/m.exec(limits);
  if (!line || line[1] === 'unlimited') return null;
  return Number(line[1]);
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

function virtualSize(): number {
  return Number(fs.readFileSync('/proc/self/statm', 'latin1').split(' ', 1)[0]) * PAGE_SIZE;
}

/** 5.1's allocation failure: the error "not enough memory", which has no position. */
export function raiseMemoryError(L: LuaState): never {
  return luaD_throw(L, lua.LUA_ERRMEM);
}

/** Raises "not enough memory" in L when the process is too close to its limit even after a full collection. */
export function checkMemory(L: LuaState): void {
  const guard = hostOf(L).memory;
  guard.stringBytesSinceCheck = 0;
  if (guard.ceiling === null || virtualSize() <= guard.ceiling) return;
  // The stack slots and CallInfos the VM keeps for reuse (fengari-speedups.ts) are garbage too.
  luaD_releasekept(L);
  collectGarbage?.();
  if (virtualSize() > guard.ceiling) raiseMemoryError(L);
}

/** Counts a new large string of L's state towards its next checkpoint. */
function countLargeString(L: LuaState, bytes: number): void {
  const guard = hostOf(L).memory;
  if (guard.ceiling === null) return;
  guard.stringBytesSinceCheck += bytes;
  if (guard.stringBytesSinceCheck >= CHECK_EVERY_STRING_BYTES) checkMemory(L);
}

/** Applies the limit of L's memory guard to L and every coroutine it creates. */
export function installMemoryGuard(L: LuaState): void {
  if (hostOf(L).memory.ceiling === null) return;
  lua.lua_sethook(L, (L1) => checkMemory(L1), MASKCOUNT, CHECK_EVERY_INSTRUCTIONS);
  // Fengari has one hook for all states: installed with the first limit, it finds each string's own state.
  setLargeStringHook(countLargeString);
}
