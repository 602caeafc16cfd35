/** Operators of the 5.1 VM that Fengari implemented the 5.3 way or not at all. */
import { describe } from 'vitest';
import { same, sameError } from './lua51/differential.js';

describe('string comparison is bytewise, as strcoll in the C locale', () => {
  same('control bytes order by value ("\\10" < "\\16")', 'print("\\10" < "\\16", "\\16" < "\\10")');
  same('a tab sorts before letters', 'print("a" < "\\t", "\\t" < "a")');
  same('a prefix sorts first', 'print("ab" < "a", "a" < "ab", "" < "a")');
  same('embedded zeros compare as the smallest byte', 'print("a\\0b" < "a\\0c", "a" < "a\\0", "a\\0" <= "a")');
  same('high bytes sort after ASCII', 'print("\\200" > "z", "\\255" > "\\128")');
  same('table.sort of strings with tabs and newlines', 'local t = {"b", "\\tz", "a", "\\nq", "A"} table.sort(t) for _, s in ipairs(t) do io.write(("%q"):format(s), " ") end print()');
});

describe('the length operator', () => {
  same('# on a table ignores __len', 'print(#setmetatable({1, 2}, {__len = function() return 99 end}))');
  same('# on a string ignores its metatable', 'print(#"abc")');
});

describe('comparison metamethods are chosen as 5.1 chooses them', () => {
  same(
    '== of two tables uses __eq only when both share the same handler, as in 5.1',
    'local mt = {__eq = function() return true end} local c, d = setmetatable({}, mt), {} ' +
      'print(c == d, d == c, c ~= d, setmetatable({}, mt) == c)',
  );
  same(
    '== of two tables with separate but identical __eq closures is false',
    'local function mk() return {__eq = function() return true end} end ' +
      'print(setmetatable({}, mk()) == setmetatable({}, mk()))',
  );
  same(
    '== of two tables with different metatables holding the same __eq function calls it',
    'local f = function(a, b) print("eq", a.n, b.n) return true end ' +
      'print(setmetatable({n = 1}, {__eq = f}) == setmetatable({n = 2}, {__eq = f}))',
  );
  same(
    'the result of __eq becomes a boolean, and ~= negates it',
    'local r local mt = {__eq = function() return r end} local a, b = setmetatable({}, mt), setmetatable({}, mt) ' +
      'for _, v in ipairs({1, 0, "x"}) do r = v print(a == b, a ~= b) end r = nil print(a == b, a ~= b) r = false print(a == b)',
  );
  same(
    '__eq is not called for raw-equal operands, nor by rawequal',
    'local n = 0 local mt = {__eq = function() n = n + 1 return false end} local a, b = setmetatable({}, mt), setmetatable({}, mt) ' +
      'print(a == a, rawequal(a, b), rawequal(a, a), n) print(a == b, n)',
  );
  same(
    '__eq is never called between a table and a value of another type',
    'local mt = {__eq = function() print("called") return true end} local a = setmetatable({}, mt) ' +
      'print(a == 1, 1 == a, a == "x", a == nil, a == print)',
  );
  same(
    '== of two userdata uses __eq only when both handlers are raw-equal',
    'local f = function() return true end local u = newproxy(true) getmetatable(u).__eq = f ' +
      'local v = newproxy(u) local w = newproxy(true) getmetatable(w).__eq = f local x = newproxy(true) getmetatable(x).__eq = function() return true end ' +
      'print(u == v, u == w, u == x, x == u, u == newproxy(false))',
  );
  same(
    '< and <= between tables with __lt/__le on one side only fail as in 5.1',
    'local mt = {__eq = function() return true end, __lt = function() return true end, __le = function() return true end} ' +
      'local c, d = setmetatable({}, mt), {} print(pcall(function() return c < d end)) print(pcall(function() return d < c end)) ' +
      'print(pcall(function() return c <= d end)) print(pcall(function() return d >= c end))',
  );
  same(
    '< and <= between a table and a number fail even when the table has __lt and __le',
    'local c = setmetatable({}, {__lt = function() return true end, __le = function() return true end}) ' +
      'print(pcall(function() return c < 1 end)) print(pcall(function() return 1 <= c end)) print(pcall(function() return c > "x" end))',
  );
  same(
    '< and <= between a number and a string fail',
    'print(pcall(function() return 1 < "2" end)) print(pcall(function() return "1" <= 2 end)) print(pcall(function() return 2 > "1" end))',
  );
  same(
    'compare errors name basic types, not __name, and string with thread reads "two string values"',
    'local co = coroutine.create(function() end) print(pcall(function() return "a" < co end)) ' +
      'print(pcall(function() return setmetatable({}, {__name = "X"}) < 1 end)) print(pcall(function() return nil < false end)) ' +
      'print(pcall(function() return print < print end)) print(pcall(function() return {} < io.stdout end)) print(pcall(function() return co <= co end))',
  );
  same(
    '__lt shared by two metatables is called, with its result made a boolean, and > swaps the operands',
    'local r local f = function(a, b) print("lt", a.n, b.n) return r end local a, b = setmetatable({n = 1}, {__lt = f}), setmetatable({n = 2}, {__lt = f}) ' +
      'r = 0 print(a < b) r = nil print(a > b) r = "yes" print(b > a)',
  );
  same(
    '<= without __le uses not (b < a) through a shared __lt',
    'local f = function(a, b) print("lt", a.n, b.n) return a.n < b.n end local a, b = setmetatable({n = 1}, {__lt = f}), setmetatable({n = 2}, {__lt = f}) ' +
      'print(a <= b, b <= a, a >= b, a <= a)',
  );
  same(
    '<= falls back to __lt when the __le handlers differ, and fails when neither is shared',
    'local lt = function(a, b) print("lt") return false end ' +
      'local a = setmetatable({}, {__lt = lt, __le = function() print("le1") return false end}) ' +
      'local b = setmetatable({}, {__lt = lt, __le = function() print("le2") return false end}) ' +
      'print(a <= b) local c = setmetatable({}, {__lt = function() return true end}) print(pcall(function() return a <= c end))',
  );
  same(
    'table.sort compares metatable\'d elements through a shared __lt',
    'local mt = {__lt = function(a, b) return a.n < b.n end} local t = {} for i, n in ipairs({5, 3, 9, 1, 7}) do t[i] = setmetatable({n = n}, mt) end ' +
      'table.sort(t) for _, v in ipairs(t) do io.write(v.n, " ") end print()',
  );
  same(
    'table.sort of tables without a shared __lt fails with "attempt to compare two table values"',
    'local t = {setmetatable({}, {__lt = function() return true end}), setmetatable({}, {__lt = function() return true end}), {}} ' +
      'print(pcall(table.sort, t)) print(pcall(table.sort, {{}, {}})) print(pcall(table.sort, {1, "x", 2}))',
  );
  sameError(
    'compare errors name no variables',
    'local a, b = setmetatable({}, {__lt = function() return true end}), {} local n = 1 print(pcall(function() return n < b end)) return a < b',
  );
  same(
    'booleans compare through a type metatable __lt set with debug.setmetatable',
    'debug.setmetatable(true, {__lt = function(a, b) return not a and b end}) print(false < true, true < false, pcall(function() return true < 1 end))',
  );
});

describe('strings in arithmetic are numbers as 5.1 reads them (luaO_str2d: glibc strtod)', () => {
  same("'inf', 'infinity', '-inf', '+INF' are infinities", "print('inf' + 0, 'infinity' * 1, '-inf' + 0, '+INF' + 0, -'inf')");
  same("'nan', '  nan  ' and 'nan(123)' are nan", "print('nan' + 0, '  nan  ' + 0, 'nan(123)' * 1, ('nan' + 0) ~= ('nan' + 0))");
  same("'1e500' is inf and '1e-400' is 0", "print('1e500' + 0, '1e-400' + 0, '-1e500' + 0)");
  same('hexadecimal strings, with a fraction or a binary exponent', "print('0x10' + 0, ' 0X1a ' + 0, '0x.8' + 0, '0x1p4' + 0, '0x1P-2' * 1, '-0x10' + 0)");
  same('a string stops at its first NUL, as a C string does', "print('1\\0' + 0, '2\\0junk' * 1)");
  same('strings coerce where an int or a number argument is wanted', "print(math.floor('inf'), math.max('nan', 1), ('x'):rep('2'), string.format('%d', ' 0x10 '))");
  same('a string as a for bound', "local n = 0 for i = '1', '0x3' do n = n + i end print(n)");
  sameError("'infinit' is not a number", "return 'infinit' + 0");
  sameError("'infx' is not a number", "return 'infx' + 0");
  sameError("'0x' is not a number", "return '0x' + 0");
  sameError("'1e' is not a number", "return '1e' + 0");
  sameError("'- 1' is not a number", "return '- 1' + 0");
  sameError("'.' is not a number", "return '.' + 0");
});
