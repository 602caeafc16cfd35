/**
 * The 5.1 language as the lexer and parser see it: 5.2+ syntax is an error
 * worded as 5.1 words it, 5.1's escapes (sloppy ones included) load, and
 * `goto` is a name. A module that fails to load is a broken page.
 */
import { describe } from 'vitest';
import { same, sameError } from './lua51/differential.js';

describe('5.2+ syntax is an error near the first character 5.1 cannot take', () => {
  sameError('// is two divisions', 'x = 3 // 2');
  sameError('& is not an operator', 'a = 1 & 2');
  sameError('| is not an operator', 'x = 1 | 2');
  sameError('unary ~ is not an operator', 'a = ~1');
  sameError('binary ~ is not an operator', 'a = 1 ~ 2');
  sameError('>> is not an operator', 'a = 1 >> 2');
  sameError('<< is not an operator', 'a = 1 << 2');
  sameError('::label:: is not a statement', '::l::');
});

describe('goto is an ordinary name', () => {
  same('as a global', 'goto = 1 print(goto)');
  same('as a local', 'local goto = 2 print(goto)');
  same('as a method name', 'local t = {} function t:goto() return 1 end print(t:goto())');
  same('as a field', 'local t = {goto = 3} print(t.goto)');
});

describe('string escapes', () => {
  same('an unknown escape keeps the character (\\q, \\x41, \\/, \\z)', 'print("\\q\\x41\\/\\z  y")');
  same('decimal escapes of one to three digits', 'local s = "\\65\\066\\0677" print(s, #s)');
  sameError('a decimal escape above 255 is "escape sequence too large"', 'x = "ab\\300"');
  same('a backslash before a newline is a newline', 'print("a\\\nb")');
  same('\\a \\b \\f \\v \\t \\r', 'print(("\\a\\b\\f\\v\\t\\r"):byte(1, -1))');
});

describe('syntax error messages quote every token as 5.1 does', () => {
  sameError("unexpected symbol near '<eof>'", 'x = ');
  sameError("'end' expected near '<eof>'", 'if x then');
  sameError("'<name>' expected near '('", 'local function ( ) end');
  sameError("'<name>' expected near a number", 'local 1 = 2');
  sameError('unfinished string', 'x = "abc');
  sameError("'}' expected", 'x = {1,2');
  sameError("'=' expected", 'local x x 1');
  sameError('a control character is shown as char(N)', 'x = \x01');
  sameError("'then' expected", 'if x print(1) end');
  sameError("'(' expected near a name", 'function f x end');
});

describe("LUA_COMPAT_VARARG: a vararg function's implicit arg local", () => {
  same('a vararg function that never uses ... gets 5.1\'s arg table', [
    'arg = "global"',
    'local function h(...) return arg end',
    'local function g(...) local n = select("#", ...) return arg end',
    'print(type(h(1, 2)), h(1, 2).n, g(1))',
  ].join('\n'));
  same('a function that uses ... has a nil arg local, not the global', 'arg = "global" local function f(...) local a = ... return arg, a end print(f(1))');
  same('the main chunk has no arg local', 'arg = "global" print(arg, ...)');
  same('arg holds only the extra arguments, with nils, n and #', 'local function f(a, ...) return a, arg[1], arg[2], arg.n, #arg end print(f(1, 2, nil))');
  same('missing arguments give an empty arg with n = 0', 'local function f(a, b, ...) return arg.n, a, b, next(arg) end print(f()) print(f(1)) print(f(1, 2))');
  same('arg is a local after the fixed parameters (debug.getlocal)', [
    'local function f(a, ...) local x = 1',
    '  local i = 1 while true do local n, v = debug.getlocal(1, i) if not n then break end io.write(n, "=", type(v), " ") i = i + 1 end',
    '  print() end',
    'f(1, 2) f()',
  ].join('\n'));
  same('assigning to arg changes the local, not the global', 'local function f(...) arg = 5 return arg end print(f(), arg)');
  same('a local arg in the body shadows the implicit one', 'local function f(a, ...) local arg = "shadow" return arg end print(f(1, 2))');
  same('pairs over arg skips the nils and ends with n', [
    'local function f(...) local t = {} for k, v in pairs(arg) do t[#t + 1] = tostring(k) .. "=" .. tostring(v) end return table.concat(t, " ") end',
    'print(f(1, nil, 3)) print(f())',
  ].join('\n'));
  same('unpack(arg, 1, arg.n) gives back every argument', 'local function f(...) return unpack(arg, 1, arg.n) end print(f(1, nil, 3, nil))');
  same('a closure captures arg as an upvalue', 'local function f(...) return function() arg.n = arg.n + 1 return arg.n, arg[1] end end local c = f("a", "b") print(c()) print(c())');
  same('... in a nested vararg function leaves the outer arg table', [
    'local function f(...) local function inner(...) return select("#", ...) end return arg.n, inner(1, 2, 3) end',
    'print(f(1, 2))',
  ].join('\n'));
  sameError('... in a nested non-vararg function is a syntax error', 'local function f(...) return function() return ... end end');
  same('a method\'s arg comes after self', 'local t = {} function t:m(...) return self == t, arg.n, arg[1] end print(t:m(7, 8))');
  same('recursion and tail calls each get their own arg', [
    'local function f(n, ...) if n == 0 then return arg.n, arg[1], arg[5] end return f(n - 1, n, unpack(arg)) end',
    'local function g(n, ...) if n == 0 then return arg.n end local r = g(n - 1, n, unpack(arg)) return r end',
    'print(f(5)) print(g(5))',
  ].join('\n'));
  sameError('indexing a nil arg names the local', 'local function f(...) local _ = ... return arg.x end f()');
  same('arg in a coroutine body', 'local co = coroutine.wrap(function(...) return arg.n, arg[2] end) print(co(4, 5, 6))');
  same('arg with many fixed parameters', 'local function f(a, b, c, d, e, f, g, h, ...) return arg.n, arg[1], arg[2], h end print(f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))');
  same('string.dump of a function with arg does not fail', 'local function f(...) return arg end print(type(string.dump(f)))');
});

describe('statements as 5.1 parses them', () => {
  same('break outside a loop is "no loop to break" near the next token', 'print(loadstring("break label"))');
  same('break in a do block outside a loop', 'print(loadstring("do break end"))');
  same('break in an if outside a loop', 'print(loadstring("if x then break end"))');
  same('break in a function inside a loop does not reach the loop', 'print(loadstring("while 1 do local function g() break end end"))');
  same('break must be the last statement of its block', 'print(loadstring("while 1 do break print(1) end"))');
  same('break in an if must be the last statement of the then part', 'print(loadstring("while 1 do if x then break x = 1 end end"))');
  same('break takes one optional semicolon', 'for i = 1, 3 do print(i) break; end repeat break until true print("after")');
  same('break takes only one semicolon', 'print(loadstring("while 1 do break;; end")) print(loadstring("while 1 do if x then break;; end end"))');
  same('break in if/elseif/else inside loops', [
    'for i = 1, 5 do if i == 2 then break; elseif i > 3 then print("no") else print(i) end end',
    'local i = 0 while true do i = i + 1 if i > 2 then break end end print(i)',
  ].join('\n'));
  same('return must be the last statement', 'print(loadstring("return 1 print(2)")) print(loadstring("return; x = 1"))');
  same('return takes only one semicolon', 'print(loadstring("return;;")) print(type(loadstring("return 1;")))');
  same('a lone semicolon is not a statement', 'print(loadstring(";")) print(loadstring("if x then ; end"))');
  same('two semicolons in a row are an error', 'print(loadstring("a=1;;")) print(loadstring("local x; ;x=1"))');
  same('one semicolon after each statement', 'a = 1; b = 2; local c = 3; do end; print(a, b, c);');
  same('a ( argument list on a new line is ambiguous syntax', 'print(loadstring("a=math.sin\\n(3)"))');
  same('a method call with ( on a new line is ambiguous syntax', 'print(loadstring("local t = {} t:m\\n(1)"))');
  same('a parenthesized expression then ( on a new line is ambiguous syntax', 'print(loadstring("a=(f)\\n(1)"))');
  same('string and table arguments may start a new line', 'print(loadstring("f\\n\\"x\\"")  ~= nil, loadstring("f\\n{}") ~= nil)');
  same('( on the same line as the end of a multi-line prefix is a call', 'local t = {a = {b = print}}\nt\n.a\n.b(1)\nlocal x = { print\n(2) }');
  sameError('a failing call is on the line of its arguments', 'local t = {a = {}}\nlocal x = t\n.a\n.b()');
  same('an unclosed ( names the line of the (', 'print(loadstring("x = f\\n:m(\\n1,\\n2"))');
});

describe("numerals as 5.1's read_numeral reads them (digits and dots, an E with its sign, then letters, digits and '_')", () => {
  same('hexadecimal numerals, with a binary exponent of digits only', 'print(0x10, 0X1A, 0x1p4, 0x10e, 0x1e+2, 0xffffffffffffffffff)');
  same('decimal numerals', 'print(.5, 5., 1e-2, 1.5e+3, 08, 0e12, 3 .. 2)');
  sameError('a hexadecimal fraction is the numeral 0xA and then the numeral .8', 'print(0xA.8)');
  sameError("0x.8 is malformed near '0x'", 'print(0x.8)');
  sameError("a signed binary exponent is malformed near '0x1p'", 'print(0x1p-4)');
  sameError("0x1P+1 is malformed near '0x1P'", 'print(0x1P+1)');
  sameError("0x1.8p1 is malformed near '.8p1'", 'print(0x1.8p1)');
  sameError('letters after an exponent belong to the numeral: 1e5x is malformed', 'print(1e5x)');
  sameError("a '_' belongs to the numeral: 5_ is malformed", 'print(5_)');
  sameError('1e2.5 is 1e2 and then .5', 'print(1e2.5)');
  sameError('0xinf is malformed whole', 'print(0xinf)');
  sameError('1..2 is one malformed numeral', 'print(1..2)');
});

describe('long strings and comments as 5.1 lexes them', () => {
  sameError('a [[ inside a [[...]] string: nesting of [[...]] is deprecated', 'x = [[ a [[ b ]] ]]');
  sameError('a [[ inside a --[[...]] comment: nesting of [[...]] is deprecated', '--[[ a [[ b ]]\nx = 1');
  sameError('a [[ on a later line of a long string', 'x = [[ a ]\n] [[');
  same('a [[ inside a [=[...]=] string, and [=[ inside [[...]], are text', 'print([=[ a [[ b ]=], [[ a [=[ b ]], [==[ a [==[ b ]==])');
  same('a [[ inside a --[=[...]=] comment is text', '--[=[ a [[ b ]=]\nprint(1)');
  sameError('an unfinished long string has no "(starting at line N)"', 'x = [[ a\n\n');
  sameError('an unfinished long comment has no "(starting at line N)"', '--[[ a\n\n');
  sameError('an invalid long string delimiter', 'x = [=a');
});

describe('a byte in a syntax error is shown as 5.1 shows it', () => {
  same('a byte above 127 is quoted raw', 'for _, b in ipairs({128, 195, 255}) do print(loadstring("x = " .. string.char(b))) end');
  same('a byte above 127 after a name is quoted raw', 'print(loadstring("local \\255 = 1")) print(loadstring("x = 1\\200"))');
  same('a control byte is char(N)', 'print(loadstring("x = \\1")) print(loadstring("x = \\127"))');
});

/** Lua that prints the first nesting depth from `from` up at which `build(n)` (a Lua function of n) no longer loads, and why. */
const firstFailingDepth = (build: string, from: number): string =>
  `local build = ${build} for n = ${from}, 400 do local f, e = loadstring(build(n)) if not f then print(n, e) break end end`;

describe("the parser's limits are 5.1's, worded as 5.1 words them", () => {
  same('200 locals load; the 201st is "main function has more than 200 local variables"', `
    local s = 'local a1' for i = 2, 200 do s = s .. ', a' .. i end print(loadstring(s) ~= nil)
    print(loadstring(s .. ', a201'))
    print(loadstring('local function f()\\n' .. s .. ', a201 end'))`);
  same('60 upvalues load; the 61st is "function at line N has more than 60 upvalues"', `
    local s = 'local a1' for i = 2, 61 do s = s .. ', a' .. i end
    local body = {} for i = 1, 61 do body[i] = 'a' .. i end
    print(loadstring(s .. ' local function f() return ' .. table.concat(body, ' + ', 1, 60) .. ' end') ~= nil)
    print(loadstring(s .. '\\n\\nlocal function f()\\n return ' .. table.concat(body, ' +\\n ') .. ' end'))
    print(loadstring(s .. ' return function() return function() return ' .. table.concat(body, ' + ') .. ' end end'))`);
  same('nested parentheses: "chunk has too many syntax levels"', firstFailingDepth("function(n) return 'x = ' .. ('('):rep(n) .. '1' .. (')'):rep(n) end", 150));
  same('nested blocks count one level each, empty ones too', firstFailingDepth("function(n) return ('do '):rep(n) .. ('end '):rep(n) end", 150));
  same('nested blocks with statements', firstFailingDepth("function(n) return ('do x = 1 '):rep(n) .. ('end '):rep(n) end", 150));
  same('nested functions count two levels each', firstFailingDepth("function(n) return ('x = function() '):rep(n) .. ('end '):rep(n) end", 50));
  same('nested if, repeat and table constructors', [
    firstFailingDepth("function(n) return ('if x then else '):rep(n) .. ('end '):rep(n) end", 150),
    firstFailingDepth("function(n) return ('repeat '):rep(n) .. ('until x '):rep(n) end", 150),
    firstFailingDepth("function(n) return 'x = ' .. ('{x = '):rep(n) .. '1' .. ('}'):rep(n) end", 150),
  ].join(' '));
  same('syntax levels left depend on the C calls below the parser', `print(pcall(pcall, function() ${firstFailingDepth("function(n) return ('do '):rep(n) .. ('end '):rep(n) end", 150)} end))`);
  same('assignment targets are limited to the C levels left: "more than 197 variables in assignment"', firstFailingDepth("function(n) return 'a' .. (', a'):rep(n) .. ' = 1' end", 150));
  same('a function has 250 registers: "function or expression too complex"', firstFailingDepth("function(n) return 'return ' .. ('1, '):rep(n) .. '1' end", 200));
});
