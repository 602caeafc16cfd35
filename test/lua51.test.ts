/**
 * Lua 5.1 behaviour pinned against Debian's lua5.1: every case runs the same
 * snippet under the oracle and under our VM and expects the same output and
 * the same error.
 */
import { describe } from 'vitest';
import { same } from './lua51/differential.js';

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
    'local env = {get = get} local function f() return get() end setfenv(f, env) print(f() == env)',
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
    'local t = {print = print} setfenv(0, t) local f = loadstring("q = 1") f()',
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
  same('print refuses a non-string from tostring', 'tostring = function() return {} end print(pcall(print, 1))');
  same('print of no arguments prints an empty line', 'print()');
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
  same('collectgarbage("count") is a number of kilobytes', 'print(type(collectgarbage("count")), collectgarbage("count") > 0)');
  same('collectgarbage() returns 0', 'print(collectgarbage(), collectgarbage("collect"), collectgarbage("stop"), collectgarbage("restart"))');
  same('collectgarbage setpause returns the previous value', 'print(collectgarbage("setpause", 100), collectgarbage("setpause", 200), collectgarbage("setstepmul", 300), collectgarbage("setstepmul"))');
  same('collectgarbage rejects an unknown option', 'print(pcall(collectgarbage, "nope"))');
  same('gcinfo is a number', 'print(type(gcinfo()))');
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
});

describe('errors', () => {
  same('error adds the position of the caller', 'print(pcall(function() error("msg") end))');
  same('error with level 2 points at the caller\'s caller', 'local function f() error("deep", 2) end print(pcall(function() f() end))');
  same('error with level 0 adds no position', 'print(pcall(error, "plain", 0))');
  same('error with a number adds a position', 'print(pcall(function() error(42) end))');
  same('error with a table keeps the table', 'local t = {} print(select(2, pcall(error, t)) == t)');
  same('error with nil', 'print(pcall(error))');
  same('error at the top level', 'error("top")');
  same('error with a table at the top level', 'error({})');
  same('error at level 2 over a tail call', 'local function f() error("tail", 2) end local function g() return f() end print(pcall(g))');
  same('runtime error in the main chunk', 'local x = nil .. 1');
  same('bad argument to a library function', 'print(pcall(string.rep))');
  same('deep recursion overflows the stack', 'local function f() return 1 + f() end print(pcall(f))');
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
});
