/**
 * Calls and returns as 5.1 runs them, where stack slots and call records are
 * reused from one call to the next (src/lua51/fengari-speedups.ts): nothing a
 * finished call left behind may show through in the next one.
 */
import { describe } from 'vitest';
import { same } from './lua51/differential.js';

describe('a call starts from clean registers', () => {
  same(
    'missing arguments are nil after a deeper call filled the same slots',
    'local function deep(a, b, c, d, e) local x, y, z = a, b, c return x end ' +
      'local function few(a, b, c, d, e) return a, b, c, d, e end ' +
      'deep(1, 2, 3, 4, 5) print(few(7)) deep("a", "b", "c", "d", "e") print(few())',
  );
  same(
    'locals declared without a value are nil in every call',
    'local function f(n) local a, b, c if n > 0 then a, b, c = n, n, n f(n - 1) end return a, b, c end ' +
      'print(f(3)) print(f(0))',
  );
  same(
    'results are padded with nil where the callee returned fewer',
    'local function two() local t = {1, 2, 3} return "x", "y" end local function none() end ' +
      'local a, b, c, d = two() print(a, b, c, d) a, b, c, d = none() print(a, b, c, d) ' +
      'print(select("#", none()), select("#", two()), (two()))',
  );
  same(
    'varargs of one call do not leak into the next',
    'local function v(...) return select("#", ...), ... end print(v(1, nil, 3, nil)) print(v()) print(v(nil)) ' +
      'local function arg51(...) return arg.n, arg[1], arg[2] end print(arg51("a", "b")) print(arg51())',
  );
});

describe('upvalues outlive the calls that created them', () => {
  same(
    'closures keep the values of returned frames while later calls reuse the stack',
    'local fs = {} for i = 1, 3 do local x = i * 10 fs[i] = function() x = x + 1 return x end end ' +
      'local function clobber(a, b, c, d) return a end for i = 1, 5 do clobber(i, i, i, i) end ' +
      'print(fs[1](), fs[2](), fs[3](), fs[1]())',
  );
  same(
    'a closure made before an error keeps its upvalue after pcall unwinds the frame',
    'local keep local function f() local v = "kept" keep = function() return v end error("boom") end ' +
      'print(pcall(f)) local function g(a, b, c) local p, q, r = 1, 2, 3 return a end g(9, 9, 9) print(keep())',
  );
  same(
    'closures made in a loop left by break keep their own values',
    'local fs = {} for i = 1, 10 do local j = i fs[#fs + 1] = function() return j end if i == 3 then break end end ' +
      'local function noise(a, b, c) return c end noise(1, 2, 3) print(fs[1](), fs[2](), fs[3]())',
  );
});

describe('calls through host functions and coroutines', () => {
  same(
    'results of host functions and metamethods land where the caller expects them',
    'local mt = {__index = function(t, k) return k .. "!" end, __add = function(a, b) return 42 end} ' +
      'local t = setmetatable({}, mt) print(t.x, t + 1, select(2, pcall(string.rep, "ab", 3)), tostring(nil), (string.find("abc", "b")))',
  );
  same(
    'coroutines interleaved with calls on the main thread keep their frames',
    'local co = coroutine.wrap(function(a) local function inner(x) return coroutine.yield(x + 1) end ' +
      'local b = inner(a) local c = inner(b) return a, b, c end) ' +
      'local function busy(n) if n == 0 then return 0 end return 1 + busy(n - 1) end ' +
      'print(co(1)) print(busy(50)) print(co(10)) print(busy(20)) print(co(100))',
  );
  same(
    'a yield across pcall resumes into the same protected call',
    'local co = coroutine.create(function() local ok, v = pcall(function() local r = coroutine.yield(1) error("after " .. r) end) ' +
      'return ok, v end) print(coroutine.resume(co)) local function f(a, b, c, d) return d end f(1, 2, 3, 4) print(coroutine.resume(co, "x"))',
  );
  same(
    'tracebacks after many calls and tail calls show only the live frames',
    'local function t3() return debug.traceback("tb", 1) end local function t2() return t3() end ' +
      'local function deep(n) if n > 0 then return 1 + deep(n - 1) end return 0 end deep(100) ' +
      'local function t1() local s = t2() return s end print(t1())',
  );
});
