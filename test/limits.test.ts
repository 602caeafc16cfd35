/**
 * Limits end a runaway script the way Scribunto expects: CPU time through the
 * kernel's SIGXCPU, memory as Lua's catchable "not enough memory", recursion
 * as Lua's "stack overflow".
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSame, runOurs } from './lua51/differential.js';
import { StandaloneClient } from './support/php-client.js';
import { INTERPRETERS, MW_MAIN, OUR_BINARY, serverArgs } from './support/interpreters.js';

const LUA_ULIMIT = path.join(path.dirname(MW_MAIN), 'lua_ulimit.sh');

/** Runs a chunk in plain-script mode under `ulimit -v` (KB), as Scribunto's lua_ulimit.sh sets it. */
function runUnderAddressLimit(kilobytes: number, code: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('/bin/sh', ['-c', `ulimit -v ${kilobytes}; exec "$0" -e "$1"`, OUR_BINARY, code], {
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const MEMORY_BOMBS: Record<string, string> = {
  'string.rep of a gigabyte': 'return string.rep("x", 2^30)',
  'string.rep of more than a string can hold': 'return ("x"):rep(2^20):rep(2^12)',
  'a string doubled by concatenation': 'local s = "x" for i = 1, 40 do s = s .. s end return #s',
  'a table that grows without end': 'local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(100) .. i end',
  'a table of tables': 'local t = {} for i = 1, 1e8 do t[i] = {i} end',
  'many one-megabyte strings': 'local t = {} local s = ("y"):rep(1e6) for i = 1, 1e5 do t[i] = s .. i end',
  'deep recursion that builds tables': 'local function f(n) local t = {n, ("w"):rep(1e5) .. n} return f(n + 1), t end return f(1)',
};

describe('memory: a script past its budget gets "not enough memory", and the interpreter lives on', () => {
  for (const [bomb, code] of Object.entries(MEMORY_BOMBS)) {
    it(bomb, () => {
      const { status, stdout, stderr } = runUnderAddressLimit(
        900_000,
        `print(pcall(function() ${code} end)) local t = {} for i = 1, 1e4 do t[i] = {("z"):rep(100)} end print("alive", #t)`,
      );
      expect({ status, stdout, stderr }).toEqual({ status: 0, stdout: 'false\tnot enough memory\nalive\t10000\n', stderr: '' });
    });
  }
});

describe('memory: allocations that V8 refuses before the budget check', () => {
  it('a concatenation whose buffer cannot be allocated is "not enough memory", not a garbled error value', () => {
    // Under 1 GiB the doubling reaches 256 MB in one step, which V8 refuses
    // while the Lua frame's stack is full.
    const { status, stdout } = runUnderAddressLimit(
      1_048_576,
      'print(pcall(function() local s = ("x"):rep(2^20) while true do s = s .. s end end))',
    );
    expect({ status, stdout }).toEqual({ status: 0, stdout: 'false\tnot enough memory\n' });
  });
});

describe('recursion stops where 5.1 stops it', () => {
  it('unbounded recursion is a catchable "stack overflow" after the same depth as lua5.1', () => {
    const code = 'local max = 0 local function f(n) max = n return 1 + f(n + 1) end print(pcall(f, 1)) print(max)';
    expectSame(code, 'runs to the end');
  });

  it('15,000 nested Lua calls, which lua5.1 runs, work', () => {
    const code = 'local function g(n) if n == 0 then return 0 end return 1 + g(n - 1) end print(g(15000))';
    expect(runOurs(code)).toEqual({ stdout: '15000\n', error: null });
  });
});

describe('CPU time', () => {
  it("a runaway script under Scribunto's lua_ulimit.sh dies of SIGXCPU, which PHP reports as a timeout", async () => {
    const command = `${OUR_BINARY} ${serverArgs(1).join(' ')}`;
    const client = new StandaloneClient('/bin/sh', [LUA_ULIMIT, '1', '2', '4000000', command], 1);
    const loop = await client.loadString('while true do end', '=runaway');
    void client.call(loop).catch(() => undefined);
    expect(await client.exited).toEqual({ code: null, signal: 'SIGXCPU' });
  }, 30_000);

  // MWServer's tostring calls __tostring by a tail call, so no stack grows.
  it.each(INTERPRETERS)('a __tostring that calls tostring loops until SIGXCPU: $name', async ({ command }) => {
    const client = new StandaloneClient('/bin/sh', [LUA_ULIMIT, '2', '3', '4000000', `${command} ${serverArgs(1).join(' ')}`], 1);
    const loop = await client.loadString(
      'local t t = setmetatable({}, {__tostring = function() return tostring(t) end}) return pcall(tostring, t)',
      '=runaway',
    );
    void client.call(loop).catch(() => undefined);
    expect(await client.exited).toEqual({ code: null, signal: 'SIGXCPU' });
  }, 30_000);
});
