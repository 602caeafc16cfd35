/**
 * Runtime error messages of the VM, worded as 5.1 words them: scripts show
 * them to editors as "Lua error in Module:X at line N: …".
 */
import { describe } from 'vitest';
import { same, sameError } from './lua51/differential.js';

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
