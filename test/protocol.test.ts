import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LuaError, LuaFunction, StandaloneClient, encodeLuaVar, message, type PhpArray } from './support/php-client.js';
import { INTERPRETERS, MW_MAIN, OUR_BINARY, SCRIBUNTO_INCLUDES, serverArgs } from './support/interpreters.js';

// Every test runs against our binary and against lua5.1 running Scribunto's own
// MWServer.lua: the expectations are what the reference does.
describe.each(INTERPRETERS)('protocol with $name', ({ command }) => {
  let client: StandaloneClient;
  const start = (interpreterId = 1): StandaloneClient => (client = new StandaloneClient(command, serverArgs(interpreterId), interpreterId));
  afterEach(() => {
    client.process.kill('SIGKILL');
  });

  it('loadString returns a chunk that call runs, with every result counted', async () => {
    start();
    const fn = await client.loadString('return 1, "two", nil, {3, x = 4.5}, nil', '=test');
    expect(fn).toEqual(new LuaFunction(1, 1));
    const results = await client.call(fn);
    expect(results).toEqual([1, 'two', null, new Map<number | string, unknown>([[1, 3], ['x', 4.5]]), null]);
  });

  it('call passes arguments with nils in place', async () => {
    start();
    const fn = await client.loadString('return select("#", ...), ...', '=test');
    expect(await client.call(fn, 'a', null, 3)).toEqual([3, 'a', null, 3]);
  });

  it('chunk ids count up from 1 and a function sent twice keeps its id', async () => {
    start(7);
    const fn = await client.loadString('local f = function() end return f, f, function() end', '=test');
    const [a, b, c] = await client.call(fn);
    expect(fn.id).toBe(1);
    expect(a).toEqual(new LuaFunction(7, 2));
    expect(b).toEqual(new LuaFunction(7, 2));
    expect(c).toEqual(new LuaFunction(7, 3));
  });

  it('re-entrant calls five deep unwind in order', async () => {
    start();
    const depths: number[] = [];
    let recurse: LuaFunction | null = null;
    await client.registerLibrary('php', {
      descend: async (n) => {
        depths.push(n as number);
        if ((n as number) <= 1) return ['bottom'];
        return client.call(recurse!, (n as number) - 1);
      },
    });
    const fn = await client.loadString(
      'local function recurse(n) return "L" .. n .. "(" .. php.descend(n) .. ")" end return recurse',
      '=test',
    );
    [recurse] = (await client.call(fn)) as [LuaFunction];
    expect(await client.call(recurse, 5)).toEqual(['L5(L4(L3(L2(L1(bottom)))))']);
    expect(depths).toEqual([5, 4, 3, 2, 1]);
  });

  it('an error PHP returns is raised at the Lua caller position', async () => {
    start();
    await client.registerLibrary('php', {
      fail: () => {
        throw new Error('php says no');
      },
    });
    const fn = await client.loadString('\nreturn pcall(function()\n  php.fail()\nend)', '=caller');
    expect(await client.call(fn)).toEqual([false, 'caller:3: php says no']);
  });

  it('an error PHP returns to a tail call has no position, as 5.1 lost that frame', async () => {
    start();
    await client.registerLibrary('php', {
      fail: () => {
        throw new Error('php says no');
      },
    });
    const fn = await client.loadString('return pcall(function()\n  return php.fail()\nend)', '=caller');
    expect(await client.call(fn)).toEqual([false, 'php says no']);
  });

  it('wrapPhpFunction gives a Lua function that calls PHP', async () => {
    start();
    const wrapped = await client.wrapPhpFunction((a, b) => [(a as number) + (b as number), 'ok']);
    const fn = await client.loadString('local f = ... return f(2, 3)', '=test');
    expect(await client.call(fn, wrapped)).toEqual([5, 'ok']);
  });

  it('a Lua error replies with the message and a trace', async () => {
    start();
    const fn = await client.loadString('local function inner()\n  error("boom")\nend\nreturn inner()', '=Module:X');
    const error = await client.call(fn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LuaError);
    expect((error as LuaError).value).toBe('Module:X:2: boom');
    expect((error as LuaError).reply.get('trace')).toBeInstanceOf(Map);
  });

  it('a non-string error value is passed through', async () => {
    start();
    const fn = await client.loadString('error({code = 42})', '=test');
    const error = (await client.call(fn).catch((e: unknown) => e)) as LuaError;
    expect(error.value).toEqual(new Map([['code', 42]]));
  });

  it('calling an unknown chunk id is an error reply', async () => {
    start();
    const error = (await client.call(new LuaFunction(1, 99)).catch((e: unknown) => e)) as LuaError;
    expect(error.value).toBe('function id 99 does not exist');
  });

  it('cleanupChunks forgets the chunks PHP no longer holds', async () => {
    start();
    const keep = await client.loadString('return "kept"', '=a');
    const drop = await client.loadString('return "dropped"', '=b');
    await client.cleanupChunks([keep.id]);
    expect(await client.call(keep)).toEqual(['kept']);
    const error = (await client.call(drop).catch((e: unknown) => e)) as LuaError;
    expect(error.value).toBe(`function id ${drop.id} does not exist`);
    const next = await client.loadString('return 1', '=c');
    expect(next.id).toBe(3);
  });

  it('loadString reports a syntax error', async () => {
    start();
    const error = (await client.loadString('return +', '=Module:Bad').catch((e: unknown) => e)) as LuaError;
    expect(error.value).toBe("Module:Bad:1: unexpected symbol near '+'");
  });

  it('loadString refuses the binary chunk marker', async () => {
    start();
    const error = (await client.loadString('return "\x1bLua"', '=bin').catch((e: unknown) => e)) as LuaError;
    expect(error.value).toBe('cannot load code with a Lua binary chunk marker escape sequence in it');
  });

  it('a value PHP cannot take becomes an error reply', async () => {
    start();
    const fn = await client.loadString('local t = {} t.t = t return t', '=test');
    const error = (await client.call(fn).catch((e: unknown) => e)) as LuaError;
    expect(String(error.value)).toMatch(/Cannot pass circular reference to PHP$/);
  });

  it('getStatus reports this process with its CPU time and virtual size', async () => {
    start();
    const status = await client.getStatus();
    expect(status.get('pid')).toBe(client.process.pid);
    expect(status.get('time')).toBeGreaterThanOrEqual(0);
    const stat = fs.readFileSync(`/proc/${client.process.pid}/stat`, 'latin1');
    const vsize = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[20]);
    expect(Math.abs((status.get('vsize') as number) - vsize) / vsize).toBeLessThan(0.1);
  });

  it('testquit exits with status 42', async () => {
    start();
    await client.loadString('return 1', '=test');
    expect(await client.sendFinal('testquit')).toEqual({ code: 42, signal: null });
  });

  it('testquit while Lua waits for PHP inside pcall ends the interpreter with status 42', async () => {
    start();
    const afterQuit: string[] = [];
    await client.registerLibrary('php', {
      wait: () => {
        void client.sendFinal('testquit');
        return new Promise(() => undefined);
      },
      after: () => {
        afterQuit.push('Lua went on');
        return [];
      },
    });
    const fn = await client.loadString('local ok = pcall(php.wait) php.after(ok)', '=test');
    void client.call(fn);
    expect(await client.exited).toEqual({ code: 42, signal: null });
    expect(afterQuit).toEqual([]);
  });

  it('quit exits with status 0', async () => {
    start();
    expect(await client.sendFinal('quit')).toEqual({ code: 0, signal: null });
  });

  it('end of input exits with status 0', async () => {
    start();
    client.close();
    expect(await client.exited).toEqual({ code: 0, signal: null });
  });

  it('a malformed header exits with status 1 and a reason on stderr', async () => {
    start();
    client.sendRaw(Buffer.from('zzzzzzzz00000001{}'));
    expect(await client.exited).toEqual({ code: 1, signal: null });
    expect(client.stderr).toMatch(/Error decoding message header/);
  });

  it('a header whose check does not match exits with status 1', async () => {
    start();
    const body = encodeLuaVar(message({ op: 'getStatus' }));
    client.sendRaw(Buffer.concat([Buffer.from(body.length.toString(16).padStart(8, '0') + '00000000'), body]));
    expect(await client.exited).toEqual({ code: 1, signal: null });
    expect(client.stderr).toMatch(/Error decoding message header/);
  });

  it('strings keep every byte both ways', async () => {
    start();
    const bytes = Buffer.from([0, 1, 13, 10, 92, 34, 200, 255, 0x1b]);
    const fn = await client.loadString('local s = ... return s, #s', '=test');
    expect(await client.call(fn, bytes)).toEqual([bytes, bytes.length]);
  });

  it('numbers cross as PHP ints and doubles', async () => {
    start();
    const fn = await client.loadString('return 2^53 - 1, 2^53, 0.1, 1/0, -1/0, 3.0, -0.5', '=test');
    const results = await client.call(fn);
    expect(results).toEqual([9007199254740991, 9007199254740992, 0.1, Infinity, -Infinity, 3, -0.5]);
  });

  it('table keys PHP would read as integers are sent as integers', async () => {
    start();
    const fn = await client.loadString('return {["1"] = "a", [2] = "b", ["x"] = "c", [1.5] = "d"}', '=test');
    const [table] = (await client.call(fn)) as [PhpArray];
    expect(table.get(1)).toBe('a');
    expect(table.get(2)).toBe('b');
    expect(table.get('1.5')).toBe('d');
    expect(table.get('x')).toBe('c');
    expect(table.size).toBe(4);
  });
});

/** Runs a scenario that ends in a Lua error and returns the trace PHP receives. */
async function traceOf(command: string, scenario: (client: StandaloneClient) => Promise<unknown>): Promise<PhpArray> {
  const client = new StandaloneClient(command, serverArgs(1), 1);
  try {
    const error = await scenario(client).then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof LuaError)) throw new Error(`no Lua error: ${String(error)}`);
    return error.reply.get('trace') as PhpArray;
  } finally {
    client.process.kill('SIGKILL');
  }
}

const TRACE_SCENARIOS: Record<string, (client: StandaloneClient) => Promise<unknown>> = {
  'error() in a function reached by a tail call': async (client) =>
    client.call(await client.loadString('local function inner()\n  error("boom")\nend\nreturn inner()', '=Module:X')),
  'error() at the end of a chain of tail calls': async (client) =>
    client.call(
      await client.loadString(
        'local function c()\n  error("deep")\nend\nlocal function b() return c() end\nlocal function a() return b() end\nlocal x = a()\nreturn x',
        '=Module:Chain',
      ),
    ),
  'a runtime error in a local function': async (client) =>
    client.call(await client.loadString('local function f(t)\n  return t.x.y\nend\nlocal v = f({})\nreturn v', '=Module:Y')),
  'an error inside a call that went through PHP and back': async (client) => {
    const inner = await client.loadString('local function boom()\n  error("deep")\nend\nboom()', '=Module:Inner');
    await client.registerLibrary('php', { reenter: async () => client.call(inner) });
    return client.call(await client.loadString('local x = php.reenter()\nreturn x', '=Module:Outer'));
  },
  'an error inside a call through PHP made by a tail call': async (client) => {
    const inner = await client.loadString('error("deep")', '=Module:Inner');
    await client.registerLibrary('php', { reenter: async () => client.call(inner) });
    return client.call(await client.loadString('local function f()\n  return php.reenter()\nend\nlocal x = f()\nreturn x', '=Module:Outer'));
  },
  'an error raised by a library function': async (client) =>
    client.call(await client.loadString('local s = string.rep()\nreturn s', '=Module:Lib')),
};

describe('error traces read as the reference server writes them', () => {
  for (const [name, scenario] of Object.entries(TRACE_SCENARIOS)) {
    it(name, async () => {
      const [ours, reference] = await Promise.all(INTERPRETERS.map(({ command }) => traceOf(command, scenario)));
      expect(ours).toEqual(reference);
    });
  }
});

/**
 * A copy of the installed LuaStandalone folder rewritten the way Scribunto's
 * master branch differs from REL1_39: the namespaced function class and the
 * `log` field of error replies.
 */
function writeMasterStyleServer(dir: string): void {
  fs.mkdirSync(dir);
  const installed = path.dirname(MW_MAIN);
  for (const file of fs.readdirSync(installed)) fs.copyFileSync(path.join(installed, file), path.join(dir, file));
  const serverPath = path.join(dir, 'MWServer.lua');
  const rel139 = fs.readFileSync(serverPath, 'latin1');
  const master = rel139
    .replace(
      /return 'O:42:"Scribunto_LuaStandaloneInterpreterFunction"/,
      `return 'O:84:"MediaWiki\\\\Extension\\\\Scribunto\\\\Engines\\\\LuaStandalone\\\\LuaStandaloneInterpreterFunction"`,
    )
    .replace(
      /(\t\t\t\ttrace = result\[2\]\.trace,\n)/,
      '$1\t\t\t\tlog = select( 2, xpcall(\n\t\t\t\t\tgetfenv( self.chunks[message.id] ).mw.getLogBuffer,\n\t\t\t\t\tfunction () return nil end\n\t\t\t\t) )\n',
    );
  if (master === rel139 || !master.includes('O:84:') || !master.includes('log = select')) {
    throw new Error('the installed MWServer.lua no longer has the shape this test rewrites');
  }
  fs.writeFileSync(serverPath, master, 'latin1');
}

describe('version differences are read from the installed MWServer.lua', () => {
  it.each(INTERPRETERS)('$name sends the master branch function class and the log of a failed call', async ({ command }) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mwls-layout-'));
    const engines = path.join(root, 'engines');
    fs.mkdirSync(engines);
    writeMasterStyleServer(path.join(engines, 'LuaStandalone'));
    fs.symlinkSync(path.join(SCRIBUNTO_INCLUDES, 'engines', 'LuaCommon'), path.join(engines, 'LuaCommon'));
    const client = new StandaloneClient(command, [path.join(engines, 'LuaStandalone', 'mw_main.lua'), root, '1', '8'], 1);
    try {
      const fn = await client.loadString('return function() end', '=test');
      const [sent] = await client.call(fn);
      expect(sent).toEqual(new LuaFunction(1, 2));
      expect(client.lastRawBody.toString('latin1')).toContain(
        'O:84:"MediaWiki\\\\Extension\\\\Scribunto\\\\Engines\\\\LuaStandalone\\\\LuaStandaloneInterpreterFunction":2:{',
      );
      await client.call(await client.loadString('mw = { getLogBuffer = function() return "the log" end }', '=setup'));
      const error = (await client.call(await client.loadString('error("x")', '=failing')).catch((e: unknown) => e)) as LuaError;
      expect(error.reply.get('log')).toBe('the log');
    } finally {
      client.process.kill('SIGKILL');
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('the REL1_39 server sends the old class name and no log', async () => {
    const client = new StandaloneClient(OUR_BINARY, serverArgs(1), 1);
    try {
      await client.call(await client.loadString('mw = { getLogBuffer = function() return "the log" end }', '=setup'));
      const fn = await client.loadString('return function() end', '=test');
      await client.call(fn);
      expect(client.lastRawBody.toString('latin1')).toContain('O:42:"Scribunto_LuaStandaloneInterpreterFunction":2:{');
      const error = (await client.call(await client.loadString('error("x")', '=failing')).catch((e: unknown) => e)) as LuaError;
      expect(error.reply.has('log')).toBe(false);
    } finally {
      client.process.kill('SIGKILL');
    }
  });
});

describe('tables with __pairs cross to PHP as the reference walks them', () => {
  it.each(INTERPRETERS)('$name sends what __pairs yields, in call replies and in calls to PHP', async ({ command }) => {
    const client = new StandaloneClient(command, serverArgs(1), 1);
    try {
      // The reference walks with the real global pairs: a module's own `pairs` does not matter.
      await client.call(await client.loadString('pairs = nil', '=clobber'));
      const received: unknown[] = [];
      await client.registerLibrary('php', { take: (value) => (received.push(value), []) });
      const proxy =
        'local data = {a = 1, b = {2, 3}}\n' +
        'local proxy = setmetatable({}, {__pairs = function(t) return next, data, nil end})\n';
      const [reply] = await client.call(await client.loadString(`${proxy}php.take(proxy) return proxy`, '=proxy'));
      const expected = new Map<string, unknown>([['a', 1], ['b', new Map([[1, 2], [2, 3]])]]);
      expect(reply).toEqual(expected);
      expect(received).toEqual([expected]);
      const failing = await client.loadString(
        'return setmetatable({}, {__pairs = function() error("no walking here") end})',
        '=failing',
      );
      const error = (await client.call(failing).catch((e: unknown) => e)) as LuaError;
      expect(error.value).toBe('failing:1: no walking here');
      const nilValues = await client.loadString(
        'return setmetatable({}, {__pairs = function(t) return function(_, k) k = (k or 0) + 1 if k <= 3 then return k, k ~= 2 and k or nil end end, t, nil end})',
        '=holes',
      );
      expect(await client.call(nilValues)).toEqual([new Map([[1, 1], [2, null], [3, 3]])]);
    } finally {
      client.process.kill('SIGKILL');
    }
  });
});
