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
 * README gives the rule.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { lua } from './fengari.js';
import type { LuaState } from './fengari-api.js';

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
let stringBytesSinceCheck = 0;

/** The soft address-space limit in bytes, or null when unlimited. */
export function addressSpaceLimit(limits: string = fs.readFileSync('/proc/self/limits', 'latin1')): number | null {
  const line = /^Max address space\s+(\S+)/m.exec(limits);
  if (!line || line[1] === 'unlimited') return null;
  return Number(line[1]);
}

let ceiling: number | null = null;
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
  stringBytesSinceCheck = 0;
  if (ceiling === null || virtualSize() <= ceiling) return;
  // The stack slots and CallInfos the VM keeps for reuse (fengari-speedups.ts) are garbage too.
  luaD_releasekept(L);
  collectGarbage?.();
  if (virtualSize() > ceiling) raiseMemoryError(L);
}

/** Applies the address-space limit to L and every coroutine it creates. */
export function installMemoryGuard(L: LuaState, limit: number | null): void {
  ceiling = limit === null ? null : limit - HEADROOM;
  if (ceiling === null) return;
  lua.lua_sethook(L, (L1) => checkMemory(L1), MASKCOUNT, CHECK_EVERY_INSTRUCTIONS);
  setLargeStringHook((L1, bytes) => {
    stringBytesSinceCheck += bytes;
    if (stringBytesSinceCheck >= CHECK_EVERY_STRING_BYTES) checkMemory(L1);
  });
}
