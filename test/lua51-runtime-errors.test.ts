/**
 * Runtime error messages of the VM, worded as 5.1 words them: scripts show
 * them to editors as "Lua error in Module:X at line N: …".
 */
import { describe } from 'vitest';
import { same, sameError } from './lua51/differential.js';
import { SCRIBUNTO_INCLUDES } from './support/interpreters.js';

const CASES: Record<string, string> = {
  "indexing a nil local names it: attempt to index local 't' (a nil value)": 'local t; t.x = 1',
  "indexing a nil global names it: attempt to index global 'x' (a nil value)": 'x.y()',
  "indexing a nil field names it: attempt to index field 'a' (a nil value)": 'local t = {} return t.a.b',
  "calling a nil field names it: attempt to call field 'f' (a nil value)": 'local t = {} t.f()',
  "calling a nil upvalue names it: attempt to call upvalue 'up' (a nil value)": 'local up; (function() up() end)()',
  "calling a nil method names it: attempt to call method 'm' (a nil value)": 'local t = {} t:m()',
  "arithmetic on a string local: attempt to perform arithmetic on local 's' (a string value)": 'local s = "a"; return s + {}',
  'arithmetic on a nil temporary has no name': 'return ({}).x + 1',
  'concatenating a table: attempt to concatenate a table value': 'return {} .. "x"',
  "concatenating a nil local: attempt to concatenate local 'v' (a nil value)": 'local v; return "x" .. v',
  'comparing a number with a table': 'return 1 < {}',
  'comparing two tables': 'return {} < {}',
  'the length of nil': 'return #nil',
  'calling a number': 'local n = 5; n()',
};

describe('runtime error messages match lua5.1', () => {
  for (const [behaviour, code] of Object.entries(CASES)) {
    sameError(behaviour, code);
  }
});

/** Runs `error('e')` and a syntax error in a chunk named `name` (a Lua expression), and prints both messages and short_src. */
const underChunkName = (name: string): string =>
  `local name = ${name} local f = loadstring("error('e')", name) print(select(2, pcall(f))) ` +
  `print(select(2, loadstring("x x", name))) print(debug.getinfo(f).short_src)`;

describe('chunk names are cut as 5.1 cuts them (60 bytes at run time, 80 in syntax errors)', () => {
  same('a long =name keeps 59 bytes at run time and 79 in a syntax error', underChunkName('"=" .. ("m"):rep(100)'));
  same('a long @file keeps its last 52 bytes behind "..." at run time, 72 in a syntax error', underChunkName('"@" .. ("f"):rep(100)'));
  same('a long source string keeps 43 bytes at run time and 63 in a syntax error', underChunkName('("s"):rep(100)'));
  same('a source string of exactly 43 bytes is shown whole', underChunkName('("s"):rep(43)'));
  same('a source string stops at its first \\n', underChunkName('"first\\nsecond"'));
  same('a source string stops at its first \\r', underChunkName('"first\\rsecond"'));
  same('a chunk name ends at its first NUL, as a C string does', underChunkName('"=a\\0b"'));
  same('loadstring without a name shows the source up to its first line', `print(pcall(loadstring("error('e') -- " .. ("y"):rep(60) .. "\\nx=1")))`);
});

/** Runs `call` (a chunk that fails) in a protected call and prints its message, as modules see it. */
const messageOf = (call: string): string => `print(select(2, pcall(function() ${call} end)))`;

describe("functions are named as 5.1 names them, from the instruction that called them (symbexec)", () => {
  sameError("a global: bad argument #1 to 'rep'", 'string.rep()');
  sameError("a local: bad argument #1 to 's'", 'local s = string.rep; s()');
  sameError("an upvalue: bad argument #1 to 'r'", 'local r = string.rep; (function() local x = r() end)()');
  sameError("an upvalue tail-called: bad argument #1 to 'r'", 'local r = string.rep; (function() return r() end)()');
  sameError("a field: bad argument #1 to 'c'", 'local a = {b = {c = string.rep}} a.b.c()');
  sameError("a field under a computed key is '?'", "local k = 'f' local t = {f = string.rep} t[k]()");
  sameError("a method: bad argument #1 to 'rep'", "local s = 'x' s:rep({})");
  sameError("a local copied from an upvalue: bad argument #1 to 'x'", 'local up = string.rep local function f() local x = up; x() end f()');
  sameError(
    "the callee of `(a and b or c)(...)` is the register's setter on the path past the jumps: bad argument #1 to 'old_ipairs'",
    'local old_ipairs = ipairs local function f(t) local mt = getmetatable(t) ' +
      'local f, s, v = (mt and mt.__ipairs or old_ipairs)(t) return f end f(nil)',
  );
  sameError(
    "mwInit.lua's ipairs wrapper: bad argument #1 to 'old_ipairs'",
    `dofile('${SCRIBUNTO_INCLUDES}/engines/LuaCommon/lualib/mwInit.lua') for _ in ipairs(nil) do end`,
  );
  sameError("a generic for's iterator is named after its hidden local: '(for generator)'", 'for k, v in next, 1 do end');
  sameError("a metamethod has no name: bad argument #1 to '?'", 'local x = setmetatable({}, {__add = string.rep}) + 1');
  sameError("an __index function has no name: bad argument #1 to '?'", 'local x = setmetatable({}, {__index = string.rep}).k');
  same("a function pcall calls has no name: '?'", 'print(pcall(string.rep))');
  same('a function the host calls has no name', messageOf("string.gsub('x', 'x', string.rep)"));
  same('getinfo names a local, a field, a method, a global and an upvalue', `
    local function named() print(debug.getinfo(1, 'n').name, debug.getinfo(1, 'n').namewhat) end
    named() local t = {named = named} t.named() t:named() g = named g() ;(function() named() end)()`);
  same('getinfo of a tail-called function has no name', 'local function f() return debug.getinfo(1, "n") end local function g() return f() end local i = g() print(i.name, i.namewhat)');
});

describe("values in messages are named as 5.1 names them", () => {
  sameError("a value a condition tested has no name: attempt to call a nil value", 'local t = {a = {}} ;(t.a.b or t.c)()');
  sameError("`x or nil` has no name", 'local x ;(x or nil)()');
  sameError("a string constant has no name: attempt to perform arithmetic on a string value", "local x = -'x'");
  sameError("a field set in a loop skipped by the scan is still named: attempt to index field 'y'", 'local t = {} for i = 1, 2 do local u = t.x end t.y.z = 1');
  sameError("a local set on both branches of an if stays a local", 'local a = 1 local b if a then b = nil else b = print end b()');
});
