/**
 * Differential harness: one Lua snippet run by Debian's lua5.1 (the oracle)
 * and by our VM, observed the same way — standard output, and the error
 * message that ended the chunk (without lua5.1's stack traceback).
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { lauxlib, lua, to_luastring } from '../../src/lua51/fengari.js';
import type { LuaState, LuaString } from '../../src/lua51/fengari-api.js';
import { newLua51State } from '../../src/lua51/state.js';

export const ORACLE = '/usr/bin/lua5.1';

export interface Outcome {
  stdout: string;
  /** The error message that ended the chunk, or null when it ran to the end. */
  error: string | null;
}

/** Bytes as a string of latin1 characters, so no byte is lost in comparisons. */
function bytesToString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** Runs `code` with `lua5.1 -e`, as chunk "(command line)". */
export function runOracle(code: string): Outcome {
  const result = spawnSync(ORACLE, ['-e', code], { encoding: 'latin1', timeout: 10000 });
  if (result.error) throw result.error;
  let error: string | null = null;
  if (result.status !== 0) {
    const stderr = result.stderr.startsWith(`${ORACLE}: `) ? result.stderr.slice(ORACLE.length + 2) : result.stderr;
    const traceback = stderr.lastIndexOf('\nstack traceback:\n');
    error = (traceback >= 0 ? stderr.slice(0, traceback) : stderr).replace(/\n$/, '');
  }
  return { stdout: result.stdout, error };
}

/** lua.c's message for an error value: strings and numbers as text, anything else a fixed phrase. */
function errorMessage(L: LuaState): string {
  const message = lua.lua_isstring(L, -1) ? lua.lua_tolstring(L, -1) : null;
  return message === null ? '(error object is not a string)' : bytesToString(message);
}

/** Calls the chunk from a JS function, as lua.c's `pmain` does, so stack levels below the chunk match. */
function callFromHost(L: LuaState): number {
  lua.lua_call(L, 0, 0);
  return 0;
}

/** Runs `code` in a fresh state with host I/O, capturing what it prints. */
export function runOurs(code: string): Outcome {
  const chunks: LuaString[] = [];
  const capture = (bytes: LuaString) => chunks.push(Uint8Array.from(bytes));
  const L = newLua51State({ hostIo: true, streams: { stdout: capture, stderr: () => {} } });
  const source = to_luastring(code);
  let error: string | null = null;
  if (lauxlib.luaL_loadbufferx(L, source, source.length, '=(command line)', 't') !== lua.LUA_OK) {
    error = errorMessage(L);
  } else {
    lua.lua_pushcfunction(L, callFromHost);
    lua.lua_insert(L, -2);
    if (lua.lua_pcall(L, 1, 0, 0) !== lua.LUA_OK) error = errorMessage(L);
  }
  const stdout = chunks.map(bytesToString).join('');
  return { stdout, error };
}

/** One differential case: a test, named after the 5.1 behaviour it pins, that runs `code` under both and compares. */
export function same(behaviour: string, code: string): void {
  it(behaviour, () => {
    expect(runOurs(code)).toEqual(runOracle(code));
  });
}

/** A differential case where lua5.1 raises an error: the oracle must fail, and ours exactly as it does. */
export function sameError(behaviour: string, code: string): void {
  it(behaviour, () => {
    const oracle = runOracle(code);
    expect(oracle.error).not.toBeNull();
    expect(runOurs(code)).toEqual(oracle);
  });
}
