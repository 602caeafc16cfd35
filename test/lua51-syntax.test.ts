/**
 * The 5.1 language as the lexer and parser see it: 5.2+ syntax is an error
 * worded as 5.1 words it, 5.1's escapes (sloppy ones included) load, and
 * `goto` is a name. A module that fails to load is a broken page.
 */
import { describe } from 'vitest';
import { same } from './lua51/differential.js';

describe('5.2+ syntax is an error near the first character 5.1 cannot take', () => {
  same('// is two divisions', 'x = 3 // 2');
  same('& is not an operator', 'a = 1 & 2');
  same('| is not an operator', 'x = 1 | 2');
  same('unary ~ is not an operator', 'a = ~1');
  same('binary ~ is not an operator', 'a = 1 ~ 2');
  same('>> is not an operator', 'a = 1 >> 2');
  same('<< is not an operator', 'a = 1 << 2');
  same('::label:: is not a statement', '::l::');
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
  same('a decimal escape above 255 is "escape sequence too large"', 'x = "ab\\300"');
  same('a backslash before a newline is a newline', 'print("a\\\nb")');
  same('\\a \\b \\f \\v \\t \\r', 'print(("\\a\\b\\f\\v\\t\\r"):byte(1, -1))');
});

describe('syntax error messages quote every token as 5.1 does', () => {
  same("unexpected symbol near '<eof>'", 'x = ');
  same("'end' expected near '<eof>'", 'if x then');
  same("'<name>' expected near '('", 'local function ( ) end');
  same("'<name>' expected near a number", 'local 1 = 2');
  same('unfinished string', 'x = "abc');
  same("'}' expected", 'x = {1,2');
  same("'=' expected", 'local x x 1');
  same('a control character is shown as char(N)', 'x = \x01');
  same("'then' expected", 'if x print(1) end');
  same("'(' expected near a name", 'function f x end');
});
