/**
 * Sandbox escape attempts. Each attempt is a chunk loaded with loadString and
 * run with call, exactly as Scribunto's PHP side loads module code: it runs in
 * the server's base environment (see docs/protocol.md, "The sandbox that
 * chunks run in"). Every attempt runs against our binary and against lua5.1
 * with Scribunto's own MWServer.lua, and the two outcomes (the returned
 * values, or the error value and its structured trace) must be identical; the
 * important attempts also state the outcome they must have, so that they fail
 * on their own if both interpreters were to leak.
 *
 * Attempts that need the whole mw environment (mw.executeModule's per-module
 * environment, package, require) are in the integration fixtures
 * (Module:SandboxEscapes, page sandbox-escapes).
 *
 *   SANDBOX_DUMP=1 npx vitest run test/sandbox.test.ts   prints every outcome
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LuaError, LuaFunction, StandaloneClient, type PhpValue } from './support/php-client.js';
import { INTERPRETERS, REFERENCE_LUA, serverArgs } from './support/interpreters.js';
import { execFileSync } from 'node:child_process';

type Outcome =
  | { readonly kind: 'return'; readonly values: PhpValue[] }
  | { readonly kind: 'error'; readonly value: PhpValue; readonly trace: PhpValue }
  | { readonly kind: 'load error'; readonly value: PhpValue }
  | { readonly kind: 'died'; readonly message: string };

interface Attempt {
  readonly name: string;
  readonly code: string;
  /** The values the chunk must return. */
  readonly returns?: PhpValue[];
  /** The error the chunk must raise: its exact value, or a pattern for a string value. */
  readonly fails?: string | RegExp;
  /** loadString must refuse the text with this message. */
  readonly refused?: string | RegExp;
  /** Runs in a process of its own, because it changes the shared base environment. */
  readonly fresh?: boolean;
  /** Text loaded next in the same process, which loadString must refuse as a binary chunk. */
  readonly then?: Buffer;
  /** The reference server falls over here (why): only our outcome is checked. */
  readonly referenceBreaks?: string;
}

const CHUNK_NAME = '=Module:SandboxEscapes';

/** A real Lua 5.1 binary chunk (`return 42`), as string.dump would have made it. */
const BYTECODE = execFileSync(REFERENCE_LUA, ['-e', 'io.write(string.dump(function() return 42 end))']);

/**
 * The PHP library every process gets, so that attempts can reach functions
 * that call PHP: php.echo returns its arguments, php.call(f, ...) calls the
 * Lua function f back (a nested call), php.fail raises a PHP error.
 */
async function startClient(command: string): Promise<StandaloneClient> {
  const client = new StandaloneClient(command, serverArgs(1), 1);
  await client.registerLibrary('php', {
    echo: (...args) => args,
    call: (fn, ...args) => client.call(fn as LuaFunction, ...args),
    fail: () => {
      throw new Error('PHP says no');
    },
  });
  const wrapped = await client.wrapPhpFunction((...args) => args);
  // A chunk that keeps the wrapped function where attempts find it: php.wrapped.
  const keep = await client.loadString('php.wrapped = ...', '=setup');
  await client.call(keep, wrapped);
  return client;
}

async function run(client: StandaloneClient, code: string | Buffer): Promise<Outcome> {
  let fn;
  try {
    fn = await client.loadString(code, CHUNK_NAME);
  } catch (error) {
    if (error instanceof LuaError) return { kind: 'load error', value: error.value };
    return { kind: 'died', message: String(error) };
  }
  try {
    return { kind: 'return', values: await client.call(fn) };
  } catch (error) {
    if (error instanceof LuaError) return { kind: 'error', value: error.value, trace: error.reply.get('trace') ?? null };
    return { kind: 'died', message: String(error) };
  }
}

/** One long-lived process per interpreter for the attempts that leave the base environment alone. */
const shared = new Map<string, Promise<StandaloneClient>>();
const started: StandaloneClient[] = [];

async function clientFor(command: string, fresh: boolean): Promise<StandaloneClient> {
  if (fresh) {
    const client = await startClient(command);
    started.push(client);
    return client;
  }
  let client = shared.get(command);
  if (client === undefined || (await client).process.exitCode !== null) {
    client = startClient(command);
    client.then((c) => started.push(c)).catch(() => undefined);
    shared.set(command, client);
  }
  return client;
}

afterAll(() => {
  for (const client of started) client.process.kill('SIGKILL');
});

async function outcomes(attempt: Attempt): Promise<Outcome[]> {
  return Promise.all(
    INTERPRETERS.map(async ({ command }) => {
      const client = await clientFor(command, attempt.fresh ?? false);
      let outcome = functionsAsSuch(await run(client, attempt.code));
      if (attempt.then !== undefined && outcome.kind === 'return') {
        const next = await run(client, attempt.then);
        if (next.kind !== 'load error') outcome = { kind: 'died', message: `the second text was not refused: ${show(next)}` };
      }
      if (attempt.fresh) client.process.kill('SIGKILL');
      return outcome;
    }),
  );
}

/** Function ids depend on how many chunks a process has made, so functions are compared as such. */
function functionsAsSuch<T>(value: T): T {
  if (value instanceof LuaFunction) return 'a function' as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, functionsAsSuch(v)])) as T;
  if (Array.isArray(value)) return value.map(functionsAsSuch) as T;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, functionsAsSuch(v)])) as T;
  }
  return value;
}

function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Map ? Object.fromEntries(v) : Buffer.isBuffer(v) ? `<bytes ${v.toString('hex')}>` : v,
  );
}

/** Lua that recurses until "stack overflow", and returns the depth reached and the error. */
const LUA_DEPTH = 'local depth = 0 local function f() depth = depth + 1 return 1 + f() end local ok, e = pcall(f) return depth, e';
/** Lua that recurses through pcall until it fails, and returns the error and the depth reached. */
const PCALL_DEPTH =
  'local d = 0 local function f() d = d + 1 local _, e = pcall(f) return e end return f(), d';

/** Lua that returns the type of each named global, in order. */
const typesOf = (names: readonly string[]): string =>
  `return ${names.map((name) => `type(${name})`).join(', ')}`;

/** Lua that returns the keys of a table expression in `next` order, comma-separated. */
const keysOf = (expression: string): string =>
  `local keys = {} for k in next, ${expression} do keys[#keys + 1] = tostring(k) end return table.concat(keys, ',')`;


const attempts: Attempt[] = [
  // --- getfenv by stack level ---
  { name: 'getfenv(0) is refused', code: 'return getfenv(0)', fails: /'getfenv' cannot get the global environment$/ },
  { name: 'getfenv() without a level is refused', code: 'return getfenv()', fails: /'getfenv' cannot get the global environment$/ },
  { name: 'getfenv(-1) is refused', code: 'return getfenv(-1)', fails: /'getfenv' cannot get the global environment$/ },
  { name: 'getfenv(-0.5) is refused', code: 'return getfenv(-0.5)', fails: /'getfenv' cannot get the global environment$/ },
  { name: 'getfenv(-2^31) is refused', code: 'return getfenv(-2^31)', fails: /'getfenv' cannot get the global environment$/ },
  { name: 'getfenv("1") (a string) is refused', code: 'return getfenv("1")', fails: /'getfenv' cannot get the global environment$/ },
  { name: 'getfenv(1) is the sandbox _G', code: 'return getfenv(1) == _G', returns: [true] },
  { name: 'getfenv(0.5) (level 0 inside getfenv) gives nothing', code: 'return getfenv(0.5) == nil', returns: [true] },
  { name: 'getfenv(1.9) rounds down to level 1', code: 'return getfenv(1.9) == _G', returns: [true] },
  // Levels above the chunk are the server's own frames: in the reference a tail
  // call, xpcall and MWServer.lua (all in the real globals, so nil); ours has no
  // Lua frames there ("invalid level"). Either way nothing leaks: the attempts
  // check that getfenv fails or gives nil or the sandbox.
  ...['2', '2.5', '3', '4', '5', '6', '7', '8', '9', '10', '11', '20', '2^31', '1e300', 'math.huge', '0/0'].map(
    (level): Attempt => ({
      name: `getfenv(${level}) never gives the real globals`,
      code: `local ok, e = pcall(getfenv, ${level}) return not ok or e == nil or e == _G`,
      returns: [true],
    }),
  ),
  { name: 'getfenv levels 1..30 from a nested function never give a foreign table', code: `
    local seen = {}
    local function probe(n)
      if n > 0 then return probe(n - 1) + 0 end
      for level = 1, 30 do
        local ok, e = pcall(getfenv, level)
        seen[#seen + 1] = not ok and 'error' or e == nil and 'nil' or e == _G and '_G' or 'OTHER'
      end
      return 0
    end
    probe(5)
    return (table.concat(seen, ' '):gsub('nil', 'error'))` ,
    returns: ['error _G _G _G _G _G _G _G' + ' error'.repeat(22)] },
  { name: 'pcall(getfenv, 1) (level 1 is pcall itself) gives nothing', code: 'return pcall(getfenv, 1)', returns: [true, null] },
  {
    name: 'getfenv(1e300), getfenv(0/0), getfenv(2^31): the level is a C int (0, 0 and -2^31)',
    code: 'local r = {} for _, l in ipairs({1e300, 0/0, 2^31}) do r[#r + 1] = tostring(select(2, pcall(getfenv, l))) end return table.concat(r, " | ")',
  },
  { name: 'pcall(getfenv, 2) is the chunk environment', code: 'local ok, e = pcall(getfenv, 2) return ok, e == _G', returns: [true, true] },

  // --- getfenv of functions ---
  ...['pcall', 'xpcall', 'error', 'tostring', 'tonumber', 'getfenv', 'setfenv', 'unpack', 'pairs', 'ipairs', 'next', 'select',
    'string.format', 'string.gsub', 'table.insert', 'table.sort', 'math.floor', 'os.clock', 'os.date', 'debug.traceback',
    'setmetatable', 'getmetatable', 'rawget', 'rawset', 'php.echo', 'php.wrapped'].map(
    (fn): Attempt => ({ name: `getfenv(${fn}) gives nothing`, code: `return getfenv(${fn}) == nil`, returns: [true] }),
  ),
  { name: 'getfenv of an own function is the sandbox _G', code: 'return getfenv(function() end) == _G', returns: [true] },

  // --- setfenv ---
  { name: 'setfenv(0, t) is refused', code: 'return setfenv(0, {})', fails: /'setfenv' cannot set the global environment, it is protected$/ },
  { name: 'setfenv(-1, t) is refused', code: 'return setfenv(-1, {})', fails: /'setfenv' cannot set the global environment, it is protected$/ },
  { name: 'setfenv(11, t) is refused', code: 'return setfenv(11, {})', fails: /'setfenv' cannot set an environment at a level greater than 10$/ },
  // pcall(setfenv, n, t): level 1 is pcall, 2 the probe, 3 the chunk, 4 and up the server.
  { name: 'setfenv(1) through pcall is refused (pcall runs in the real globals)', code: 'return pcall(setfenv, 1, {})', returns: [false, "'setfenv' cannot set the requested environment, it is protected"] },
  { name: 'setfenv at levels above the chunk (the server frames) always fails', code: `
    local results = {}
    local function probe()
      for level = 4, 10 do results[#results + 1] = pcall(setfenv, level, {}) end
    end
    probe()
    return unpack(results, 1, 7)`, returns: Array(7).fill(false) },
  { name: 'setfenv(1, t) on the chunk itself works', code: 'local t = {x = 42} setfenv(1, t) return x', returns: [42] },
  { name: 'setfenv on an own function works', code: 'local f = function() return y end setfenv(f, {y = 7}) return f()', returns: [7] },
  ...['pcall', 'tostring', 'getfenv', 'setfenv', 'unpack', 'os.clock', 'string.rep', 'math.floor', 'debug.traceback'].map(
    (fn): Attempt => ({
      name: `setfenv(${fn}, t) is refused`,
      code: `return setfenv(${fn}, {})`,
      fails: /'setfenv' cannot set the requested environment, it is protected$/,
    }),
  ),
  { name: 'setfenv(php.echo, t) (a function that calls PHP) is refused', code: 'return setfenv(php.echo, {})', fails: /'setfenv' cannot be called on a protected function$/ },
  { name: 'setfenv(php.wrapped, t) is refused', code: 'return setfenv(php.wrapped, {})', fails: /'setfenv' cannot be called on a protected function$/ },
  { name: 'setfenv("x", t) is refused', code: 'return setfenv("x", {})', fails: /'setfenv' can only be called with a function or integer as the first argument$/ },
  { name: 'setfenv(f, nil) (not a table)', code: 'return pcall(setfenv, function() end, nil)' },

  // --- what is and is not in the base environment ---
  {
    name: 'loaders, files, processes and the collector are absent',
    code: typesOf(['load', 'loadstring', 'dofile', 'loadfile', 'require', 'module', 'package', 'io', 'print',
      'collectgarbage', 'gcinfo', 'newproxy', 'coroutine', 'arg', 'mw', 'MWServer', 'server', 'chunks', 'jit', 'bit']),
    returns: Array(20).fill('nil'),
  },
  {
    name: 'the base environment holds exactly the documented names, in lua5.1\'s pairs order',
    code: keysOf('_G'),
    returns: ['string,xpcall,rawset,_VERSION,php,os,unpack,math,debug,pcall,getfenv,pairs,type,setmetatable,next,select,assert,tostring,rawget,_G,table,rawequal,setfenv,ipairs,tonumber,getmetatable,error'],
  },
  { name: 'os holds only clock, date, difftime and time, in lua5.1\'s pairs order', code: keysOf('os'), returns: ['date,clock,time,difftime'] },
  {
    name: 'os.execute, exit, getenv, remove, rename, tmpname and setlocale are absent',
    code: typesOf(['os.execute', 'os.exit', 'os.getenv', 'os.remove', 'os.rename', 'os.tmpname', 'os.setlocale']),
    returns: Array(7).fill('nil'),
  },
  { name: 'debug holds only traceback', code: keysOf('debug'), returns: ['traceback'] },
  {
    name: 'debug.getinfo, getlocal, getupvalue, setupvalue, sethook, getregistry, getmetatable are absent',
    code: typesOf(['debug.getinfo', 'debug.getlocal', 'debug.getupvalue', 'debug.setupvalue', 'debug.sethook',
      'debug.getregistry', 'debug.getmetatable', 'debug.setmetatable', 'debug.getfenv', 'debug.setfenv', 'debug.debug']),
    returns: Array(11).fill('nil'),
  },
  { name: 'debug.traceback from inside a function', code: 'local function f() return (debug.traceback("msg", 1):match("^[^\\n]*\\n[^\\n]*\\n[^\\n]*")) end return f()' },
  { name: 'debug.traceback with a huge level', code: 'return debug.traceback("msg", 1e9)' },
  { name: 'debug.traceback with a table message returns it untouched', code: 'local t = {} return debug.traceback(t) == t', returns: [true] },
  { name: 'string.dump is absent', code: 'return string.dump, ("").dump', returns: [null, null] },
  { name: 'the string library has no loader', code: keysOf('string') },
  { name: 'the math library is a clone, not the real one', code: 'math.floor = nil return os.clock() >= 0', fresh: true, returns: [true] },
  { name: '_VERSION is Lua 5.1', code: 'return _VERSION', returns: ['Lua 5.1'] },

  // --- _G identity ---
  { name: '_G is the sandbox itself', code: 'return _G._G == _G, rawget(_G, "_G") == _G, getmetatable(_G)', returns: [true, true, null] },
  { name: 'rawset on _G changes only the sandbox', code: 'rawset(_G, "x", 1) rawset(_G, "tostring", nil) return x, tostring', fresh: true, returns: [1, null] },
  { name: 'a metatable on _G sees unknown names, not the real globals', code: 'setmetatable(_G, {__index = function(t, k) return "missing " .. k end}) return loadstring, io', fresh: true, returns: ['missing loadstring', 'missing io'] },

  // --- bytecode ---
  { name: 'loadString of a binary chunk is refused', code: '\x1bLua\x51\x00\x01\x04\x08\x04\x08\x00', refused: 'cannot load code with a Lua binary chunk marker escape sequence in it' },
  { name: 'loadString of source hiding the marker in a comment is refused', code: 'return 1 -- \x1bLua', refused: 'cannot load code with a Lua binary chunk marker escape sequence in it' },
  { name: 'loadString of source with the marker in a string is refused', code: 'return "\x1bLua"', refused: 'cannot load code with a Lua binary chunk marker escape sequence in it' },
  { name: 'an escaped marker in source is only a string', code: 'return "\\27Lua" == string.char(27) .. "Lua"', returns: [true] },
  { name: 'a lone escape byte is fine', code: 'return #"\x1bLu"', returns: [3] },

  // --- metamethods ---
  { name: 'getfenv(2) inside __index is the chunk environment', code: 'local t = setmetatable({}, {__index = function() return getfenv(2) == _G end}) return t.x', returns: [true] },
  { name: 'getfenv(2) inside __tostring (tail-called by tostring) is refused', code: 'local t = setmetatable({}, {__tostring = function() local ok, e = pcall(getfenv, 3) return tostring(ok) .. tostring(e == nil) end}) return pcall(tostring, t)' },
  { name: 'getfenv inside __index called by rawget-free chains', code: 'local a = setmetatable({}, {__index = setmetatable({}, {__index = function(_, k) return getfenv(2) == _G, k end})}) return a.deep', returns: [true] },
  { name: '__gc on a table never runs', code: 'local ran = false setmetatable({}, {__gc = function() ran = true end}) for i = 1, 1e4 do local t = {} end return ran', returns: [false] },
  { name: 'weak tables work', code: 'local w = setmetatable({}, {__mode = "k"}) w[{}] = 1 return getmetatable(w).__mode', returns: ['k'] },
  { name: 'a protected metatable cannot be replaced', code: 'local t = setmetatable({}, {__metatable = "locked"}) return getmetatable(t), pcall(setmetatable, t, {})' },
  { name: 'the string metatable indexes the string library', code: 'local mt = getmetatable("") return mt.__index == string, rawget(mt, "__metatable")', returns: [true, null] },
  {
    name: 'string metatable changes stay in the sandbox and do not break the server',
    code: 'getmetatable("").__index = {upper = function() return "pwned" end} return ("x"):upper()',
    fresh: true,
    returns: ['pwned'],
    referenceBreaks: "MWServer.lua's serializer calls string methods, so the reference dies here",
  },
  {
    name: 'replacing string.find does not let bytecode past loadString',
    code: 'string.find = function() return nil end return 1',
    fresh: true,
    returns: [1],
    then: BYTECODE,
    referenceBreaks: 'MWServer.lua checks for the marker with string.find, which the sandbox shares',
  },
  { name: 'removing string from _G leaves string methods working', code: 'string = nil return ("abc"):upper()', fresh: true, returns: ['ABC'] },
  { name: 'getmetatable of a function, a number, a boolean is nil', code: 'return getmetatable(print or function() end), getmetatable(1), getmetatable(true)', returns: [null, null, null] },
  { name: 'setmetatable on a string is refused', code: 'return pcall(setmetatable, "", {})' },

  // --- xpcall and error handlers ---
  { name: 'getfenv(2) in an xpcall handler (the error function) gives nothing', code: 'return xpcall(function() error("x") end, function() return getfenv(2) end)', returns: [false, null] },
  { name: 'getfenv(3) in an xpcall handler is the failing function', code: 'return xpcall(function() error("x") end, function() return getfenv(3) == _G end)', returns: [false, true] },
  { name: 'getfenv as the xpcall handler', code: 'return xpcall(function() error(1) end, getfenv)', returns: [false, 'error in error handling'] },
  { name: 'getfenv as the handler of a runtime error', code: 'return xpcall(function() local x = nil + 1 end, getfenv)' },
  { name: 'an erroring xpcall handler', code: 'return xpcall(function() error("x") end, function() error("y") end)' },
  { name: 'xpcall with a non-function handler', code: 'return xpcall(function() error("x") end, 42)' },
  { name: 'error(msg, 2) points at the server frame', code: 'error("up", 2)' },
  { name: 'error(msg, 3)', code: 'error("up", 3)' },
  { name: 'error(msg, 50)', code: 'error("up", 50)' },

  // --- error objects that are tables ---
  { name: 'an error table with a metatable reaches PHP without it', code: 'error(setmetatable({a = 1}, {__index = function() return "secret" end, __tostring = function() return "T" end}))' },
  { name: 'an error table shaped like the server wrapper', code: 'error({value = "fake", trace = {}})' },
  { name: 'an error table whose __index raises', code: 'error(setmetatable({}, {__index = function() error("boom") end}))' },
  { name: 'an error function value', code: 'error(function() end)' },
  { name: 'an error that is a circular table', code: 'local t = {} t.t = t error(t)' },
  {
    name: 'string.format %s of a table',
    code: 'return pcall(string.format, "%s", {})',
  },
  {
    name: 'recursion through __index',
    code: 'local t t = setmetatable({}, {__index = function(_, k) return t[k] end}) return pcall(function() return t.x end)',
  },
  {
    name: 'a returned table with a __pairs metamethod',
    code: 'return setmetatable({1, 2}, {__pairs = function(t) return function(_, k) if not k then return "via", "pairs" end end, t, nil end})',
  },
  {
    name: 'a returned table whose __pairs raises',
    code: 'return setmetatable({}, {__pairs = function() error("pairs boom") end})',
  },
  { name: 'a returned table whose __pairs probes the server environment', code: 'local probe return setmetatable({}, {__pairs = function(t) probe = {getfenv(2) == nil, getfenv(3) == nil} return next, {}, nil end}), function() return probe end' },

  // --- tostring and formatting show no addresses ---
  {
    name: 'tostring of functions and tables shows no address',
    code: 'return tostring(function() end), tostring({}), tostring(print), tostring(pcall), tostring(string.format), tostring(php.echo)',
    returns: ['function', 'table', 'nil', 'function', 'function', 'function'],
  },

  { name: 'string.format %p does not exist', code: 'return pcall(string.format, "%p", {})' },
  { name: 'concatenating a table is an error', code: 'return pcall(function() return "" .. {} end)' },
  { name: 'table.concat of tables is an error', code: 'return pcall(table.concat, {{}})' },
  { name: 'os.clock is rounded to 1/50000 s', code: 'local c = os.clock() local u = c * 50000 return math.abs(u - math.floor(u + 0.5)) < 1e-6', returns: [true] },
  { name: 'os.clock cannot be restored through the real one', code: 'return getfenv(os.clock), pcall(setfenv, os.clock, {})' },

  // --- select and unpack limits ---
  { name: 'unpack of 1e9 values is refused', code: 'return unpack({}, 1, 1e9)', fails: /too many results to unpack$/ },
  { name: 'unpack of 8001 values is refused', code: 'return unpack({}, 1, 8001)', fails: /too many results to unpack$/ },
  { name: 'unpack from -2^31 is refused', code: 'return unpack({}, -2^31, -2^31 + 1)', fails: /too many results to unpack$/ },
  { name: 'unpack of 7990 values', code: 'return select("#", unpack({}, 1, 7990))' },
  { name: 'unpack of a string', code: 'return pcall(unpack, "abc")' },
  { name: 'select with a negative index', code: 'return pcall(select, -1, "a", "b")' },
  { name: 'select beyond the arguments', code: 'return pcall(select, -5, "a")' },
  { name: 'select(2^31, ...): the index is a C int, -2^31, out of range', code: 'return select(2^31, "a")', fails: /bad argument #1 to 'select' \(index out of range\)$/ },


  // --- pairs order: the base environment and the libraries it shares or copies ---
  ...['_G', 'string', 'os', 'math', 'table', 'debug'].map((table): Attempt => ({
    name: `pairs over the sandbox ${table === '_G' ? 'globals' : table} lists the same names in the same order`,
    code: `local o = {} for k in pairs(${table}) do o[#o + 1] = tostring(k) end return table.concat(o, " ")`,
  })),

  // --- recursion ---
  { name: 'deep Lua recursion is a stack overflow error', code: 'local function f(n) return 1 + f(n + 1) end return pcall(f, 1)' },
  // Fresh processes: after its first overflow lua5.1 keeps a CallInfo array of 20,000 until its
  // collector shrinks it, so where a later overflow comes depends on that history.
  { name: 'uncaught deep recursion sends the whole 16,385-level trace', code: 'local function f() return 1 + f() end f()', fresh: true, fails: /stack overflow$/ },
  { name: 'Lua recursion stops at the depth lua5.1 allows', code: LUA_DEPTH, fresh: true, returns: [16375, 'Module:SandboxEscapes:1: stack overflow'] },
  { name: 'Lua recursion in a chunk PHP calls from a tail-called PHP callback stops at the depth lua5.1 allows', code: `return php.call(function() ${LUA_DEPTH} end)`, fresh: true, returns: [16371, 'Module:SandboxEscapes:1: stack overflow'] },
  { name: 'Lua recursion in a chunk PHP calls from a PHP callback stops at the depth lua5.1 allows', code: `local depth, e = php.call(function() ${LUA_DEPTH} end) return depth, e`, fresh: true, returns: [16370, 'Module:SandboxEscapes:1: stack overflow'] },
  { name: 'recursion through pcall ends in a caught error', code: 'local function f() return pcall(f) end local r = {f()} return r[#r - 1], type(r[#r])', returns: [false, 'string'] },
  // 5.1 allows 200 nested C calls; below the chunk lua.c's lua_cpcall and lua_pcall and handleCall's xpcall count.
  { name: 'recursion through pcall', code: 'local function f() return pcall(f) end local r = {f()} return #r, r[#r]', returns: [198, 'C stack overflow'] },
  { name: 'recursion through pcall: the depth where C stack overflow comes', code: PCALL_DEPTH, returns: ['C stack overflow', 197] },
  { name: 'recursion through pcall in a chunk PHP calls from a PHP callback', code: `return php.call(function() ${PCALL_DEPTH} end)`, returns: ['C stack overflow', 196] },
  { name: 'recursion through pcall under a pcall of a PHP callback', code: `return pcall(php.call, function() ${PCALL_DEPTH} end)`, returns: [true, 'C stack overflow', 195] },
  { name: 'recursion through __index counts the same C calls', code: 'local d = 0 local t = setmetatable({}, {__index = function(t, k) d = d + 1 return t[k] end}) local ok, e = pcall(function() return t.x end) return ok, e, d', returns: [false, 'Module:SandboxEscapes:1: C stack overflow', 195] },

  // --- debug.traceback shows the server's frames as the reference's Lua frames ---
  { name: 'debug.traceback() at the chunk top level', code: 'return debug.traceback("msg")' },
  { name: 'debug.traceback() without a message', code: 'return debug.traceback()' },
  ...['0', '1', '2', '3', '8', '9', '10', '50', '-1', '"2"', '2^32 + 2', '1e300'].map((level): Attempt => ({
    name: `debug.traceback("msg", ${level})`,
    code: `return debug.traceback("msg", ${level})`,
  })),
  { name: 'debug.traceback(12) (a number message)', code: 'return debug.traceback(12)' },
  { name: 'debug.traceback(nil) returns nil', code: 'return debug.traceback(nil)', returns: [null] },
  { name: 'debug.traceback({}, 2) returns the table', code: 'local t = {} return debug.traceback(t, 2) == t', returns: [true] },
  { name: 'debug.traceback(nil, "x") returns "x"', code: 'return debug.traceback(nil, "x")', returns: ['x'] },
  { name: 'debug.traceback in functions that were tail-called', code: 'local function g() return debug.traceback("m") end local function f() return g() end return f()' },
  { name: 'debug.traceback in a metamethod and a for iterator', code: 'local t = setmetatable({}, {__index = function() return debug.traceback("m") end}) local r for x in function(_, k) if not k then return t.x end end do r = x end return r' },
  {
    name: 'debug.traceback leaves out the middle of more than 22 levels, server frames counted',
    code: 'local function f(n) if n == 0 then return debug.traceback("m") end return (f(n - 1)) end local r = {} for n = 8, 16 do r[#r + 1] = f(n) end return table.concat(r, "\n=====\n")',
  },
  { name: 'debug.traceback with a level inside the elided part', code: 'local function f(n) if n == 0 then return debug.traceback("m", 12) end return (f(n - 1)) end return f(20)' },
  { name: 'debug.traceback in a chunk PHP calls from a PHP callback', code: 'local r = php.call(function() return debug.traceback("m") end) return r' },
  { name: 'debug.traceback in a chunk PHP calls from a tail-called PHP callback', code: 'return php.call(function() return debug.traceback("m") end)' },
  { name: 'debug.traceback two PHP callbacks deep', code: 'local r = php.call(function() local r = php.call(function(x) return debug.traceback(x, 1) end, "deep") return r end) return r' },
  { name: 'debug.traceback in a pcall', code: 'return pcall(debug.traceback, "m")' },
  { name: 'debug.traceback as an xpcall handler', code: 'return xpcall(function() error("x") end, debug.traceback)' },
  { name: 'debug.traceback in an xpcall handler', code: 'return xpcall(function() local x = nil + 1 end, function(e) return debug.traceback(e, 2) end)' },
  { name: 'debug.traceback in an xpcall handler of an error PHP raised', code: 'return xpcall(function() php.fail() end, function(e) return debug.traceback(e) end)' },
  { name: 'debug.traceback in an xpcall handler of an error PHP raised in a tail call', code: 'return xpcall(function() return php.fail() end, function(e) return debug.traceback(e) end)' },
  { name: 'debug.traceback in an xpcall handler of a PHP function called by xpcall', code: 'return xpcall(php.fail, function(e) return debug.traceback(e) end)' },

  // --- structured traces of errors in nested calls ---
  { name: 'an error in a chunk PHP calls from a PHP callback', code: 'local r = php.call(function() error("nested") end) return r' },
  { name: 'an error in a chunk PHP calls from a tail-called PHP callback', code: 'return php.call(function() error("nested") end)' },
  { name: 'an error PHP raises', code: 'local r = php.fail() return r' },
  { name: 'an error PHP raises in a tail call', code: 'return php.fail()' },
  { name: 'an error in a metamethod', code: 'local t = setmetatable({}, {__index = function() error("idx") end}) return t.x' },
  { name: 'an error in a for iterator', code: 'for x in function() error("it") end do end' },

];

const dump = process.env.SANDBOX_DUMP !== undefined;

describe('sandbox escape attempts: mw-lua-standalone and lua5.1 with MWServer.lua agree', () => {
  it('has at least 50 attempts, uniquely named', () => {
    expect(attempts.length).toBeGreaterThanOrEqual(50);
    expect(new Set(attempts.map((a) => a.name)).size).toBe(attempts.length);
  });

  for (const attempt of attempts) {
    it(attempt.name, async () => {
      const [ours, reference] = await outcomes(attempt);
      if (dump) console.log(`${attempt.name}\n  ours: ${show(ours)}\n  ref:  ${show(reference)}`);
      if (attempt.referenceBreaks === undefined) expect(ours).toEqual(reference);
      else expect(reference!.kind, `the reference was expected to break: ${attempt.referenceBreaks}`).toBe('died');
      if (attempt.returns !== undefined) expect(ours).toEqual({ kind: 'return', values: attempt.returns });
      if (attempt.fails !== undefined) {
        expect(ours!.kind).toBe('error');
        const value = (ours as { value: PhpValue }).value;
        if (typeof attempt.fails === 'string') expect(value).toBe(attempt.fails);
        else expect(value).toMatch(attempt.fails);
      }
      if (attempt.refused !== undefined) {
        expect(ours!.kind).toBe('load error');
        expect((ours as { value: PhpValue }).value).toMatch(attempt.refused);
      }
    });
  }
});
