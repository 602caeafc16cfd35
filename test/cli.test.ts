import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MW_MAIN, OUR_BINARY, REFERENCE_LUA, SCRIBUNTO_INCLUDES } from './support/interpreters.js';

/** What lua5.1 prints and exits with for the same arguments, its program name put as ours. */
function runReference(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(REFERENCE_LUA, args);
  const stderr = result.stderr.toString().replace(new RegExp(`^${REFERENCE_LUA}: `), 'mw-lua-standalone: ');
  return { status: result.status, stdout: result.stdout.toString(), stderr };
}

function run(args: readonly string[], input = '', shellPrefix = ''): { status: number | null; stdout: string; stderr: string } {
  const result = shellPrefix
    ? spawnSync('/bin/sh', ['-c', `${shellPrefix} exec "$0" "$@"`, OUR_BINARY, ...args], { input })
    : spawnSync(OUR_BINARY, args, { input });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe('the command line', () => {
  it('-v prints one line that Special:Version reads as Lua 5.1.5 and names this program and Fengari', () => {
    const { status, stdout } = run(['-v']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Lua 5\.1\.5 \(mw-lua-standalone \S+ on Fengari 0\.1\.5\)\n$/);
    expect(/^Lua(?:JIT)? \S+/.exec(stdout)?.[0]).toBe('Lua 5.1.5');
  });

  it('-e runs a chunk as Lua 5.1', () => {
    expect(run(['-e', 'print(2^53, 10/2, _VERSION)']).stdout).toBe('9.007199254741e+15\t5\tLua 5.1\n');
  });

  it('a script gets its arguments in arg and ...', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mwls-cli-'));
    const script = path.join(dir, 'args.lua');
    fs.writeFileSync(script, '#!/usr/bin/env lua\nprint(arg[0] == (...), select("#", ...), ...)\nprint(arg[1], arg[2])\n');
    expect(run([script, 'one', 'two']).stdout).toBe('false\t2\tone\ttwo\none\ttwo\n');
    expect(run([script, script]).stdout).toBe(`true\t1\t${script}\n${script}\tnil\n`);
    fs.rmSync(dir, { recursive: true });
  });

  it('- runs standard input', () => {
    expect(run(['-'], 'io.write("from stdin\\n")').stdout).toBe('from stdin\n');
  });

  it('an uncaught error prints the message and a traceback on stderr and exits 1', () => {
    const { status, stdout, stderr } = run(['-e', 'error("bad thing")']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^mw-lua-standalone: \(command line\):1: bad thing\nstack traceback:\n/);
  });

  it('an uncaught error prints the traceback lua5.1 prints, through the global debug.traceback', () => {
    for (const code of [
      'error("bad thing")',
      'local function f(n) if n == 0 then error("deep") end f(n - 1) end f(25)',
      'debug.traceback = function(m, level) return "mine: " .. m .. " " .. level end error("x")',
      'debug = nil error("no traceback")',
    ]) {
      expect(run(['-e', code])).toEqual(runReference(['-e', code]));
    }
  });

  it('runs chunks as lua.c does: parsed one C call deep, run two deep, called by a C function', () => {
    const nested = (n: number) => `return ${'('.repeat(n)}1${')'.repeat(n)}`;
    for (const args of [
      ['-e', 'local d = 0 local function f() d = d + 1 local _, e = pcall(f) return e end print(f(), d)'],
      ['-e', 'print(debug.traceback("top"))'],
      ['-e', nested(197)],
      ['-e', 'local function f() return pcall(f) end local r = {f()} print(#r, r[#r])'],
    ]) {
      expect(run(args)).toEqual(runReference(args));
    }
    // 5.1 words the syntax-level limit otherwise ("chunk has too many syntax levels"), but at the same depth.
    expect(run(['-e', nested(198)]).status).toBe(runReference(['-e', nested(198)]).status);
  });

  it("os.exit's status is a C int (luaL_optint), of which the shell sees the low 8 bits", () => {
    for (const status of ['2^32 + 3', '2^31', '2^31 - 1', '-2^31 - 1', '1e300', '0/0', '-1', '258.9', '"7"']) {
      const args = ['-e', `os.exit(${status})`];
      expect(run(args)).toEqual(runReference(args));
    }
  });

  it('os.exit ends the script from inside pcall, xpcall, a coroutine and a message handler, as lua5.1 exits', () => {
    for (const code of [
      'print("before") print(pcall(os.exit, 3)) print("after")',
      'print(xpcall(function() os.exit(4) end, function(m) print("handler", m) return m end)) print("after")',
      'print(coroutine.resume(coroutine.create(function() pcall(os.exit, 5) end))) print("after")',
      'print(xpcall(error, function() os.exit(6) end)) print("after")',
    ]) {
      const args = ['-e', code];
      expect(run(args)).toEqual(runReference(args));
    }
  });

  it('--help describes both modes', () => {
    const { status, stdout } = run(['--help']);
    expect(status).toBe(0);
    expect(stdout).toContain('mw_main.lua <includesDir> <interpreterId> <intSize>');
    expect(stdout).toContain('script [args]');
  });

  it('server mode refuses a non-numeric interpreter id with one line on stderr', () => {
    const { status, stdout, stderr } = run([MW_MAIN, SCRIBUNTO_INCLUDES, 'x', '8']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe("mw-lua-standalone: bad argument #1 to 'MWServer:new' (must be a number or convertible to a number)\n");
  });

  it('server mode refuses an integer size other than 4 or 8', () => {
    const { status, stderr } = run([MW_MAIN, SCRIBUNTO_INCLUDES, '1', '2']);
    expect(status).toBe(1);
    expect(stderr).toBe("mw-lua-standalone: bad argument #2 to 'MWServer:new' (must be 4 or 8)\n");
  });

  it("under Scribunto's default ulimit -v of 50 MB it says why it cannot start and exits 1", () => {
    const { status, stdout, stderr } = run([MW_MAIN, SCRIBUNTO_INCLUDES, '1', '8'], '', 'ulimit -v 48828;');
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^mw-lua-standalone: the address-space limit \(ulimit -v\) is 48828 KB, but Node\.js needs 819200 KB \(800 MiB\) of it/);
  });
});
