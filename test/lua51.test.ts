/**
 * Lua 5.1 behaviour pinned against Debian's lua5.1: every case runs the same
 * snippet under the oracle and under our VM and expects the same output and
 * the same error.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ORACLE, same, sameError } from './lua51/differential.js';
import { OUR_BINARY } from './support/interpreters.js';

describe('state: the 5.1 library set', () => {
  same('_VERSION is "Lua 5.1"', 'print(_VERSION)');
  same('no 5.2+ globals', 'print(rawlen, utf8, bit32, fengari, goto_)');
  same('no 5.2+ table functions', 'print(table.pack, table.unpack, table.move)');
  same('no 5.3 math functions', 'print(math.type, math.tointeger, math.ult, math.maxinteger, math.mininteger)');
  same('no string packing', 'print(string.pack, string.unpack, string.packsize)');
  same('no coroutine.isyieldable', 'print(coroutine.isyieldable)');
  same('no debug.upvalueid/upvaluejoin/uservalue', 'print(debug.upvalueid, debug.upvaluejoin, debug.getuservalue, debug.setuservalue)');
  same('no package.searchers/searchpath', 'print(package.searchers, package.searchpath)');
  same('base library names', [
    'local names = {}',
    'for k in pairs(_G) do if type(k) == "string" then names[#names + 1] = k end end',
    'table.sort(names) print(table.concat(names, " "))',
  ].join('\n'));
  for (const lib of ['string', 'table', 'math', 'os', 'coroutine', 'package', 'debug', 'io']) {
    same(`${lib} library names`, [
      `local names = {} for k in pairs(${lib}) do names[#names + 1] = tostring(k) end`,
      'table.sort(names) print(table.concat(names, " "))',
    ].join('\n'));
  }
  same('_G._G is _G', 'print(_G._G == _G)');
  same('package.loaded holds the libraries', 'print(package.loaded.string == string, package.loaded._G == _G, package.loaded.io == io)');
  same('package.config', 'print(package.config)');
});

describe('environments: setfenv / getfenv', () => {
  same('getfenv() and getfenv(1) are the globals in the main chunk', 'print(getfenv() == _G, getfenv(1) == _G)');
  same('getfenv(0) is the global table', 'print(getfenv(0) == _G)');
  same('getfenv(2) from the main chunk is the host function\'s (globals)', 'print(getfenv(2) == _G)');
  same('getfenv of a JS function is the global table', 'print(getfenv(print) == _G, getfenv(string.format) == _G)');
  same('setfenv on a function redirects its globals', 'local function f() return x end setfenv(f, {x = 42}) print(f(), x)');
  same('setfenv returns the function', 'local function f() end print(setfenv(f, {}) == f)');
  same('setfenv on a function that touches no global', [
    'local function f(a) return a + 1 end',
    'local env = {} setfenv(f, env) print(getfenv(f) == env, f(1))',
  ].join('\n'));
  same('closures made in a loop have separate environments', [
    'local fs = {}',
    'for i = 1, 3 do fs[i] = function() return tag end end',
    'setfenv(fs[2], {tag = "two"})',
    'print(fs[1](), fs[2](), fs[3](), fs[1] == fs[2])',
  ].join('\n'));
  same('setfenv on one closure leaves its siblings alone', [
    'local function mk() return function() return v end end',
    'local a, b = mk(), mk() v = "global"',
    'setfenv(a, {v = "a"}) print(a(), b())',
  ].join('\n'));
  same('closures created after setfenv inherit the new environment', [
    'local function outer() return function() return v end end',
    'v = "old" local before = outer()',
    'setfenv(outer, {v = "new"}) local after = outer()',
    'print(before(), after())',
  ].join('\n'));
  same('setfenv(1, t) changes the running function', [
    'local function f() local print = print setfenv(1, {y = 7}) print(y) end f() print(y)',
  ].join('\n'));
  same('setfenv(2, t) changes the caller', [
    'local function set(t) setfenv(2, t) end',
    'local function f() local print = print set({z = "caller"}) print(z) end f()',
  ].join('\n'));
  same('getfenv(2) is the caller\'s environment', [
    'local function get() return getfenv(2) end',
    'local env = {get = get} local function f() local e = get() return e end setfenv(f, env) print(f() == env)',
  ].join('\n'));
  same('getfenv counts the tail call pseudo-level', [
    'local function f() return getfenv(2) end local function g() return f() end',
    'print(pcall(g))',
  ].join('\n'));
  same('getfenv level through a normal call', [
    'local function f() local e = getfenv(2) return e end local function g() local r = f() return r end',
    'print(g() == _G)',
  ].join('\n'));
  same('setfenv(0, t) changes the thread globals new chunks get', [
    'local t = {tostring = tostring} setfenv(0, t) local f = loadstring("q = 1") f()',
    'print(t.q, rawget(_G, "q"), getfenv(0) == t)',
  ].join('\n'));
  same('setfenv(0, t) returns nothing', 'print(select("#", setfenv(0, _G)))');
  same('setfenv refuses a JS function', 'print(pcall(setfenv, print, {}))');
  same('setfenv needs a table', 'print(pcall(setfenv, function() end, 1))');
  same('setfenv needs a table (nil)', 'print(pcall(setfenv, function() end))');
  same('getfenv of an invalid level', 'print(pcall(getfenv, 50))');
  same('getfenv of a negative level', 'print(pcall(getfenv, -1))');
  same('getfenv of a non-function non-number', 'print(pcall(getfenv, {}))');
  same('getfenv of a numeric string level', 'print(getfenv("1") == _G)');
  same('setfenv with a level string', 'local function f() setfenv("1", {}) end print(pcall(f))');
  same('setfenv of an invalid level', 'print(pcall(setfenv, 99, {}))');
  same('a function with a new environment cannot see old globals', [
    'local function f() return print end setfenv(f, {}) print(f())',
  ].join('\n'));
  same('environment with __index to _G', [
    'local env = setmetatable({mine = 1}, {__index = _G})',
    'local function f() return mine, type(print) end setfenv(f, env) print(f())',
  ].join('\n'));
  same('global assignment goes to the new environment', [
    'local env = {} local function f() newglobal = 5 end setfenv(f, env) f() print(env.newglobal, newglobal)',
  ].join('\n'));
  same('loadstring chunks get the global environment', 'local f = loadstring("return getfenv(1)") print(f() == _G)');
  same('setfenv on a loaded chunk sandboxes it', [
    'local f = loadstring("x = 10 return x") local env = {} setfenv(f, env) print(f(), env.x, x)',
  ].join('\n'));
  same('nested functions inherit the defining function\'s environment', [
    'local f = loadstring("return function() return who end") setfenv(f, {who = "inner"})',
    'print(f()())',
  ].join('\n'));
  same('debug.getfenv / debug.setfenv', [
    'local function f() return k end debug.setfenv(f, {k = 3}) print(f(), debug.getfenv(f).k, debug.getfenv(1))',
  ].join('\n'));
  same('module() sets the caller environment', [
    'local f = loadstring("module(\'mymod\') function hello() return _NAME end")',
    'f() print(mymod.hello(), mymod._M == mymod, mymod._PACKAGE, package.loaded.mymod == mymod)',
  ].join('\n'));
  same('module with package.seeall', [
    'local f = loadstring("module(\'a.b\', package.seeall) x = tostring(1)")',
    'f() print(a.b.x, a.b._NAME, a.b._PACKAGE, x)',
  ].join('\n'));
});

describe('base library', () => {
  same('unpack returns all array elements', 'print(unpack({1, 2, 3}))');
  same('unpack with a range', 'print(unpack({1, 2, 3, 4}, 2, 3))');
  same('unpack with an empty range', 'print(select("#", unpack({1, 2}, 3)))');
  same('unpack with holes up to an explicit end', 'print(unpack({1, nil, 3}, 1, 3))');
  same('unpack is raw (ignores __index)', 'print(unpack(setmetatable({}, {__index = function() return 1 end}), 1, 2))');
  same('unpack refuses more than 8000 results', 'print(pcall(unpack, {}, 1, 7998))');
  same('unpack of a non-table', 'print(pcall(unpack, "abc"))');
  same('unpack truncates fractional bounds', 'print(unpack({1, 2, 3}, 1.5, 2.9))');
  same('loadstring compiles a chunk', 'print(loadstring("return 1 + 1")())');
  same('loadstring passes varargs', 'print(loadstring("return ...")(1, 2))');
  same('loadstring syntax error returns nil, message', 'print(loadstring("x = = 1"))');
  same('loadstring with a chunk name', 'print(loadstring("x = = 1", "=mychunk"))');
  same('load with a reader function', [
    'local parts = {"return ", "1", " + 41"} local i = 0',
    'print(load(function() i = i + 1 return parts[i] end)())',
  ].join('\n'));
  same('load stops at an empty piece', [
    'local parts = {"return 1", "", "+ 1"} local i = 0',
    'print(load(function() i = i + 1 return parts[i] end)())',
  ].join('\n'));
  same('load refuses a string', 'print(pcall(load, "return 1"))');
  same('load default chunk name is (load)', 'print(load(function() return nil end) ~= nil, load(coroutine.wrap(function() coroutine.yield("x = = 1") end)))');
  same('pairs ignores __pairs', [
    'local t = setmetatable({a = 1}, {__pairs = function() error("used") end})',
    'for k, v in pairs(t) do print(k, v) end',
  ].join('\n'));
  same('ipairs ignores __index', [
    'local t = setmetatable({1, 2}, {__index = function(_, i) if i < 5 then return i * 10 end end})',
    'for i, v in ipairs(t) do print(i, v) end',
  ].join('\n'));
  same('ipairs stops at the first nil', 'for i, v in ipairs({1, 2, nil, 4}) do print(i, v) end');
  same('ipairs requires a table', 'print(pcall(ipairs, "x"))');
  same('pairs requires a table', 'print(pcall(pairs, nil))');
  same('ipairs returns an iterator, the table and 0', 'local f, t, i = ipairs({}) print(type(f), type(t), i)');
  same('pairs iterator is not next itself', 'print(select(2, pairs({})) ~= nil, (pairs({})) == next)');
  same('next on an empty table', 'print(next({}))');
  same('select("#")', 'print(select("#"), select("#", nil, nil))');
  same('select with a negative index', 'print(select(-1, "a", "b", "c"))');
  same('select out of range', 'print(pcall(select, -5, "a"))');
  same('select(0) is an error', 'print(pcall(select, 0, "a"))');
  same('tostring of numbers', 'print(tostring(1), tostring(-0.5), tostring(1e100), tostring(2^53))');
  same('tostring uses __tostring', 'print(tostring(setmetatable({}, {__tostring = function() return "obj" end})))');
  same('__tostring may return a non-string', 'print(tostring(setmetatable({}, {__tostring = function() return 42 end})))');
  same('tostring of nil and booleans', 'print(tostring(nil), tostring(true), tostring(false))');
  same('tostring needs an argument', 'print(pcall(tostring))');
  same('print calls the global tostring', 'tostring = function() return "T" end print(1, nil)');
  sameError('print refuses a non-string from tostring', 'tostring = function() return {} end print(pcall(print, 1))');
  same('print of no arguments prints an empty line', 'print()');
  same('print stops each string at its first NUL, as fputs does', 'print("a\\0b", "c") print("\\0x", "y\\0") print("z")');
  same('io.write writes NULs', 'io.write("a\\0b", "\\0", "\\n")');
  same('print has written what came before a tostring that returned a non-string', 'print(pcall(print, 1, 2, setmetatable({}, {__tostring = function() return {} end})))');
  same('print has written what came before a failing __tostring', 'print(pcall(print, "a", setmetatable({}, {__tostring = function() error("boom") end})))');
  same('type of values', 'print(type(nil), type(1), type("s"), type({}), type(print), type(true), type(coroutine.create(function() end)))');
  same('type needs an argument', 'print(pcall(type))');
  same('rawequal / rawget / rawset', 'local t = setmetatable({}, {__index = function() return 1 end, __newindex = function() end}) rawset(t, "a", 2) print(rawget(t, "a"), rawget(t, "b"), t.b, rawequal(t, t), rawequal(t, {}))');
  same('getmetatable honours __metatable', 'print(getmetatable(setmetatable({}, {__metatable = "locked"})))');
  same('setmetatable on a protected metatable', 'local t = setmetatable({}, {__metatable = 1}) print(pcall(setmetatable, t, {}))');
  same('setmetatable with a bad second argument', 'print(pcall(setmetatable, {}, 1))');
  same('getmetatable of a string is the string table', 'print(getmetatable("").__index == string)');
  same('assert returns all its arguments', 'print(assert(1, 2, 3))');
  same('assert failure message', 'print(pcall(assert, false))');
  same('assert with a message', 'print(pcall(assert, nil, "custom"))');
  same('assert with no arguments', 'print(pcall(assert))');
  same('assert turns a number message into a string', 'print(pcall(assert, false, 12)) print(type(select(2, pcall(assert, false, 12))))');
  same('assert refuses a table message', 'print(pcall(assert, false, {}))');
  same('assert with a nil message says assertion failed', 'print(pcall(assert, false, nil))');
  same('assert failing in a Lua function has its position', 'print(pcall(function() assert(false, "here") end))');
  same('collectgarbage("count") is a number of kilobytes', 'print(type(collectgarbage("count")), collectgarbage("count") > 0)');
  same('collectgarbage() returns 0', 'print(collectgarbage(), collectgarbage("collect"), collectgarbage("stop"), collectgarbage("restart"))');
  same('collectgarbage setpause returns the previous value', 'print(collectgarbage("setpause", 100), collectgarbage("setpause", 200), collectgarbage("setstepmul", 300), collectgarbage("setstepmul"))');
  same('collectgarbage rejects an unknown option', 'print(pcall(collectgarbage, "nope"))');
  same('gcinfo is a number', 'print(type(gcinfo()))');
  same('collectgarbage: each 5.1 option returns one value of 5.1\'s type', [
    'for _, o in ipairs({"stop", "restart", "collect", "count", "step", "setpause", "setstepmul"}) do',
    '  local arg = (o == "setpause" or o == "setstepmul") and 200 or 0',
    '  io.write(o, " ", select("#", collectgarbage(o, arg)), " ", type(collectgarbage(o, arg)), "\\n")',
    'end',
  ].join('\n'));
  same('collectgarbage("step") with a size beyond the heap finishes a cycle', 'print(collectgarbage("step", 2^20))');
  sameError('collectgarbage names the invalid option', 'collectgarbage("x")');
  same('collectgarbage refuses a 5.2+ option', 'print(pcall(collectgarbage, "isrunning")) print(pcall(collectgarbage, "generational")) print(pcall(collectgarbage, "incremental"))');
  same('collectgarbage refuses a number as option', 'print(pcall(collectgarbage, 1))');
  same('collectgarbage with a non-number size', 'print(pcall(collectgarbage, "step", "x"))');
  same('gcinfo is a positive whole number of kilobytes', 'local g = gcinfo() print(type(g), g > 0, g == math.floor(g))');
  same('newproxy() is a userdata without metatable', 'local p = newproxy() print(type(p), getmetatable(p))');
  same('newproxy(true) has its own metatable', 'local p = newproxy(true) getmetatable(p).__index = {x = 1} print(type(getmetatable(p)), p.x)');
  same('newproxy(proxy) shares the metatable', 'local p = newproxy(true) local q = newproxy(p) print(getmetatable(p) == getmetatable(q))');
  same('newproxy refuses other values', 'print(pcall(newproxy, {}))');
  same('xpcall calls the handler with the message', 'print(xpcall(function() error("boom") end, function(m) return "handled: " .. m end))');
  same('xpcall success returns results', 'print(xpcall(function() return 1, 2 end, print))');
  same('xpcall passes no extra arguments', 'print(xpcall(function(...) return select("#", ...) end, print, 1, 2))');
  same('xpcall needs a handler', 'print(pcall(xpcall, function() end))');
  same('xpcall with a non-function handler', 'print(xpcall(function() error("x") end, 42))');
  same('pcall returns false and the message', 'print(pcall(error, "msg"))');
  same('pcall with no function', 'print(pcall(pcall))');
  same('pcall of a non-function', 'print(pcall(42))');
  same('recursion through xpcall returns every level\'s results up to the C stack overflow', 'local function f() return xpcall(f, function(m) return m end) end local r = {f()} print(#r, r[#r])');
  same('dofile of a missing file', 'print(pcall(dofile, "/nonexistent/file.lua"))');
  same('loadfile of a missing file', 'print(loadfile("/nonexistent/file.lua"))');
});

describe('numbers: tonumber and arithmetic', () => {
  same('tonumber of decimal strings', 'print(tonumber("10"), tonumber("  10  "), tonumber("1.5"), tonumber(".5"), tonumber("5."), tonumber("1e5"))');
  same('tonumber of hexadecimal strings', 'print(tonumber("0x10"), tonumber(" 0x10 "), tonumber("0XfF"), tonumber("-0x10"))');
  same('tonumber of inf and nan as strtod reads them', 'print(tonumber("inf"), tonumber("-inf"), tonumber("infinity"), tonumber("nan"), tonumber("NaN"))');
  same('tonumber rejects partial numerals', 'print(tonumber("1e"), tonumber("0x"), tonumber(""), tonumber(" "), tonumber("1 2"), tonumber("abc"))');
  same('tonumber stops at an embedded NUL', 'print(tonumber("1\\0"), tonumber("1\\0x"))');
  same('tonumber of non-strings', 'print(tonumber(nil), tonumber(true), tonumber({}), tonumber(5))');
  same('tonumber with base 2', 'print(tonumber("1010", 2), tonumber("  11  ", 2), tonumber("102", 2))');
  same('tonumber with base 36', 'print(tonumber("z", 36), tonumber("ZZ", 36), tonumber("zz", 36))');
  same('tonumber with base 16 and prefix', 'print(tonumber("ff", 16), tonumber("0xff", 16), tonumber("-ff", 16))');
  same('tonumber with a large base-16 value does not wrap at 32 bits', 'print(tonumber("ffffffff", 16), tonumber("100000000", 16), tonumber("ffffffffffffffffff", 16))');
  same('tonumber with base 10 uses the decimal rules', 'print(tonumber("0x10", 10), tonumber("1.5", 10))');
  same('tonumber base out of range', 'print(pcall(tonumber, "10", 99))');
  same('tonumber base 1 is out of range', 'print(pcall(tonumber, "10", 1))');
  same('tonumber of a number in another base', 'print(tonumber(10, 16))');
  same('tonumber needs an argument', 'print(pcall(tonumber))');
  same('hexadecimal floats round once to nearest even, subnormals too', [
    'for _, s in ipairs({"0x100p-1080", "0x1p-1074", "0x1.8p-1074", "0x3p-1076", "0x1p-1075", "0x1.0000001p-1075", "0x1.7p-1074",',
    '  "0x1.fffffffffffff8p0", "0x1.fffffffffffff8p1023", "0x1.00000000000018p0", "0x20000000000003", "0x.0000000000001p-1022",',
    '  "0xffffffffffffffffffffp-1100", "0x1p99999", "0x0p99999", "-0x0p5", "0x1.000000000000080000000000000000000000000001p0",',
    '  "0x1000000000000080000000000000000000000000000p-168", "0x.00000000000000000000000000000000000000000000000000001p200"}) do',
    '  print(s, string.format("%.17g", tonumber(s)))',
    'end',
  ].join('\n'));
  same('numerals of 300,000 digits', "print(tonumber(('1'):rep(300000)), ('9'):rep(300000) + 0, tonumber('0.' .. ('0'):rep(300000) .. '1'), tonumber('0x' .. ('f'):rep(300000)))");
  same('large integers do not wrap', 'print(2147483647 + 1, 2^31 * 4, math.floor(1e5) * math.floor(1e5))');
  same('numbers print with %.14g', 'print(1e15, 2^53, 1/3, 100, -0.0, 1e-5, 123456789012345)');
  same('hexadecimal literals', 'print(0xff, 0xffffffff, 0x7fffffff + 1)');
  same('modulo of negatives', 'print(5 % 3, -5 % 3, 5 % -3, -5 % -3, 5.5 % 2)');
  same('integer division result is a double', 'print(7 / 2, 1 / 0, -1 / 0)');
  same('string coercion in arithmetic', 'print("10" + 1, "3" * "4", "0x10" + 0, 10 .. "")');
  same('numeric for loop beyond 2^31', 'for i = 2147483646, 2147483649 do io.write(i, " ") end print()');
  same('float for loop', 'for i = 1, 2, 0.5 do io.write(i, " ") end print()');
});

describe('table library', () => {
  same('table.getn is the length', 'print(table.getn({1, 2, 3}), table.getn({}))');
  same('table.getn needs a table', 'print(pcall(table.getn, "x"))');
  same('table.setn is obsolete', 'print(pcall(table.setn, {}, 1))');
  same('table.maxn finds the largest positive numeric key', 'print(table.maxn({1, 2, [10] = 3, [2.5] = 4, x = 5}), table.maxn({}), table.maxn({[-1] = 1}))');
  same('table.maxn with a fractional key', 'print(table.maxn({[1.5] = true}))');
  same('table.foreach visits every pair', 'local n = 0 table.foreach({a = 1, b = 2}, function(k, v) n = n + v end) print(n)');
  same('table.foreach stops at a non-nil result', 'print(table.foreach({1}, function(k, v) return "stop", k end))');
  same('table.foreachi visits in order', 'table.foreachi({"a", "b", "c"}, print)');
  same('table.foreachi stops at a non-nil result', 'print(table.foreachi({5, 6, 7}, function(i, v) if v == 6 then return i end end))');
  same('table.insert appends', 'local t = {1, 2} table.insert(t, 3) print(unpack(t))');
  same('table.insert at a position', 'local t = {1, 2, 3} table.insert(t, 1, 0) print(unpack(t))');
  same('table.insert past the end', 'local t = {1} table.insert(t, 5, "x") print(t[1], t[2], t[5], table.maxn(t))');
  same('table.insert with a wrong argument count', 'print(pcall(table.insert, {}, 1, 2, 3))');
  same('table.insert with a non-number position', 'print(pcall(table.insert, {}, "a", 1))');
  same('table.insert with a fractional position', 'local t = {1, 2} table.insert(t, 1.7, "x") print(unpack(t))');
  same('table.remove pops the last element', 'local t = {1, 2, 3} print(table.remove(t), #t)');
  same('table.remove at a position', 'local t = {1, 2, 3} print(table.remove(t, 1), unpack(t))');
  same('table.remove of an empty table returns nothing', 'print(select("#", table.remove({})))');
  same('table.remove out of range returns nothing', 'local t = {1} print(select("#", table.remove(t, 5)), select("#", table.remove(t, 0)))');
  same('table.concat joins', 'print(table.concat({1, 2, "x"}, ", "), table.concat({}), table.concat({"a"}, "-"))');
  same('table.concat with a range', 'print(table.concat({"a", "b", "c", "d"}, "", 2, 3))');
  same('table.concat formats numbers with %.14g', 'print(table.concat({1/3, 1e15, 2^53}, " "))');
  same('table.concat of an invalid value', 'print(pcall(table.concat, {1, {}, 3}))');
  same('table.concat past the end names nil', 'print(pcall(table.concat, {1, 2}, ",", 1, 3))');
  same('table.concat is raw', 'print(table.concat(setmetatable({}, {__index = function() return "x" end}), ",", 1, 0))');
  same('table.sort sorts numbers', 'local t = {5, 2, 8, 1, 9, 3} table.sort(t) print(unpack(t))');
  same('table.sort with a comparator', 'local t = {5, 2, 8, 1} table.sort(t, function(a, b) return a > b end) print(unpack(t))');
  same('table.sort of strings', 'local t = {"b", "a", "C", "c"} table.sort(t) print(unpack(t))');
  same('table.sort with an inconsistent comparator', [
    'local t = {} for i = 1, 20 do t[i] = (i * 7) % 11 end',
    'print(pcall(table.sort, t, function(a, b) return true end))',
  ].join('\n'));
  same('table.sort of mixed types', 'print(pcall(table.sort, {1, "a", 2}))');
  same('table.sort order with equal keys is 5.1\'s', [
    'local t = {} for i = 1, 30 do t[i] = {k = i % 4, id = i} end',
    'table.sort(t, function(a, b) return a.k < b.k end)',
    'local out = {} for i, v in ipairs(t) do out[i] = v.id end print(table.concat(out, " "))',
  ].join('\n'));
  same('table.sort needs a function comparator', 'print(pcall(table.sort, {2, 1}, 1))');
  same('table.sort of a large array', 'local t = {} for i = 1, 1000 do t[i] = (i * 7919) % 1009 end table.sort(t) print(t[1], t[500], t[1000])');
});

describe('math library', () => {
  same('math.mod is fmod', 'print(math.mod(5, 3), math.mod(-5, 3), math.mod(5, -3), math.mod(5.5, 2))');
  same('math.fmod keeps the sign of the dividend', 'print(math.fmod(-6, 4), math.fmod(6, -4), math.fmod(1, math.huge))');
  same('math.pow', 'print(math.pow(2, 10), math.pow(2, 0.5), math.pow(2, -1), math.pow(0, 0))');
  same('math.log10', 'print(math.log10(1000), math.log10(2))');
  same('math.log takes one argument', 'print(math.log(8, 2), math.log(1))');
  same('math.ldexp and math.frexp', 'print(math.ldexp(0.5, 4), math.frexp(16), math.frexp(-3), math.frexp(0))');
  same('math.frexp of tiny and huge numbers', 'print(math.frexp(1e-310), math.frexp(1e308), math.frexp(math.huge))');
  same('math.ldexp with a large exponent', 'print(math.ldexp(1, 1024), math.ldexp(1, -1074), math.ldexp(3, -1080))');
  same('math.cosh / sinh / tanh', 'print(math.cosh(0), math.sinh(0), math.tanh(0), math.tanh(100))');
  same('math.floor and ceil keep -0', 'print(math.floor(-0.5), math.ceil(-0.5), math.floor(2.5), math.ceil(2.1))');
  same('math.floor of a large number', 'print(math.floor(2^40 + 0.5), math.floor(-2^40 - 0.5))');
  same('math.modf', 'print(math.modf(3.7)) print(math.modf(-3.7)) print(math.modf(5)) print(math.modf(-5)) print(math.modf(math.huge))');
  same('math.max and min', 'print(math.max(1, 5, 3), math.min(4, 2, 8), math.max(-0.5))');
  same('math.max converts strings', 'print(math.max("10", 2), type(math.max("10")))');
  same('math.max needs a number', 'print(pcall(math.max))');
  same('math.atan takes one argument, atan2 two', 'print(math.atan(1), math.atan(1, 2), math.atan2(1, 2))');
  same('math.deg and rad', 'print(math.deg(math.pi), math.rad(180), math.deg(1))');
  same('math.huge and pi', 'print(math.huge, -math.huge, math.pi)');
  same('math.abs', 'print(math.abs(-3), math.abs(3), math.abs(-0.0))');
  same('math.sqrt and exp', 'print(math.sqrt(16), math.sqrt(2), math.exp(1))');
  same('math.random sequence matches glibc rand after randomseed', [
    'math.randomseed(42) print(math.random(100), math.random(100), math.random(1, 6), math.random())',
  ].join('\n'));
  same('math.random default seed', 'print(math.random(1000), math.random(1000), math.random(1000))');
  same('math.random interval is empty', 'print(pcall(math.random, 0))');
  same('math.random with a reversed range', 'print(pcall(math.random, 5, 1))');
  same('math.random with too many arguments', 'print(pcall(math.random, 1, 2, 3))');
  same('math.randomseed with a fraction truncates', 'math.randomseed(7.9) local a = math.random(1000) math.randomseed(7) print(a == math.random(1000))');
});

describe('string basics', () => {
  same('string.gfind is gmatch', 'for w in string.gfind("one two", "%a+") do print(w) end');
  same('string methods through the metatable', 'print(("abc"):upper(), ("abc"):len(), ("%d"):rep(2))');
  same('string.sub truncates fractional indices', 'print(("abcdef"):sub(2, 3.7))');
  same('string.byte and char', 'print(string.byte("ABC", 1, 3), string.char(72, 105))');
  same('string.format basics', 'print(string.format("%d %s %5.2f", 3, "x", 1.5))');
  same('string.len of embedded zeros', 'print(#"a\\0b", string.len("a\\0b"))');
  same('string.rep', 'print(string.rep("ab", 3), string.rep("x", 0))');
  same('string.find plain', 'print(string.find("a.b", ".", 1, true))');
  same('string.gsub with a table', 'print(string.gsub("$a $b", "%$(%w+)", {a = 1, b = "two"}))');
  same('string.match captures', 'print(string.match("key=value", "(%w+)=(%w+)"))');
  same('tostring of a concatenated number', 'print(1 .. 2, 1.5 .. "")');
});

describe('coroutines', () => {
  same('coroutine.running is nil on the main thread', 'print(coroutine.running())');
  same('coroutine.running inside a coroutine', 'local co co = coroutine.create(function() print(coroutine.running() == co) end) coroutine.resume(co)');
  same('coroutine.create needs a Lua function', 'print(pcall(coroutine.create, print))');
  same('coroutine.wrap needs a Lua function', 'print(pcall(coroutine.wrap, print))');
  same('coroutine resume/yield', 'local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end) print(coroutine.resume(co, 1)) print(coroutine.resume(co, 5)) print(coroutine.resume(co))');
  same('coroutine.status', 'local co = coroutine.create(function() coroutine.yield() end) print(coroutine.status(co)) coroutine.resume(co) print(coroutine.status(co)) coroutine.resume(co) print(coroutine.status(co))');
  same('coroutine.wrap propagates errors', 'local f = coroutine.wrap(function() error("inside") end) print(pcall(f))');
  same(
    'resuming the running or a normal coroutine is "cannot resume running/normal coroutine", as 5.1.5 words it',
    'local co co = coroutine.create(function() print(coroutine.resume(co)) ' +
      'local co2 = coroutine.create(function() print(coroutine.resume(co), coroutine.status(co)) end) coroutine.resume(co2) end) ' +
      'coroutine.resume(co) print(coroutine.resume(co), coroutine.status(co))',
  );
  sameError('coroutine.resume of a non-coroutine is "coroutine expected"', 'print(pcall(coroutine.resume, 1)) print(pcall(coroutine.status)) coroutine.resume(1)');
  sameError('a wrapped coroutine resuming itself is "cannot resume running coroutine"', 'local w w = coroutine.wrap(function() return w() end) print(pcall(w)) print(pcall(w)) w()');
  same('coroutine.wrap adds the position to a number error, as to a string', 'print(pcall(coroutine.wrap(function() error(42) end))) print(pcall(coroutine.wrap(function() error({}) end)) == false)');
  same('coroutine.status of a coroutine that resumed another is "normal"', 'local a a = coroutine.create(function() local b = coroutine.create(function() print(coroutine.status(a)) end) coroutine.resume(b) print(coroutine.status(a)) end) coroutine.resume(a)');
});

/** Lua that resumes a coroutine running `body` and prints what resume returns. */
const resumed = (body: string): string => `print(coroutine.resume(coroutine.create(function() ${body} end)))`;

describe('coroutines: yields 5.1 cannot make (C-call boundaries)', () => {
  same('pcall cannot be yielded across (through coroutine.wrap)', 'print(coroutine.wrap(function() return pcall(coroutine.yield, 1) end)())');
  same('pcall cannot be yielded across (through coroutine.resume)', resumed('return pcall(coroutine.yield, 1)'));
  same('a coroutine whose pcall caught the refused yield runs on', resumed('local ok, e = pcall(coroutine.yield, 1) print(ok, e) return "after"'));
  same('xpcall cannot be yielded across', resumed('return xpcall(function() coroutine.yield(1) end, function(m) return "handled: " .. m end)'));
  same('a yield inside an __index function is refused', resumed('local t = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end}) return t.x'));
  same('a yield inside a __newindex function is refused', resumed('local t = setmetatable({}, {__newindex = function(t, k) coroutine.yield(k) end}) t.x = 1'));
  same('a yield inside __lt is refused', resumed('local a = setmetatable({}, {__lt = function() coroutine.yield() return true end}) return a < a'));
  same('a yield inside __eq is refused', resumed('local mt = {__eq = function() coroutine.yield() return true end} return setmetatable({}, mt) == setmetatable({}, mt)'));
  same('a yield inside __add is refused', resumed('local a = setmetatable({}, {__add = function() coroutine.yield() return 1 end}) return a + 1'));
  same('a yield inside __concat is refused', resumed('local a = setmetatable({}, {__concat = function() coroutine.yield() return "c" end}) return a .. "x"'));
  same('a yield inside a __call function is allowed (it is a Lua call)', resumed('return setmetatable({}, {__call = function(self, x) return coroutine.yield(x) end})(5)'));
  same('a yield inside a table.sort comparator is refused', resumed('table.sort({3, 1, 2}, function(a, b) coroutine.yield() return a < b end)'));
  same('a yield inside __lt called by table.sort is refused', resumed('local mt = {__lt = function(a, b) coroutine.yield() return a.v < b.v end} local t = {} for i = 1, 3 do t[i] = setmetatable({v = 4 - i}, mt) end table.sort(t)'));
  same("a yield inside tostring's __tostring is refused", resumed('return tostring(setmetatable({}, {__tostring = function() return coroutine.yield("y") end}))'));
  same('a yield inside a gsub replacement function is refused', resumed('return ("abc"):gsub(".", function(c) coroutine.yield(c) end)'));
  same('a yield inside table.foreach is refused', resumed('table.foreach({1}, function() coroutine.yield() end)'));
  same('a yield inside the iterator of a generic for is refused', resumed('for k in function() coroutine.yield(1) end do end'));
  same('a yield inside a load reader makes load fail', resumed('return load(function() coroutine.yield(1) end)'));
  same('a for loop over coroutine.wrap generates values, inside a coroutine too', 'for x in coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end) do io.write(x, " ") end print(coroutine.wrap(function() for x in coroutine.wrap(function() coroutine.yield(1) end) do coroutine.yield(x * 10) end end)())');
  same('a coroutine resumed inside a metamethod may yield to its resume', resumed('local t = setmetatable({}, {__index = function(t, k) return coroutine.wrap(function() coroutine.yield(k .. "!") end)() end}) return t.x'));
  same('coroutine.wrap adds the position of its caller to the refusal', 'local f = coroutine.wrap(function() local t = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end}) return t.x end)\nprint(pcall(function() return f() end))');
  sameError('the refusal ends a chunk run by coroutine.wrap with its position', 'local f = coroutine.wrap(function() local t = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end}) return t.x end)\nf()');
  same('a refused yield leaves the coroutine dead', 'local co = coroutine.create(function() local t = setmetatable({}, {__index = function() coroutine.yield() end}) return t.x end) print(coroutine.resume(co)) print(coroutine.status(co), coroutine.resume(co))');
  sameError('yield on the main thread is refused', 'coroutine.yield(1)');
  same('yield through pcall on the main thread is refused', 'print(pcall(coroutine.yield, 1))');
});

describe('errors', () => {
  same('error adds the position of the caller', 'print(pcall(function() error("msg") end))');
  same('error with level 2 points at the caller\'s caller', 'local function f() error("deep", 2) end print(pcall(function() f() end))');
  same('error with level 0 adds no position', 'print(pcall(error, "plain", 0))');
  same('error with a number adds a position', 'print(pcall(function() error(42) end))');
  same('error with a table keeps the table', 'local t = {} print(select(2, pcall(error, t)) == t)');
  same('error with nil', 'print(pcall(error))');
  sameError('error at the top level', 'error("top")');
  sameError('error with a table at the top level', 'error({})');
  same('error at level 2 over a tail call', 'local function f() error("tail", 2) end local function g() return f() end print(pcall(g))');
  sameError('runtime error in the main chunk', 'local x = nil .. 1');
  same('bad argument to a library function', 'print(pcall(string.rep))');
  same('deep recursion overflows the stack', 'local function f() return 1 + f() end print(pcall(f))');
});

describe('debug.traceback as 5.1 prints it', () => {
  same('at the top level of a chunk lua.c runs', 'print(debug.traceback("msg"))');
  same('without a message', 'print(debug.traceback())');
  same('with level 0 (traceback itself)', 'print(debug.traceback("msg", 0))');
  same('with a level past the stack', 'print(debug.traceback("msg", 50))');
  same('with a negative level: "(tail call)" levels, as 5.1\'s lua_getstack gives', 'print(debug.traceback("msg", -2))');
  same('with a level that wraps as a C int', 'print(debug.traceback("msg", 2^32 + 1))');
  same('with a string level', 'print(debug.traceback("msg", "2"))');
  same('with a number message', 'print(debug.traceback(12))');
  same('with a table message returns it untouched', 'local t = {} print(debug.traceback(t) == t, debug.traceback(t, 2) == t)');
  same('with nil returns nil, and nil then a string returns the string', 'print(debug.traceback(nil), debug.traceback(nil, "x"))');
  same('names functions as 5.1: globals, locals, upvalues, fields and methods alike', 'local t = {} function t.f() print(debug.traceback("m")) end function t:m() t.f() end local function up() t:m() end function g() up() end g()');
  same('no name for a metamethod', 'local t = setmetatable({}, {__index = function() print(debug.traceback("m")) end}) local _ = t.x');
  same('a for iterator is the local "(for generator)"', 'for _ in function() print(debug.traceback("m")) end do end');
  same('one "(tail call)" level per frame tail calls replaced', 'local function h() print(debug.traceback("m")) end local function g() return h() end local function f() return g() end f()');
  same('more than 22 levels: the first 11 and the last 10 around "..."', 'local function f(n) if n == 0 then print(debug.traceback("m")) return end f(n - 1) end for n = 8, 12 do f(n) end');
  same('a level inside the elided part', 'local function f(n) if n == 0 then print(debug.traceback("m", 12)) return end f(n - 1) end f(20)');
  same('inside pcall', 'print(pcall(debug.traceback, "m"))');
  same('as an xpcall handler', 'print(xpcall(function() error("x") end, debug.traceback))');
  same('inside a coroutine: its own stack only', 'local co = coroutine.create(function() print(debug.traceback("m")) coroutine.yield() end) coroutine.resume(co)');
  same('of a suspended coroutine, from level 0', 'local co = coroutine.create(function() coroutine.yield() end) coroutine.resume(co) print(debug.traceback(co)) print(debug.traceback(co, "m", 1))');
});

describe('nested C calls: "C stack overflow" after 200, counting lua.c\'s', () => {
  same('recursion through pcall', 'local function f() return pcall(f) end local r = {f()} print(#r, r[#r])');
  same('the depth recursion through pcall reaches', 'local d = 0 local function f() d = d + 1 local _, e = pcall(f) return e end print(f(), d)');
  same('recursion through __index', 'local d = 0 local t = setmetatable({}, {__index = function(t, k) d = d + 1 return t[k] end}) print(pcall(function() return t.x end)) print(d)');
  same('recursion through pcall inside a coroutine', 'local d = 0 local function f() d = d + 1 local _, e = pcall(f) return e end print(coroutine.wrap(function() return f(), d end)())');
  same('syntax levels of loadstring count the C calls it is made from', 'for n = 194, 198 do print(n, loadstring("return " .. ("("):rep(n) .. "1" .. (")"):rep(n)) ~= nil) end');
});

describe('io (host mode)', () => {
  same('io.write writes numbers with %.14g', 'io.write(1, " ", 1/3, " ", "x", "\\n")');
  same('io.write returns true', 'print(io.write(""))');
  same('io.stdout:write', 'io.stdout:write("a", 1, "\\n")');
  same('io.type', 'print(io.type(io.stdout), io.type(42))');
  same('closing a standard file is refused', 'print(io.stdout:close())');
  same('io.open of a missing file', 'print(io.open("/nonexistent/x"))');
  same('io.lines of a missing file', 'print(pcall(io.lines, "/nonexistent/x"))');
  same('writing and reading back a file', [
    'local name = os.tmpname() local f = assert(io.open(name, "w")) f:write("line1\\n", 42, "\\nrest") f:close()',
    'for l in io.lines(name) do print(l) end',
    'local g = io.open(name) print(g:read("*l"), g:read("*n"), g:read("*a")) print(g:read("*a"), g:read("*l"), g:read(0)) g:close()',
    'print(io.type(g), tostring(g)) os.remove(name)',
  ].join('\n'));
  same('reading counts and seek', [
    'local name = os.tmpname() local f = io.open(name, "w+") f:write("abcdef") f:seek("set", 1) print(f:read(2), f:seek(), f:seek("end"))',
    'f:close() os.remove(name)',
  ].join('\n'));
  same('io.read with an invalid format', 'print(pcall(io.read, "*x"))');
});

describe('package: require and module', () => {
  const withModule = (body: string, moduleSource: string) => [
    'local file = os.tmpname() local modname = file:match("([^/]+)$")',
    `local f = io.open(file .. ".lua", "w") f:write(${JSON.stringify(moduleSource)}) f:close()`,
    'package.path = file:match("^(.*/)") .. "?.lua"',
    body,
    'os.remove(file .. ".lua") os.remove(file)',
  ].join('\n');
  same('require loads a Lua file from package.path once', withModule(
    'local a = require(modname) local b = require(modname) print(a.value, a == b, package.loaded[modname] == a)',
    'return {value = select("#", ...) .. ":" .. tostring(... ~= nil)}',
  ));
  same('require of a module returning nothing stores true', withModule(
    'print(require(modname), package.loaded[modname])', 'local x = 1',
  ));
  same('require of a module with a syntax error', withModule(
    'local ok, e = pcall(require, modname) print(ok, (e:gsub(modname:gsub("%p", "%%%0"), "M")))', 'x = = 1',
  ));
  same('require detects a loop', withModule(
    'local ok, e = pcall(require, modname) print(ok, (e:gsub(modname:gsub("%p", "%%%0"), "M")))', 'require((...))',
  ));
  same('require of a missing module lists every place searched', 'package.path = "./?.lua;/nowhere/?.lua" package.cpath = "/nowhere/?.so" print(pcall(require, "no.such.mod"))');
  same('require uses package.preload', 'package.preload.pre = function(name) return "preloaded " .. name end print(require("pre"))');
  same('package.loaders has the four 5.1 loaders', 'print(#package.loaders, type(package.loaders[1]))');
  same('package.loadlib is unavailable', 'print(select("#", package.loadlib("x.so", "f")), (package.loadlib("x.so", "f")))');
  same('module name conflict', 'x = 1 print(pcall(module, "x"))');
});

describe('os: date and time', () => {
  same('os.date("!...") formats UTC', 'print(os.date("!%Y-%m-%d %H:%M:%S", 0), os.date("!%c", 86400 * 365))');
  same('os.date with every strftime conversion', 'print(os.date("!%a %A %b %B %C %d %D %e %F %g %G %H %I %j %k %l %m %M %p %r %R %S %T %u %U %V %w %W %x %X %y %Y %z %Z %%", 1700000000))');
  same('os.date ISO weeks around new year', 'for _, t in ipairs({1041379200, 1104537600, 1230768000, 1262217600}) do print(os.date("!%G-%V %g %U %W %j", t)) end');
  same('os.date copies unknown conversions and a trailing %', 'print(os.date("!%Q|x%", 0))');
  same('os.date("*t") and ("!*t")', 'local t = os.date("!*t", 3600) print(t.year, t.month, t.day, t.hour, t.min, t.sec, t.isdst, t.yday, t.wday)');
  same('os.date in local time', 'print(os.date("%Y-%m-%d %H:%M:%S %x %X", 1e9))');
  same('os.time of a date table', 'print(os.time({year = 2020, month = 1, day = 1, hour = 0}), os.time({year = 2020, month = 1, day = 1}))');
  same('os.time normalises out-of-range fields', 'print(os.time({year = 2021, month = 13, day = 40, hour = 25, min = 61, sec = -5}))');
  same('os.time truncates fractional fields', 'print(os.time({year = 2021, month = 2, day = 1.7}))');
  same('os.time requires day, month and year', 'print(pcall(os.time, {year = 2020})) print(pcall(os.time, {day = 1, year = 2020}))');
  same('os.time round-trips through os.date', 'local t = os.time() print(os.time(os.date("*t", t)) == t)');
  same('os.difftime', 'print(os.difftime(10, 4), os.difftime(5))');
  same('os.clock is a number', 'print(type(os.clock()))');
  same('os.date("%s") and ("!%s") print seconds since the epoch, truncated', 'print(os.date("%s", 1e9), os.date("!%s", 0), os.date("!%s", 1.5e9 + 0.9), os.date("!%s", -1.5), os.date("!%s", 2^40))');
});

describe('os.date("!%s") is mktime of the UTC fields in the local zone, as glibc computes it', () => {
  const code = 'for _, t in ipairs({0, 1e9, 1.5e9, -1.5}) do print(os.date("%s", t), os.date("!%s", t)) end';
  const under = (command: string, tz: string): string =>
    spawnSync(command, ['-e', code], { encoding: 'latin1', env: { ...process.env, TZ: tz } }).stdout;
  for (const tz of ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata']) {
    it(`under TZ=${tz} (summer and winter dates)`, () => {
      const oracle = under(ORACLE, tz);
      expect(oracle).not.toBe(under(ORACLE, 'UTC'));
      expect(under(OUR_BINARY, tz)).toBe(oracle);
    });
  }
});

// 5.1's luaL_checkint/luaL_optint are (int)luaL_checkinteger: the 64-bit truncation (-2^63 for NaN,
// ±inf and anything out of range) cut to its low 32 bits. So 2^31 is -2^31, 2^32 + k is k,
// -2^31 - 1 is 2^31 - 1, and 1e300, NaN and ±inf are 0.
describe("debug.getinfo and debug.getlocal as 5.1's", () => {
  /** Lua that prints the fields of a getinfo table in pairs order, functions and tables by type. */
  const fields = (call: string): string =>
    `local t = ${call} for k, v in pairs(t) do local s = type(v) == 'function' and 'a function' or type(v) == 'table' and 'a table' or tostring(v) io.write(k, '=', s, ' ') end print()`;
  same('the default fields of a level, in 5.1\'s pairs order (no nparams, isvararg or istailcall)', fields('debug.getinfo(1)'));
  same('the default fields of a vararg Lua function', fields('debug.getinfo(function(a, ...) end)'));
  same('the default fields of a host function', fields('debug.getinfo(print)'));
  same('every option at once, activelines too', fields("debug.getinfo(1, 'flnSuL')"));
  same('the fields of a level in another coroutine', `
    local co = coroutine.create(function() local x = 1 coroutine.yield() end) coroutine.resume(co)
    ${fields("debug.getinfo(co, 1, 'flnSu')")} print(type(debug.getinfo(co, 1, 'L').activelines))`);
  same('nups counts the upvalues a function uses, none for globals', `
    local x, y = 1, 2 local function f() return x + y end local function g() return print end
    print(debug.getinfo(f, 'u').nups, debug.getinfo(g, 'u').nups, debug.getinfo(1, 'u').nups, debug.getinfo(print, 'u').nups)`);
  same("'t' (5.2's istailcall) is an invalid option", "print(pcall(debug.getinfo, 1, 't')) print(pcall(debug.getinfo, print, 't'))");
  same("an unknown option among valid ones is invalid, and '>' given with a function", "print(pcall(debug.getinfo, 1, 'Sx')) print(pcall(debug.getinfo, print, '>S'))");
  same('an empty option string gives an empty table', "print(next(debug.getinfo(1, '')))");
  same('a negative index names no vararg: getlocal gives nothing', 'local function f(a, ...) local b = 3 for i = -3, 4 do local k, v = debug.getlocal(1, i) print(i, k, type(v)) end end f(1, 2, 3)');
  same('a negative index names no vararg: setlocal sets nothing', 'local function f(...) print(debug.setlocal(1, -1, 5)) print(...) end f(1, 2)');
  same('a negative index in a suspended coroutine', 'local co = coroutine.create(function(...) coroutine.yield() end) coroutine.resume(co, 1, 2) print((debug.getlocal(co, 1, 1))) print(debug.getlocal(co, 1, -1))');
});

describe('int arguments are C ints (luaL_checkint, luaL_optint)', () => {
  same('select(2^31, ...) is select(-2^31, ...): index out of range', 'print(pcall(function() return select(2^31, "a") end))');
  same('select(2^32 + 2, ...) is select(2, ...)', 'print(select(2^32 + 2, "a", "b", "c"))');
  same('select(-2^31 - 1, ...) is select(2^31 - 1, ...): nothing', 'print(select("#", select(-2^31 - 1, "a", "b")))');
  same('select(1e300), select(0/0) and select(±inf) are select(0): index out of range', [
    'for _, n in ipairs({1e300, -1e300, 0/0, math.huge, -math.huge}) do',
    '  print(pcall(function() return select(n, "a") end))',
    'end',
  ].join('\n'));
  same('select truncates 2.7 and -2.7 toward zero', 'print(select(2.7, "a", "b", "c")) print(select(-2.7, "a", "b", "c"))');
  same('getfenv(1e300), getfenv(0/0) and getfenv(-math.huge) are level 0: the thread\'s globals', 'print(getfenv(1e300) == _G, getfenv(0/0) == _G, getfenv(-math.huge) == _G)');
  same('getfenv(2^31) is a negative level', 'print(pcall(function() return getfenv(2^31) end))');
  same('getfenv(2^32 + 1) is getfenv(1)', 'local getfenv = getfenv local env = {} local f = setfenv(function() return getfenv(2^32 + 1) end, env) print(f() == env)');
  same('getfenv(-2^31 - 1) is level 2^31 - 1: invalid level', 'print(pcall(function() return getfenv(-2^31 - 1) end))');
  same('setfenv(2^32 + 1, t) sets the caller\'s environment', 'local setfenv = setfenv local function f() setfenv(2^32 + 1, {x = "new"}) return x end print(f())');
  same('setfenv(1e300, t) is level 0, not the thread (only the number 0 is)', 'print(pcall(setfenv, 1e300, {}))');
  same('setfenv("0", t) (a numeric string) sets the thread\'s environment', [
    'local write, tostring, pcall, setfenv, getfenv = io.write, tostring, pcall, setfenv, getfenv',
    'local t = {} write(tostring(pcall(setfenv, "0", t)), " ", tostring(getfenv(0) == t), "\\n")',
  ].join('\n'));
  same('error(msg, 2^32 + 1) is level 1: the position of the caller', 'print(pcall(function() error("msg", 2^32 + 1) end))');
  same('error(msg, 2^31), (msg, 1e300) and (msg, 0/0) add no position', [
    'for _, level in ipairs({2^31, 1e300, 0/0, -math.huge}) do print(pcall(function() error("msg", level) end)) end',
  ].join('\n'));
  same('error(msg, -2^31 - 1) is level 2^31 - 1: no such level, no position', 'print(pcall(function() error("msg", -2^31 - 1) end))');
  same('unpack(t, 2^32 + 2, 2^32 + 3) is unpack(t, 2, 3)', 'print(unpack({1, 2, 3}, 2^32 + 2, 2^32 + 3))');
  same('unpack(t, 1, 2^31) and (t, 1, 1e300) are empty', 'print(select("#", unpack({1, 2, 3}, 1, 2^31)), select("#", unpack({1, 2, 3}, 1, 1e300)), select("#", unpack({1, 2, 3}, 1, 0/0)))');
  same('unpack(t, 0/0, 2) starts at 0 and unpack(t, -2.7, 1) at -2', 'print(unpack({1, 2, 3}, 0/0, 2)) print(unpack({1, 2, 3}, -2.7, 1))');
  same('unpack(t, 1, -2^31 - 1) asks for 2^31 - 1 results', 'print(pcall(unpack, {}, 1, -2^31 - 1))');
  same('tonumber(s, 2^32 + 16) is base 16', 'print(tonumber("ff", 2^32 + 16), tonumber("11", 2^32 + 2))');
  same('tonumber(s, 2^32 + 10) is base 10, with the decimal rules', 'print(tonumber("1e1", 2^32 + 10), tonumber("0x10", 2^32 + 10))');
  same('tonumber(s, 1e300), (s, 0/0) and (s, 2^31) are out of range', [
    'print(pcall(tonumber, "1", 1e300)) print(pcall(tonumber, "1", 0/0)) print(pcall(tonumber, "1", 2^31))',
  ].join('\n'));
  same('tonumber truncates a fractional base', 'print(tonumber("11", 2.7), tonumber("ff", 16.9), pcall(tonumber, "1", -2.7))');
  same('the ipairs iterator\'s int wraps from 2^31 - 1 to -2^31', 'local f = ipairs({}) print(f({[-2^31] = "min"}, 2^31 - 1))');
  same('the ipairs iterator reads 2^32, 0/0 and math.huge as 0', 'local f = ipairs({}) print(f({"one"}, 2^32)) print(f({"one"}, 0/0)) print(f({"one"}, math.huge))');
  same('collectgarbage("setpause") and ("setstepmul") keep a C int', [
    'collectgarbage("setpause", 2^32 + 150)',
    'print(collectgarbage("setpause", 100), collectgarbage("setstepmul", -2^31 - 1), collectgarbage("setstepmul", 200), collectgarbage("setpause", 0/0), collectgarbage("setpause", 200))',
  ].join('\n'));
  same('collectgarbage("step", n) with a negative int n finishes a cycle', 'print(collectgarbage("step", -1), collectgarbage("step", 2^31), collectgarbage("step", -2^31 - 1), collectgarbage("step", 2^32 + 2^20))');
  same('math.random(2^32 + 3) is math.random(3)', 'math.randomseed(7) local a = {} for i = 1, 8 do a[i] = math.random(2^32 + 3) end print(table.concat(a, " "))');
  same('math.random(l, u) computes u - l + 1 as a C int', 'math.randomseed(1) print(math.random(0, 2^31 - 1), math.random(-5, 2^31 - 1), math.random(2^31, 2^31 - 1), math.random(1e300, 2^31 - 1))');
  same('math.random(2^31), (1e300) and (0/0) are empty intervals', 'print(pcall(math.random, 2^31)) print(pcall(math.random, 1e300)) print(pcall(math.random, 0/0)) print(pcall(math.random, 5, 2^32 + 4))');
  same('math.random truncates 2.7 and -2.7', 'math.randomseed(3) print(math.random(2.7), math.random(-2.7, 2.7), pcall(math.random, -2.7))');
  same('math.randomseed(2^32 + 5) is math.randomseed(5)', 'math.randomseed(2^32 + 5) local a = math.random(1000) math.randomseed(5) print(a == math.random(1000), a)');
  same('math.randomseed(0/0), (1e300) and (2^31) seed with 0 and -2^31', 'for _, s in ipairs({0/0, 1e300, -math.huge, 2^31}) do math.randomseed(s) print(math.random(1000)) end');
  same('math.ldexp\'s exponent is a C int', 'print(math.ldexp(1, 2^32 + 3), math.ldexp(1, 2^31), math.ldexp(1, -2^31 - 1), math.ldexp(3, 1e300), math.ldexp(1, 2.7), math.ldexp(1, -2.7))');
  same('math.ldexp of 0 and ±inf with extreme exponents is the number itself', 'print(math.ldexp(0, 2^31 - 1), math.ldexp(0, -2^31), math.ldexp(math.huge, -2^31), math.ldexp(-math.huge, 2^31 - 1), math.ldexp(-0, 2^31 - 1))');
  same('debug.getinfo(2^31) and (-1) describe a "(tail call)" level', [
    'for _, level in ipairs({2^31, -1, -2.7}) do',
    '  local t, k = debug.getinfo(level), {}',
    '  for key, v in pairs(t) do k[#k + 1] = key .. "=" .. tostring(v) end',
    '  table.sort(k) print(table.concat(k, " "))',
    'end',
  ].join('\n'));
  same('debug.getinfo of a "(tail call)" level checks no option', 'for _, o in ipairs({"S", "l", "u", "n", "f", "L", "xyz"}) do local k = {} for key in pairs(debug.getinfo(-1, o)) do k[#k + 1] = key end table.sort(k) print(o, table.concat(k, " ")) end');
  same('debug.getinfo(2^32 + 1) is level 1; (1e300) and (0/0) are level 0', 'print(debug.getinfo(2^32 + 1, "S").what, debug.getinfo(1e300, "n").name, debug.getinfo(0/0, "S").what, debug.getinfo(-2^31 - 1))');
  same('debug.getinfo counts the "(tail call)" level above a tail-called function', 'local function f() return debug.getinfo(2, "Sl") end local function g() return f() end local t = g() print(t.what, t.short_src, t.currentline, t.source)');
  same('debug.getinfo wants a function or a level', 'print(pcall(debug.getinfo, "x")) print(pcall(debug.getinfo, {})) print(pcall(debug.getinfo, 1, "q")) print(debug.getinfo("1", "l").currentline)');
  same('debug.getlocal(2^32 + 1, 1) and (1, 2^32 + 1) are getlocal(1, 1)', 'local x = 10 print(debug.getlocal(2^32 + 1, 1)) print(debug.getlocal(1, 2^32 + 1))');
  same('debug.getlocal(2^31, n) is a "(tail call)" level: no local', 'print(debug.getlocal(2^31, 1)) print(debug.getlocal(-1, 1))');
  same('debug.getlocal(-2^31 - 1, 1) is level out of range, checked before the index', 'print(pcall(debug.getlocal, -2^31 - 1, 1)) print(pcall(debug.getlocal, -2^31 - 1, "x")) print(pcall(debug.getlocal, 1, "x"))');
  same('debug.getlocal(1e300, 1) is level 0: getlocal\'s own argument', 'print(debug.getlocal(1e300, 1)) print(debug.getlocal(0/0, 2^32 + 2))');
  same('debug.setlocal(2^32 + 1, 2^32 + 1, v) sets local 1 of level 1', 'local x = 1 print(debug.setlocal(2^32 + 1, 2^32 + 1, 5), x, debug.setlocal(2^31, 1, 6), x)');
  same('debug.setlocal checks the level, then the value, then the index', 'print(pcall(debug.setlocal, 1, "x")) print(pcall(debug.setlocal, 1, "x", 1)) print(pcall(debug.setlocal, -2^31 - 1, 1, 1))');
  same('debug.getupvalue and setupvalue indices are C ints', [
    'local a, b = 1, 2 local function f() return a + b end',
    'print(debug.getupvalue(f, 2^32 + 2)) print(debug.setupvalue(f, 2^32 + 1, 10), a)',
    'print(select("#", debug.getupvalue(f, 2^31)), select("#", debug.getupvalue(f, 2^31 - 1)), select("#", debug.getupvalue(f, 1e300)))',
  ].join('\n'));
  same('debug.getupvalue and setupvalue check the value, then the index, then the function, and skip JS functions', [
    'print(pcall(debug.setupvalue, print, "x")) print(pcall(debug.getupvalue, 1, "x")) print(pcall(debug.getupvalue, 1, 1))',
    'print(select("#", debug.getupvalue(coroutine.wrap(function() end), 1)))',
  ].join('\n'));
  same('debug.sethook\'s count is a C int', [
    'local hook = function() end',
    'for _, n in ipairs({2^32 + 5, -2^31 - 1, 2^31, 1e300}) do debug.sethook(hook, "", n) local count = select(3, debug.gethook()) debug.sethook() print(count) end',
    'print(pcall(debug.sethook, hook, "", "x"))',
  ].join('\n'));
  same('debug.traceback\'s level is a C int', 'print(debug.traceback("m", 2^32 + 1)) print(debug.traceback("m", 1e300)) print(debug.traceback("m", -2))');
  same('os.time\'s fields are C ints', [
    'print(os.time({year = 2000, month = 1, day = 2^32 + 1}), os.time({year = 2^32 + 2000, month = 2^32 + 1, day = 1}))',
    'print(os.time({year = 2000, month = 1, day = 1e300}), os.time({year = 1e300, month = 1, day = 1}), os.time({year = 2000, month = 0/0, day = 2.7}))',
  ].join('\n'));
});
