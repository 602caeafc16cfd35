import { spawn, spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MW_MAIN, OUR_BINARY, REFERENCE_LUA, SCRIBUNTO_INCLUDES } from './support/interpreters.js';

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
}

/** Output as latin1 text, so no byte is lost in comparisons. */
function outcome(result: SpawnSyncReturns<Buffer>): Outcome {
  return { status: result.status, stdout: result.stdout.toString('latin1'), stderr: result.stderr.toString('latin1') };
}

/** An environment without the caller's LUA_INIT and LUA_PATH, plus `env`. */
function environment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { LUA_INIT: _init, LUA_PATH: _path, ...rest } = process.env;
  return { ...rest, ...env };
}

/**
 * What lua5.1 prints and exits with for the same arguments. lua.c prints its
 * program name (argv[0]) in messages, its usage and arg[-n]; ours is started
 * by its path, so lua5.1's name is put as that path, and nothing else changes.
 */
function runReference(args: readonly string[], options: RunOptions = {}): Outcome {
  const result = outcome(spawnSync(REFERENCE_LUA, args, { input: options.input ?? '', env: environment(options.env), cwd: options.cwd }));
  const asOurs = (text: string) => text.split(REFERENCE_LUA).join(OUR_BINARY);
  return { status: result.status, stdout: asOurs(result.stdout), stderr: asOurs(result.stderr) };
}

function run(args: readonly string[], input = '', shellPrefix = '', options: Omit<RunOptions, 'input'> = {}): Outcome {
  const spawnOptions = { input, env: environment(options.env), cwd: options.cwd };
  return outcome(
    shellPrefix
      ? spawnSync('/bin/sh', ['-c', `${shellPrefix} exec "$0" "$@"`, OUR_BINARY, ...args], spawnOptions)
      : spawnSync(OUR_BINARY, args, spawnOptions),
  );
}

/** Both interpreters with the same arguments, standard input, environment and directory. */
function runBoth(args: readonly string[], options: RunOptions = {}): { ours: Outcome; reference: Outcome } {
  return { ours: run(args, options.input ?? '', '', options), reference: runReference(args, options) };
}

/** lua.c's print_version, on stderr. */
const LUA51_VERSION = 'Lua 5.1.5  Copyright (C) 1994-2012 Lua.org, PUC-Rio\n';
const OUR_VERSION = /^Lua 5\.1\.5 \(mw-lua-standalone \S+ on Fengari 0\.1\.5\)\n/;

/**
 * For forms that show the version (-v, -i): lua5.1 writes it first on stderr,
 * ours first on stdout (on purpose, for Special:Version); all else is the same.
 */
function expectSameBesidesVersion({ ours, reference }: { ours: Outcome; reference: Outcome }): void {
  expect(reference.stderr.startsWith(LUA51_VERSION)).toBe(true);
  expect(ours.stdout).toMatch(OUR_VERSION);
  expect({ ...ours, stdout: ours.stdout.replace(OUR_VERSION, '') }).toEqual({
    ...reference,
    stderr: reference.stderr.slice(LUA51_VERSION.length),
  });
}

const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'mwls-cli-'));
afterAll(() => fs.rmSync(fixtures, { recursive: true, force: true }));
/** Prints `...`, then `arg` in pairs order (which shows the table's layout too). */
const ARGS_SCRIPT = path.join(fixtures, 'args.lua');
fs.writeFileSync(
  ARGS_SCRIPT,
  '#!/usr/bin/env lua\nprint(select("#", ...), ...)\nfor k, v in pairs(arg) do io.write(k, "=", v, " ") end print()\nprint(x)\n',
);
const MODULE_DIR = path.join(fixtures, 'modules');
fs.mkdirSync(MODULE_DIR);
fs.writeFileSync(path.join(MODULE_DIR, 'greet.lua'), 'print("greet loaded", ...) x = "from greet" return 7\n');
fs.writeFileSync(path.join(MODULE_DIR, 'broken.lua'), 'error("broken module")\n');
const INIT_FILE = path.join(fixtures, 'init.lua');
fs.writeFileSync(INIT_FILE, 'print("init file", arg) x = "from init"\n');
const SYNTAX_ERROR_SCRIPT = path.join(fixtures, 'syntax.lua');
fs.writeFileSync(SYNTAX_ERROR_SCRIPT, 'print(1)\nlocal = 2\n');

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

  it('an uncaught error prints the program name, the message and a traceback on stderr and exits 1', () => {
    const { status, stdout, stderr } = run(['-e', 'error("bad thing")']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.startsWith(`${OUR_BINARY}: (command line):1: bad thing\nstack traceback:\n`)).toBe(true);
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

  it("--help, alone, describes both modes and says why -v writes on stdout (lua5.1 takes it for a bad option)", () => {
    const { status, stdout, stderr } = run(['--help']);
    expect(status).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('mw_main.lua <includesDir> <interpreterId> <intSize>');
    expect(stdout).toContain('[options] [script [args]]');
    expect(stdout).toContain("on standard output on purpose (lua5.1 writes it\n           on standard error): MediaWiki's Special:Version reads it there");
    expect(runBoth(['-e', 'print(1)', '--help']).ours).toEqual(runBoth(['-e', 'print(1)', '--help']).reference);
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

describe("lua.c 5.1's options, side by side with lua5.1", () => {
  it.each([
    ['-e before a script, its arguments after (the usual CI form)', ['-e', 'x = 1', ARGS_SCRIPT, 'a', 'b']],
    ['-e chunks run in order', ['-e', 'x = 1', '-e', 'print(x + 1)']],
    ['-eCHUNK, attached', ['-ex = 2', '-eprint(x)']],
    ['script arguments exactly as given (no number rewriting)', [ARGS_SCRIPT, '1.10', '0x1F', '1e2', ' 5 ', '-e', '--', '']],
    ['options end at the script name', [ARGS_SCRIPT, '-v', '-x', '-e', 'y']],
    ['-- ends the options', ['--', ARGS_SCRIPT, '-e', 'a']],
    ['-- then -v and -e before it', ['-e', 'x = 3', '--', ARGS_SCRIPT]],
    ['arg holds the options before the script at negative indices', ['-e', 'x = 4', '-e', 'y = 5', ARGS_SCRIPT, 'z']],
    ['-e alone runs no standard input', ['-e', 'print(arg)']],
    ['a missing script: cannot open, strerror', [path.join(fixtures, 'missing.lua')]],
    ['a directory as script: cannot read, strerror', [fixtures]],
    ['a script with a syntax error', [SYNTAX_ERROR_SCRIPT, 'a']],
    ['-- then - is a file named "-"', ['--', '-']],
    ['error(nil) uncaught prints nothing, status 1', ['-e', 'error(nil)']],
    ['error({}) uncaught', ['-e', 'error({})']],
    ['an error object with __tostring is still not a string', ['-e', 'error(setmetatable({}, {__tostring = function() return "t" end}))']],
    ['an error in -e stops what follows', ['-e', 'error("first")', '-e', 'print("never")', ARGS_SCRIPT]],
    ['os.exit inside -e ends at once', ['-e', 'os.exit(3)', ARGS_SCRIPT]],
  ])('%s', (_behaviour, args) => {
    const { ours, reference } = runBoth(args);
    expect(ours).toEqual(reference);
  });

  it.each([
    ['-x'],
    ['-h'],
    ['-ix'],
    ['-vx'],
    ['--x'],
    ['-e'],
    ['-l'],
    ['-e', 'print("not run")', '-y'],
    ['-e', 'print("not run")', '-e'],
    ['-i', '-v', '-x', ARGS_SCRIPT],
  ])("a bad option or one missing its value: 5.1's usage on stderr, nothing run, status 1 (%s)", (...args) => {
    const { ours, reference } = runBoth(args);
    expect(reference.stderr).toMatch(/^usage: /);
    expect(ours).toEqual(reference);
  });

  it.each([
    ['- runs standard input, with arguments', ['-', 'a', 'b'], 'print(..., arg[0], arg[-1])'],
    ['no arguments and standard input not a terminal runs it', [], 'print(arg, ...)'],
    ['-- alone runs standard input', ['--'], 'print("from stdin", arg)'],
    ['an error in standard input', ['-'], 'local t = nil\nprint(t.x)'],
    ['a shebang line on standard input is skipped', ['-'], '#!/usr/bin/lua\nprint(debug.getinfo(1, "l").currentline)'],
  ])('%s', (_behaviour, args, input) => {
    const { ours, reference } = runBoth(args, { input });
    expect(ours).toEqual(reference);
  });

  it.each([
    ['-l name requires a module', ['-l', 'greet', '-e', 'print(x, package.loaded.greet)']],
    ['-lname, attached', ['-lgreet', ARGS_SCRIPT]],
    ['-l and -e run in command-line order', ['-e', 'x = "from -e"', '-l', 'greet', '-e', 'print(x)']],
    ['-l of a missing module', ['-l', 'missing', '-e', 'print("not run")']],
    ['-l of a module that fails', ['-l', 'broken', '-e', 'print("not run")']],
  ])('%s', (_behaviour, args) => {
    const { ours, reference } = runBoth(args, { env: { LUA_PATH: `${MODULE_DIR}/?.lua` } });
    expect(ours).toEqual(reference);
  });

  it.each([
    ['LUA_INIT runs first, before arg is set', { LUA_INIT: 'print("init", arg) x = "from init"' }, ['-e', 'print(x)', ARGS_SCRIPT]],
    ['LUA_INIT=@file runs the file', { LUA_INIT: `@${INIT_FILE}` }, [ARGS_SCRIPT, 'a']],
    ['LUA_INIT=@file of a missing file stops everything', { LUA_INIT: `@${path.join(fixtures, 'none.lua')}` }, ['-e', 'print("not run")']],
    ['an error in LUA_INIT (chunk name "LUA_INIT") stops everything', { LUA_INIT: 'error("in init")' }, ['-e', 'print("not run")']],
    ['a syntax error in LUA_INIT', { LUA_INIT: 'x =' }, ['-e', 'print("not run")']],
    ['LUA_INIT runs before the options are checked', { LUA_INIT: 'print("init ran")' }, ['-x']],
  ])('%s', (_behaviour, env, args) => {
    const { ours, reference } = runBoth(args, { env });
    expect(ours).toEqual(reference);
  });

  it.each([
    ['-v alone', ['-v']],
    ['-v then -e', ['-v', '-e', 'print(1)']],
    ['-e then -v: the version still comes first', ['-e', 'print(1)', '-v']],
    ['-v with a script', ['-v', ARGS_SCRIPT, 'a']],
  ])('%s: as lua5.1, but the version line on stdout', (_behaviour, args) => {
    expectSameBesidesVersion(runBoth(args));
  });
});

describe('the host around a script, side by side with lua5.1', () => {
  it('io.lines() with no argument reads standard input', () => {
    const { ours, reference } = runBoth(['-e', 'for line in io.lines() do print(#line, line) end'], { input: 'one\n\nthree' });
    expect(ours).toEqual(reference);
  });

  it.each([
    ['print', 'for i = 1, 1e6 do print(i) end'],
    ['io.write', 'for i = 1, 1e6 do io.write(i, "\\n") end'],
    ['io.stdout:write', 'io.stderr:write("before\\n") for i = 1, 1e6 do io.stdout:write(i, "\\n") end'],
  ])('a closed pipe (| head -1) ends it quietly, killed by SIGPIPE as the shell sees (%s)', (_how, code) => {
    const pipeline = (command: string) =>
      outcome(spawnSync('bash', ['-c', `"$0" -e "$1" | head -1; echo "status \${PIPESTATUS[0]}"`, command, code], { env: environment() }));
    const ours = pipeline(OUR_BINARY);
    expect(ours.stdout).toBe('1\nstatus 141\n');
    expect(ours).toEqual(pipeline(REFERENCE_LUA));
  });
});

describe('server mode is recognised by the whole of Scribunto\'s call', () => {
  const OWN_MW_MAIN = path.join(fixtures, 'mw_main.lua');
  fs.writeFileSync(OWN_MW_MAIN, 'print("my own mw_main.lua", select("#", ...), ...)\n');

  it('a script of that name without MWServer.lua beside it is a script', () => {
    const { ours, reference } = runBoth([OWN_MW_MAIN, SCRIBUNTO_INCLUDES, '1', '8']);
    expect(ours.stdout).toBe(`my own mw_main.lua\t3\t${SCRIBUNTO_INCLUDES}\t1\t8\n`);
    expect(ours).toEqual(reference);
  });

  it("Scribunto's mw_main.lua with other than four arguments is a script", () => {
    const args = [MW_MAIN, SCRIBUNTO_INCLUDES, '1'];
    const { ours, reference } = runBoth(args);
    expect(ours.status).toBe(1);
    expect(ours.stderr).toMatch(/MWServer\.lua:\d+: /);
    expect(ours.stderr.split('\n')[0]).toBe(reference.stderr.split('\n')[0]);
  });
  // Scribunto's own four arguments are server mode: see the MWServer:new tests above (one line, no traceback).
});

describe('the interactive prompt', () => {
  /** Lines, a multi-line chunk, `=` for return, errors (reported without the program name), print's failure. */
  const SESSION = [
    'x = 1 +',
    '2',
    'print(x)',
    '=x, 5',
    'error("e")',
    'error(nil)',
    'error({})',
    '= )',
    '_PROMPT = "P "',
    '_PROMPT2 = 3',
    'for i = 1, 2 do',
    'end',
    'print = 5',
    '=1',
    'return',
    'print(1',
  ].join('\n');

  it('-i with standard input not a terminal: prompts and echoes each line as readline does, version first', () => {
    expectSameBesidesVersion(runBoth(['-i'], { input: SESSION }));
  });

  it('-i after a script and -e, with arg set', () => {
    expectSameBesidesVersion(runBoth(['-e', 'y = 2', '-i', ARGS_SCRIPT, 'a'], { input: '=y, arg[1], arg[-1]\n' }));
  });

  it('the prompt reads standard input one line at a time; io.read buffers the rest as C stdio does', () => {
    expectSameBesidesVersion(runBoth(['-i'], { input: 'print(io.read())\nhello\nprint("after")\n' }));
  });

  it('a last line without a newline still runs', () => {
    expectSameBesidesVersion(runBoth(['-i'], { input: 'print(1)' }));
  });

  it('a script error ends before the prompt, status 1', () => {
    expectSameBesidesVersion(runBoth(['-i', '-e', 'error("before")'], { input: 'print(1)\n' }));
  });

  /**
   * Runs `command` on a pseudo-terminal (util-linux `script`), typing each
   * line once the prompt is shown, then Ctrl-D; returns what the terminal shows.
   */
  function onTerminal(command: string, args: readonly string[], lines: readonly string[], term: string): Promise<string> {
    const quoted = [command, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qec', quoted, '/dev/null'], { env: { ...environment(), TERM: term } });
      let shown = '';
      let typed = 0;
      child.stdout.on('data', (data: Buffer) => {
        shown += data.toString('latin1');
        if (!/(?:^|\n)[^\n]*> $/.test(shown) || typed > lines.length) return;
        child.stdin.write(typed < lines.length ? `${lines[typed]}\n` : '\x04');
        typed++;
      });
      // A prompt that never comes fails the comparison rather than the test's time.
      const timer = setTimeout(() => child.kill(), 20_000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(`${shown}[exit ${code}]`);
      });
    });
  }

  const TERMINAL_SESSION = ['x = 1 +', '2', '=x', 'error("z")', '_PROMPT = "lua> "', '=_PROMPT'];
  /** Readline's bracketed-paste switches, which it writes on a terminal that is not dumb; ours has no readline. */
  const BRACKETED_PASTE = /\x1b\[\?2004h|\x1b\[\?2004l\r/g;

  it.each(['dumb', 'xterm'])('with no arguments and a terminal on stdin: the version, then the prompt (TERM=%s)', async (term) => {
    const ours = await onTerminal(OUR_BINARY, [], TERMINAL_SESSION, term);
    const reference = await onTerminal(REFERENCE_LUA, [], TERMINAL_SESSION, term);
    const [ourVersion, ...ourRest] = ours.split('\r\n');
    const [referenceVersion, ...referenceRest] = reference.replace(BRACKETED_PASTE, '').split('\r\n');
    expect(referenceVersion).toBe(LUA51_VERSION.trimEnd());
    expect(`${ourVersion}\n`).toMatch(OUR_VERSION);
    expect(ourRest).toEqual(referenceRest);
  });
});
