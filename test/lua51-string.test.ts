/**
 * Lua 5.1's string library pinned against Debian's lua5.1: every case runs
 * the same snippet under the oracle and under our VM and expects the same
 * output and the same error. Outputs that may hold zero bytes go through
 * io.write, which writes every byte.
 */
import { describe, expect, it } from 'vitest';
import { runOurs, same, sameError } from './lua51/differential.js';

/** Writes each format of each value on its own line, errors included. */
function formatMatrix(formats: string[], values: string[], nanSignless = false): string {
  return [
    `local formats = {${formats.map((f) => JSON.stringify(f)).join(', ')}}`,
    'local zero = 0 local negzero = -zero',
    `local values = {${values.join(', ')}}`,
    'for _, f in ipairs(formats) do',
    '  for i = 1, #values do',
    '    local ok, r = pcall(string.format, f, values[i])',
    '    local line = f .. " " .. tostring(values[i]) .. " => [" .. tostring(r) .. "]"',
    nanSignless ? '    line = line:gsub("%-([nN][aA][nN])", "%1")' : '',
    '    io.write(line, "\\n")',
    '  end',
    'end',
  ].join('\n');
}

/*
 * No literal -0 next to a literal 0: 5.1's constant table merges them (the
 * first one wins), a compiler quirk these cases should not depend on.
 */
const FLOATS = [
  '0', 'negzero', '1', '-1', '0.5', '1.5', '2.5', '-2.5', '3.5', '0.125', '0.375', '1/3', '2/3', '-1/3',
  '123.456', '1e-5', '1e-4', '0.0001234', '1e15', '1e16', '1e21', '1e22', '1e100', '-1e100', '1e300', '1.7976931348623157e308',
  '2^53', '2^63', '2^64', '5e-324', '2.2250738585072014e-308', '9.5', '99.5', '0.05', '0.15', '0.25', '1234567.0', '1e-10',
  '100', '1000000', '123456789012', '0.1', '0.2', '0.3', '999999.5', '9999995', '12345678901234567890',
];
const SPECIALS = ['1/0', '-1/0', '0/0', '-(0/0)'];

describe('string.format: integer conversions', () => {
  same('%d of small integers', 'print(string.format("%d %d %d %i", 0, 42, -42, 7))');
  same('%d truncates fractions toward zero', 'print(string.format("%d %d %d %d", 3.7, -3.7, 0.5, -0.5))');
  same('%d of numeric strings', 'print(string.format("%d %d", "10", " 0x1F "))');
  same('%d beyond 32 bits (long is 64-bit)', 'print(string.format("%d %d %d", 2^31, 2^40, -2^53 - 2))');
  same('%d at and beyond 2^63 gives LONG_MIN', 'print(string.format("%d %d %d %d", 2^63, -2^63, 2^64, 1e300))');
  same('%d of inf and nan', 'print(string.format("%d %d %d", 1/0, -1/0, 0/0))');
  same('%x of negative numbers is two\'s complement', 'print(string.format("%x %X %o %u", -1, -255, -8, -1))');
  same('%x of 2^53, 2^63, 2^64 and huge', 'print(string.format("%x %x %x %x %x", 2^53, 2^63, 2^64, 1e30, -1e30))');
  same('%x of inf and nan', 'print(string.format("%x %x %x", 1/0, -1/0, 0/0))');
  same('%u of large values', 'print(string.format("%u %u %u", 2^63 + 2^62, 2^53 + 2, 1e19))');
  same('%o and %X', 'print(string.format("%o %o %X %x", 8, 511, 48879, 48879))');
  same('%5.3d: precision pads with zeros inside the width', 'print(string.format("[%5.3d] [%-5.3d] [%.3d] [%.0d] [%5.0d]", 7, 7, -7, 0, 0))');
  same('%05d and %-05d', 'print(string.format("[%05d] [%-05d] [%05d] [%05.2d]", 42, 42, -42, 3))');
  same('%+d and % d', 'print(string.format("[%+d] [% d] [%+d] [% d] [%+ d]", 5, 5, -5, -5, 5))');
  same('%#o and %#x', 'print(string.format("%#o %#x %#X %#.0o %#x %#o", 8, 255, 255, 0, 0, 0))');
  same('%#08x puts zeros after the prefix', 'print(string.format("[%#08x] [%#-8x] [%#8X]", 255, 255, 255))');
  same('+ and space are ignored by unsigned conversions', 'print(string.format("[%+u] [% x] [%+o]", 5, 255, 8))');
  same('%i is %d', 'print(string.format("%i %5i %-5i|", -12, 34, 56))');
  same('integer conversions matrix', formatMatrix(
    ['%d', '%5d', '%-5d|', '%05d', '%+d', '% d', '%.3d', '%x', '%#x', '%X', '%o', '%#o', '%u', '%08.3x'],
    ['0', '1', '-1', '255', '-255', '65535', '1e10', '-1e10', '2^52 + 0.5', '2^62', '-2^62', '0.99', '-0.99'],
  ));
});

describe('string.format: %c', () => {
  same('%c of byte values', 'io.write(string.format("%c%c%c", 72, 105, 33), "\\n")');
  same('%c of 0 adds nothing (sprintf output is cut at its zero byte)', 'io.write("[", string.format("%c", 0), "]\\n")');
  same('%c of 0 with a width keeps the padding before the zero', 'io.write("[", string.format("%3c|%-3c|", 0, 0), "]\\n")');
  same('%c takes the low byte of an int', 'io.write(string.format("%c%c%c", 256 + 65, -191, 65.9), "\\n")');
  same('%c of values beyond int range', 'io.write("[", string.format("%c%c", 1e10, 0/0), "]\\n")');
  same('%c with width and flags pads with spaces', 'io.write(string.format("[%5c] [%-5c] [%05c]", 65, 66, 67), "\\n")');
  same('%c of high bytes', 'io.write(string.format("%c%c", 200, 255), "\\n")');
});

describe('string.format: floating conversions', () => {
  same('%f default precision', 'print(string.format("%f %f %f", 1, -1.5, 1/3))');
  same('%.0f rounds ties to even', 'print(string.format("%.0f %.0f %.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, 3.5, -0.5, -2.5))');
  same('%.1f and %.2f of binary ties', 'print(string.format("%.1f %.1f %.2f %.2f %.2f", 0.25, 0.75, 0.125, 0.375, 1.005))');
  same('%.2f of non-ties rounds to nearest', 'print(string.format("%.2f %.2f %.2f", 0.1, 2/3, 1e-3))');
  same('%5.2f', 'print(string.format("[%5.2f] [%-8.2f] [%08.2f] [%+.2f]", 3.14159, 3.14159, -3.14159, 2))');
  same('%f of huge values prints every integer digit', 'print(string.format("%f", 1e22)) print(string.format("%.0f %.1f", 2^70, 1e300))');
  same('%f of tiny values', 'print(string.format("%f %.10f %.20f", 1e-7, 1e-7, 5e-324))');
  same('%.99f is the longest precision', 'print(string.format("%.99f", 0.1))');
  same('%#.0f keeps the point', 'print(string.format("%#.0f %#.0e %#.0g %#g", 3, 3, 3, 3))');
  same('%e default precision and exponent digits', 'print(string.format("%e %e %e %e", 1, 12345.678, 1e-300, 1e100))');
  same('%e with precision', 'print(string.format("%.0e %.1e %.3e %.10e", 12345, 0.00015, 2/3, 1/3))');
  same('%e rounds ties to even', 'print(string.format("%.0e %.0e %.1e %.1e %.0e", 2.5, 3.5, 1.25, 1.35, 9.5))');
  same('%E uses a capital E', 'print(string.format("%E %.2E", 123.456, -0.000123))');
  same('%g default', 'print(string.format("%g %g %g %g %g %g", 100000, 1000000, 1e-4, 1e-5, 0.1, 123456789))');
  same('%g with precision', 'print(string.format("%.1g %.2g %.3g %.10g %.14g %.17g", 123, 123, 0.0001234, 1/3, 2^53, 0.1))');
  same('%.0g is %.1g', 'print(string.format("%.0g %.0g", 25, 0.35))');
  same('%G uses a capital E', 'print(string.format("%G %G", 1e-20, 1e20))');
  same('%#g keeps trailing zeros', 'print(string.format("%#g %#.3g %#g %#.2g", 1, 1, 1e-5, 100))');
  same('%g of integers up to the precision', 'print(string.format("%g %g %g", 999999, 9999995, 999999.5))');
  same('%-0+ # flags with floats', 'print(string.format("[%-+10.3f] [% 010.3f] [%+e] [% g] [%010g]", 1.5, 1.5, 1.5, 1.5, -1.5))');
  same('%f/%e/%g of -0', 'local z = 0 local n = -z print(string.format("%f %e %g %.0f %+g %+g", n, n, n, n, n, z))');
  /*
   * The sign of a NaN is left out: on x86 0/0 is -nan, but V8 may hand the VM
   * a NaN of either sign depending on which tier computed it.
   */
  same('inf and nan spelled as glibc', 'print((string.format("%f %f %f %e %g", 1/0, -1/0, 0/0, -(0/0), 1/0):gsub("-nan", "nan")))');
  same('INF and NAN with %E and %G', 'print((string.format("%E %G %E %G", 1/0, -1/0, 0/0, -(0/0)):gsub("-NAN", "NAN")))');
  same('a NaN prints as nan or -nan', 'local s = string.format("%f|%5.1f|%-6e|%+g|%G", 0/0, 0/0, 0/0, 0/0, 0/0) print(s == "-nan| -nan|-nan  |-nan|-NAN" or s == "nan|  nan|nan   |+nan|NAN")');
  same('inf with width, zero flag and sign flags', 'print(string.format("[%10f] [%-10f] [%010f] [%+f] [% f] [%+f]", 1/0, 1/0, -1/0, 1/0, 1/0, -1/0))');
  same('%.3f of inf ignores precision', 'print(string.format("%.3f %.3e %.3g", 1/0, -1/0, 1/0))');
  same('%f of numeric strings', 'print(string.format("%.2f %g", "1.255", "1e3"))');
  same('floating conversions matrix: %f family', formatMatrix(['%f', '%.0f', '%.1f', '%.2f', '%.3f', '%10.4f', '%.15f'], FLOATS));
  same('floating conversions matrix: %e family', formatMatrix(['%e', '%.0e', '%.2e', '%.5e', '%.14e', '%E', '%.16e'], FLOATS));
  same('floating conversions matrix: %g family', formatMatrix(['%g', '%.1g', '%.2g', '%.5g', '%.14g', '%.17g', '%#g', '%G', '%#.3G'], FLOATS));
  same('floating conversions matrix: specials', formatMatrix(['%f', '%5.1f', '%-6e|', '%+g', '% G', '%010.2f', '%#E'], SPECIALS, true));
  same('%.14g agrees with tostring', [
    'local values = {0.1, 1/3, 2^53, 1e15, 1e14, 123456789012345, 1e-5, 3.14159265358979, 1e300}',
    'for _, v in ipairs(values) do print(string.format("%.14g", v) == tostring(v), tostring(v)) end',
  ].join('\n'));
  same('random doubles format like glibc', [
    'local seed = 12345',
    'local function rnd() seed = (seed * 1103515245 + 12345) % 2147483648 return seed end',
    'for i = 1, 300 do',
    '  local v = (rnd() / 2147483648 - 0.5) * tonumber("1e" .. (rnd() % 40 - 20))',
    '  local p = rnd() % 18',
    '  io.write(string.format("%." .. p .. "f|%." .. p .. "e|%." .. p .. "g", v, v, v), "\\n")',
    'end',
  ].join('\n'));
  same('decimal ties at many precisions', [
    'for _, v in ipairs({0.5, 1.5, 2.5, 0.125, 0.625, 1.0625, 1e16 + 2, 2^60 + 2^8, 12.5, 1250, 0.0625}) do',
    '  for p = 0, 6 do io.write(string.format("%." .. p .. "f %." .. p .. "e %." .. (p + 1) .. "g", v, v, v), "\\n") end',
    'end',
  ].join('\n'));
});

describe('string.format: %s and %q', () => {
  same('%s of numbers uses %.14g', 'print(string.format("%s %s %s %s", 1, 0.1, 1e100, 2^53))');
  same('%s with width and -', 'print(string.format("[%5s] [%-5s] [%05s] [%.2s] [%5.1s]", "ab", "ab", "ab", "abc", "abc"))');
  same('%s with precision truncates', 'print(string.format("[%.0s] [%.3s] [%.10s]", "hello", "hello", "hello"))');
  same('%s stops at a zero byte when short', 'io.write("[", string.format("%s|%.5s|%5s", "a\\0b", "c\\0d", "e\\0f"), "]\\n")');
  same('%s keeps zero bytes of strings of 100 bytes or more, where a precision stops at the first', 'local s = ("x"):rep(99) .. "\\0tail" io.write(#string.format("%s", s), " ", #string.format("%.99s", s), "\\n")');
  same('%s of a long string ignores the width', 'print(#string.format("%5s", ("y"):rep(150)))');
  same('%s of a boolean is an error', 'print(pcall(string.format, "%s", true))');
  same('%s of nil is an error', 'print(pcall(string.format, "%s %s", "a", nil))');
  same('%s of a table is an error', 'print(pcall(string.format, "%s", {}))');
  sameError('%s error outside pcall names format', 'string.format("%s", true)');
  sameError('%s error through a method call names format', 'local f = "%s" f:format(true)');
  same('%s ignores __tostring', 'print(pcall(string.format, "%s", setmetatable({}, {__tostring = function() return "T" end})))');
  same('%q of quotes, backslashes and newlines', 'io.write(string.format("%q", "a\\"b\\\\c\\nd"), "\\n")');
  same('%q of \\r and \\0', 'io.write(string.format("%q", "x\\ry\\0z"), "\\n")');
  same('%q leaves other control bytes alone', 'io.write(string.format("%q", "\\1\\2\\t\\27\\127\\255"), "\\n")');
  same('%q of numbers quotes their text', 'print(string.format("%q %q", 5, 1/3))');
  same('%q ignores width', 'print(string.format("%10q|%-3q", "a", "b"))');
  same('%q round-trips through loadstring', 'local s = "a\\0b\\r\\n\\"\\\\\\1" print(loadstring("return " .. string.format("%q", s))() == s)');
});

describe('string.format: the format string', () => {
  same('%% is a percent sign', 'print(string.format("100%% %d%%", 5))');
  same('no arguments needed without conversions', 'print(string.format("plain"), string.format(""))');
  same('missing argument is "no value"', 'print(pcall(string.format, "%d %d", 1))');
  sameError('missing argument outside pcall', 'string.format("%d")');
  same('number expected', 'print(pcall(string.format, "%d", "x")) print(pcall(string.format, "%f", {}))');
  same('invalid option %y', 'print(pcall(string.format, "%y", 1))');
  same('no %a, %F, %n or %p in 5.1', 'print(pcall(string.format, "%a", 1)) print(pcall(string.format, "%F", 1)) print(pcall(string.format, "%p", 1)) print(pcall(string.format, "%n", 1))');
  same('no length modifiers', 'print(pcall(string.format, "%ld", 1)) print(pcall(string.format, "%hd", 1))');
  same('% at the end of the format', 'print(pcall(string.format, "abc%", 1)) print(pcall(string.format, "abc%"))');
  same('%5% is an invalid option', 'print(pcall(string.format, "%5%", 1))');
  same('five flags are allowed', 'print(string.format("[%-+ #0d] [%-----d]", 1, 2))');
  same('six flags are repeated flags', 'print(pcall(string.format, "%------d", 1))');
  same('width of three digits is too long', 'print(pcall(string.format, "%100d", 1))');
  same('precision of three digits is too long', 'print(pcall(string.format, "%.100f", 1))');
  same('two-digit width and precision', 'print(string.format("[%99.2f]", 1):len(), string.format("%.99d", 1):len())');
  same('a lone point is precision 0', 'print(string.format("[%.d] [%.f] [%.s] [%5.e]", 0, 2.5, "abc", 1))');
  same('zero byte in the format is copied', 'io.write(string.format("a\\0%d\\0b", 5), "\\n")');
  same('zero byte inside a conversion ends it', 'print(pcall(string.format, "%5\\0d", 1))');
  same('invalid option with a high byte', 'io.write(select(2, pcall(string.format, "%\\200", 1)), "\\n")');
  same('extra arguments are ignored', 'print(string.format("%d", 1, 2, 3))');
  same('the format itself must be a string', 'print(pcall(string.format, {})) print(pcall(string.format, 12))');
  same('errors come in argument order', 'print(pcall(string.format, "%d %y", "x", 1)) print(pcall(string.format, "%d %y", 1, 1))');
  same('mixed conversions like a wiki module', 'print(string.format("%d|%5.2f|%s|%x|%q|%-8s|%g", 7, 7 / 7, "name7", 7, "a\\"b", "x", 3.5))');
});

describe('string.rep', () => {
  same('rep repeats', 'print(string.rep("ab", 3), string.rep("x", 1), ("-"):rep(10))');
  same('rep with zero and negative counts is empty', 'print("[" .. string.rep("ab", 0) .. "]", "[" .. string.rep("ab", -5) .. "]")');
  same('rep truncates a fractional count', 'print(string.rep("ab", 2.9), string.rep("c", -0.5) == "")');
  same('rep has no separator in 5.1', 'print(string.rep("ab", 3, ","))');
  same('rep of an empty string', 'print("[" .. string.rep("", 1e8) .. "]")');
  same('rep of numbers', 'print(string.rep(12, 2), string.rep("x", "3"))');
  same('rep needs a count', 'print(pcall(string.rep, "x")) print(pcall(string.rep, "x", "y"))');
  same('rep count is a C int (wraps mod 2^32)', 'print(string.rep("x", 2^32 + 2), "[" .. string.rep("x", 2^32) .. "]")');
  same('rep of zero bytes', 'io.write(string.rep("a\\0", 3), "\\n")');
  it('rep of a huge result is a Lua error, not a crash', () => {
    const result = runOurs('print(pcall(string.rep, "abcdefgh", 2^30))');
    expect(result).toEqual({ stdout: 'false\tnot enough memory\n', error: null });
  });
});

describe('string.find', () => {
  same('find plain substring', 'print(string.find("hello world", "wor"))');
  same('find with pattern and captures', 'print(string.find("key=value", "(%w+)=(%w+)"))');
  same('find with position capture', 'print(string.find("hello", "()ll()"))');
  same('find init past the end', 'print(string.find("abc", "", 10)) print(string.find("abc", "", 4)) print(string.find("abc", "c", 10))');
  same('find negative init', 'print(string.find("abcabc", "b", -2)) print(string.find("abc", "b", -10)) print(string.find("abc", "a", -3))');
  same('find init zero and fractional', 'print(string.find("abc", "a", 0)) print(string.find("abcabc", "b", 2.9))');
  same('find plain flag', 'print(string.find("a.b*c", ".", 1, true)) print(string.find("a+b", "+", 1, true)) print(string.find("x", "%", 1, true))');
  same('find with no specials is plain', 'print(string.find("a)b", "a)")) print(string.find("a]b", "]b"))');
  same('find anchored', 'print(string.find("abc", "^b")) print(string.find("abc", "^a")) print(string.find("abc", "^b", 2))');
  same('find with $', 'print(string.find("abc", "c$")) print(string.find("abc", "b$")) print(string.find("a$b", "$b"))');
  same('find empty pattern', 'print(string.find("", "")) print(string.find("abc", ""))');
  same('find returns nil', 'print(string.find("abc", "x")) print(string.find("abc", "%d"))');
  same('find of numbers', 'print(string.find(12345, 34)) print(string.find(1e100, "e"))');
  same('find with a zero byte in the subject', 'print(string.find("a\\0b", "b")) print(string.find("a\\0b", "%z"))');
  sameError('a pattern ends at its first zero byte', 'print(string.find("abc", "b\\0x")) print(string.find("abc", "[b\\0]"))');
  same('plain find sees past a zero byte in the pattern', 'print(string.find("a\\0b", "\\0b")) print(string.find("a\\0b.", "\\0b.", 1, true))');
  same('find with unfinished capture errors', 'print(pcall(string.find, "abc", "(a"))');
  same('find needs its arguments', 'print(pcall(string.find, "abc")) print(pcall(string.find, nil, "a"))');
});

describe('patterns', () => {
  same('character classes', [
    'local s = ""',
    'for c = 0, 255 do s = s .. string.char(c) end',
    'for _, cl in ipairs({"a", "c", "d", "l", "p", "s", "u", "w", "x", "z", "A", "C", "D", "L", "P", "S", "U", "W", "X", "Z"}) do',
    '  local n = select(2, s:gsub("%" .. cl, "")) print(cl, n)',
    'end',
  ].join('\n'));
  same('%g is not a class in 5.1', 'print(string.find("abg", "%g")) print(string.match("x g", "%g"))');
  same('escaped punctuation', 'print(string.match("a.b", "%.")) print(string.match("50%", "%d+%%")) print(string.match("[x]", "%[(.)%]"))');
  same('sets and ranges', 'print(string.match("hello123", "[a-z]+"), string.match("x-y", "[%-]"), string.match("abc", "[^a]+"))');
  same('set edge cases: ] first, - at the ends', 'print(string.match("a]b", "[]]"), string.match("a-b", "[a-]+"), string.match("-b", "[-b]+"), string.match("^x", "[x^]+"))');
  same('set with a class inside', 'print(string.match("ab12", "[%d]+"), string.match("ab12 ", "[%a%d]+"))');
  sameError('a set ending in % is malformed', 'string.match("x", "[%]")');
  same('quantifiers * + - ?', 'print(string.match("aaa", "a*"), string.match("aaab", "a-b"), string.match("b", "a?b"), string.match("", "a*"), string.match("x", "a+"))');
  same('lazy versus greedy', 'print(string.match("<a><b>", "<(.-)>"), string.match("<a><b>", "<(.*)>"))');
  same('%b balanced match', 'print(string.match("f(a(b)c)d", "%b()")) print(string.find("((x)", "%b()")) print(string.gsub("[a][b]", "%b[]", "X"))');
  same('%b with the same open and close', 'print(string.match("|a|b|", "%b||"))');
  same('%b missing arguments', 'print(pcall(string.find, "a", "%b")) print(pcall(string.find, "a", "%ba"))');
  same('%f frontier', 'print(string.gsub("THE (quick) fox", "%f[%a]%a+", "W")) print(string.find("hello world", "%f[%w]%w+", 2))');
  same('%f at the ends of the subject', 'print(string.find("abc", "%f[%z]")) print(string.find("abc", "%f[%a]")) print(string.gsub("a b", "%f[%W]", "|"))');
  same('%f needs a set', 'print(pcall(string.find, "a", "%fa"))');
  same('back references', 'print(string.match("abcabc", "(abc)%1")) print(string.find("xyyx", "(.)(.)%2%1")) print(string.match("a=a", "(%a)=%1"))');
  same('back reference to a position capture never matches', 'print(string.find("aa", "()a%1"))');
  same('invalid back references', 'print(pcall(string.find, "a", "%1")) print(pcall(string.find, "aa", "(a%1)"))');
  same('malformed pattern ends with %', 'print(pcall(string.find, "a", "a%"))');
  same('malformed pattern missing ]', 'print(pcall(string.find, "a", "[a")) print(pcall(string.find, "a", "[a%]")) print(pcall(string.find, "a", "[^"))');
  same('unfinished and invalid captures', 'print(pcall(string.match, "a", "(a")) print(pcall(string.match, "a", "a)")) print(pcall(string.gsub, "a", ")", ""))');
  same('too many captures', 'print(pcall(string.match, ("a"):rep(40), ("(a)"):rep(33)))');
  same('32 captures are allowed', 'print(select("#", string.match(("a"):rep(40), ("(a)"):rep(32))))');
  same('nested captures', 'print(string.match("hello world", "((h)(e)(l+)o) (w%a+)"))');
  same('$ in the middle is literal', 'print(string.match("a$b", "a$b"), string.match("a$", "a%$"))');
  same('^ after the start is literal', 'print(string.match("a^b", "a^b"), string.find("a^", "^^"))');
  same('matching bytes above 127', 'print(string.find("caf\\233", "[\\200-\\255]"), string.match("\\233t\\233", "%a+"))');
  same('dot matches a zero byte', 'print(string.find("a\\0b", "a.b"))');
});

describe('string.match', () => {
  same('match returns the whole match without captures', 'print(string.match("hello 123", "%d+"))');
  same('match returns captures', 'print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))');
  same('match position captures are numbers', 'print(type(string.match("abc", "()b")), string.match("abc", "()b()"))');
  same('match init', 'print(string.match("abcabc", "b", 3), string.match("abc", "()", 10), string.match("abc", "a", -1))');
  same('match anchored', 'print(string.match("abc", "^(a)"), string.match("abc", "^(b)"))');
  same('match with empty captures', 'print(string.match("abc", "()"), string.match("abc", "(x*)"))');
});

describe('string.gmatch', () => {
  same('gmatch iterates words', 'for w in string.gmatch("one two  three", "%a+") do io.write(w, ";") end print()');
  same('gmatch with captures', 'for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do io.write(k, ":", v, ";") end print()');
  same('gmatch treats ^ literally', 'for x in ("a^b^c"):gmatch("^.") do io.write(x, ";") end print() for x in ("abc"):gmatch("^a") do io.write(x, ";") end print("|")');
  same('gmatch empty matches advance', 'for x in ("abc"):gmatch("x*") do io.write("[", x, "]") end print()');
  same('gmatch position captures', 'for p in ("abc"):gmatch("()") do io.write(p, " ") end print()');
  same('gmatch iterator keeps returning nothing at the end', 'local it = ("a"):gmatch("a") print(it(), it(), it())');
  same('gmatch pattern errors come from the iterator', 'local it = string.gmatch("a", "[a") print("made") print(pcall(it))');
  same('gmatch needs strings', 'print(pcall(string.gmatch, "a")) print(pcall(string.gmatch, nil, "a"))');
  same('gfind is the same function as gmatch', 'print(string.gfind == string.gmatch) for w in string.gfind("x y", "%a") do io.write(w) end print()');
  same('gmatch over numbers', 'for d in string.gmatch(12345, "%d%d") do io.write(d, " ") end print()');
});

describe('string.gsub', () => {
  same('gsub with a string replacement', 'print(string.gsub("hello world", "o", "0"))');
  same('gsub with %0 to %9', 'print(string.gsub("key=val", "(%w+)=(%w+)", "%2=%1 [%0]"))');
  same('gsub %1 without captures is the whole match', 'print(string.gsub("abc", "b", "<%1>"))');
  same('gsub %% in the replacement', 'print(string.gsub("abc", "b", "%%"))');
  same('gsub %x in the replacement gives x', 'print(string.gsub("abc", "b", "%x%y%-"))');
  same('gsub trailing % in the replacement gives a zero byte', 'io.write(string.gsub("abc", "b", "%"), "\\n")');
  same('gsub invalid capture index in the replacement', 'print(pcall(string.gsub, "abc", "(b)", "%2"))');
  same('gsub with position capture in the replacement', 'print(string.gsub("abc", "()b", "[%1]"))');
  same('gsub with a numeric replacement', 'print(string.gsub("abc", "b", 5), string.gsub("abc", "b", 1.5))');
  same('gsub with a table replacement', 'print(string.gsub("$a $b $c", "%$(%w+)", {a = "A", b = false}))');
  same('gsub table lookup by the whole match', 'print(string.gsub("one two", "%w+", {one = 1}))');
  same('gsub with a function replacement', 'print(string.gsub("a b c", "%w", function(c) return c:upper() .. "!" end))');
  same('gsub function returning nil or false keeps the match', 'print(string.gsub("abc", "%w", function(c) if c == "b" then return false end end))');
  same('gsub function gets all captures', 'print(string.gsub("k1=v1 k2=v2", "(%w+)=(%w+)", function(k, v) return v .. k end))');
  same('gsub function may return a number', 'print(string.gsub("x y", "%a", function() return 2.5 end))');
  same('gsub invalid replacement value', 'print(pcall(string.gsub, "x", "x", function() return {} end)) print(pcall(string.gsub, "x", "x", {x = true}))');
  same('gsub replacement must be string, number, table or function', 'print(pcall(string.gsub, "x", "x", true)) print(pcall(string.gsub, "x", "x"))');
  same('gsub max n', 'print(string.gsub("aaaa", "a", "b", 2)) print(string.gsub("aaaa", "a", "b", 0)) print(string.gsub("aaaa", "a", "b", -1))');
  same('gsub max n fractional and huge', 'print(string.gsub("aaaa", "a", "b", 2.9)) print(string.gsub("aaaa", "a", "b", 1e10))');
  same('gsub anchored', 'print(string.gsub("aaa", "^a", "b")) print(string.gsub("hello", "^", ">"))');
  same('gsub empty pattern', 'print(string.gsub("abc", "", "-"))');
  same('gsub empty matches after a match (5.1 counts them)', 'print(string.gsub("abc", "%w*", "x")) print(string.gsub("a,b", "[^,]*", "<%0>"))');
  same('gsub with $ anchor', 'print(string.gsub("abc", "$", "!")) print(string.gsub("a\\nb", "b$", "B"))');
  same('gsub pattern errors', 'print(pcall(string.gsub, "abc", "[", "")) print(pcall(string.gsub, "abc", "%", ""))');
  same('gsub arguments checked in order', 'print(pcall(string.gsub, "x", "x", true, "n"))');
  same('gsub of numbers', 'print(string.gsub(12345, "3", "x"))');
  same('gsub keeps zero bytes', 'io.write(string.gsub("a\\0b\\0", "%z", "<0>"), "\\n") io.write(string.gsub("a\\0b", "b", "\\0"), "\\n")');
  same('gsub escaping for patterns', 'print((string.gsub("a.b*c", "[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")))');
  same('gsub with a large subject', 'local s = ("abc "):rep(10000) local r, n = s:gsub("(%w+)", "%1%1") print(#r, n)');
});

describe('byte, char, sub, len, lower, upper, reverse', () => {
  same('byte defaults and ranges', 'print(string.byte("ABC"), string.byte("ABC", 2), string.byte("ABC", 1, -1), string.byte("ABC", -1))');
  same('byte out of range returns nothing', 'print(select("#", string.byte("abc", 10)), select("#", string.byte("", 1)), select("#", string.byte("abc", 3, 2)))');
  same('byte clamps the range', 'print(string.byte("abc", 0, 10)) print(string.byte("abc", -10, 1))');
  same('byte truncates fractions', 'print(string.byte("abc", 1.9, 2.9))');
  same('byte of high bytes and zero', 'print(string.byte("\\0\\255\\128", 1, 3))');
  same('byte slice too long', 'print(pcall(string.byte, ("x"):rep(9000), 1, 7998)) print(select("#", string.byte(("x"):rep(9000), 1, 7990)))');
  same('char builds strings', 'io.write(string.char(104, 105, 0, 255), "|", string.char(), "|\\n")');
  same('char truncates fractions', 'print(string.char(65.9, 66.1))');
  same('char invalid value', 'print(pcall(string.char, 256)) print(pcall(string.char, 65, -1)) print(pcall(string.char, 2^32 + 65))');
  same('char needs numbers', 'print(pcall(string.char, "x")) print(pcall(string.char, "65"))');
  sameError('char invalid value outside pcall', 'string.char(65, 300)');
  same('sub ranges', 'print(("hello"):sub(2), ("hello"):sub(2, 3), ("hello"):sub(-3), ("hello"):sub(-3, -2), ("hello"):sub(0), ("hello"):sub(10), ("hello"):sub(3, 1))');
  same('sub with huge and fractional bounds', 'print(("hello"):sub(-100, 100), ("hello"):sub(2.5, 4.5), ("hello"):sub(2^53), ("hello"):sub(-2^63))');
  same('sub needs a start', 'print(pcall(string.sub, "x")) print(pcall(string.sub))');
  same('len counts bytes', 'print(string.len(""), string.len("abc"), string.len("\\0\\0"), string.len(123), #"\\255")');
  same('len needs a string', 'print(pcall(string.len, nil)) print(pcall(string.len, {}))');
  same('lower and upper are ASCII only', 'io.write(string.lower("ABC xyz \\192\\233"), "|", string.upper("abc XYZ \\224\\233"), "\\n")');
  same('lower and upper of numbers', 'print(string.upper(1e100), string.lower(-1/0))');
  same('reverse', 'io.write(string.reverse("abc"), "|", string.reverse(""), "|", string.reverse("a\\0b"), "\\n")');
  same('bad self through a method call', 'print(pcall(function() return ("x").rep() end)) print(pcall(function() local s = "x" return s:rep() end))');
});

describe('string.dump, the metatable and coercions', () => {
  same('dump of a C function fails', 'print(pcall(string.dump, print))');
  same('dump needs a function', 'print(pcall(string.dump, "x"))');
  same('dump of a Lua function is a binary chunk', 'local d = string.dump(function() return 1 end) print(type(d), d:sub(1, 4) == "\\27Lua")');
  same('string methods through the metatable', 'print(("x"):upper(), ("%d"):format(5), ("a,b"):find(",", 1, true))');
  same('indexing a string with a number is nil', 'print(("abc")[1], ("abc").len == string.len, #"abc")');
  same('indexing a string with an unknown name is nil', 'print(("abc").nothing)');
  same('the string metatable', 'local mt = getmetatable("") print(type(mt), mt.__index == string, rawequal(getmetatable("a"), getmetatable("b")))');
  same('type errors ignore __name', 'print(pcall(string.rep, setmetatable({}, {__name = "X"}), 1)) print(pcall(string.format, "%d", io.stdout))');
  same('methods of numbers need a string', 'print(pcall(function() local n = 5 return n:rep(2) end))');
  same('string library names in pairs order', 'for k in pairs(string) do io.write(k, " ") end print()');
  same('tostring and tonumber round trips', 'print(tonumber(tostring(0.1)) == 0.1, tostring(tonumber("0x10")), tonumber(string.format("%.17g", 0.1)) == 0.1)');
  same('string arithmetic coercion through format', 'print(string.format("%d", "3" + 4), string.format("%s", 10 / 2), ("10"):rep(2) + 1)');
});

// rep's count, char's codes and gsub's maximum are C ints (luaL_checkint/luaL_optint: 2^31 is
// -2^31, 2^32 + k is k, 1e300 and NaN are 0); format's %c casts the number straight to int
// (INT_MIN out of range); sub, byte and find keep 64-bit positions (luaL_checkinteger).
describe('string int arguments are C ints; positions are not', () => {
  same('rep(2^32 + 3) is rep(3)', 'print(("x"):rep(2^32 + 3), ("ab"):rep(2^33 + 2))');
  same('rep(2^31), rep(1e300), rep(0/0) and rep(-math.huge) are empty', 'print(("x"):rep(2^31) == "", ("x"):rep(1e300) == "", ("x"):rep(0/0) == "", ("x"):rep(-math.huge) == "", ("x"):rep(-2^63) == "")');
  same('rep truncates 2.7 and -2.7', 'print(("ab"):rep(2.7), ("ab"):rep(-2.7) == "")');
  same('rep checks its count after its string', 'print(pcall(string.rep, {}, 2^31)) print(pcall(string.rep, "x", "y"))');
  same('char(2^32 + 65) is char(65)', 'print(string.char(2^32 + 65, 2^33 + 66, -2^32 + 67))');
  same('char(2^31) is an invalid value', 'print(pcall(string.char, 65, 2^31)) print(pcall(string.char, -2^31 - 1))');
  same('char(1e300), char(0/0) and char(±inf) are NUL bytes', 'print(string.byte(string.char(1e300, 0/0, math.huge, -math.huge), 1, -1))');
  same('char truncates 65.9 and -0.5', 'print(string.byte(string.char(65.9, -0.5), 1, -1)) print(pcall(string.char, -1.5))');
  same('format %c casts to int directly: out of range is INT_MIN, a NUL byte', 'print(#string.format("%c", 2^32 + 65), string.format("[%c]", 2^31 + 65), string.format("%c", -2^31 + 65), #string.format("%c|", 0/0))');
  same('gsub(s, p, r, 2^32 + 2) replaces 2', 'print(("aaa"):gsub("a", "b", 2^32 + 2))');
  same('gsub(s, p, r, 2^31), (…, 1e300) and (…, 0/0) replace none', 'print(("aaa"):gsub("a", "b", 2^31)) print(("aaa"):gsub("a", "b", 1e300)) print(("aaa"):gsub("a", "b", 0/0))');
  same('gsub(s, p, r, -2^31 - 1) replaces all', 'print(("aaa"):gsub("a", "b", -2^31 - 1))');
  same('sub keeps 64-bit positions: 2^32 + 1 is past the end', 'print(("abc"):sub(2^32 + 1) == "", ("abc"):sub(1, 2^32 + 1), ("abc"):sub(-2^31 - 1), ("abc"):sub(2^31))');
  same('sub(1e300) and sub(0/0) start at -2^63: the whole string', 'print(("abc"):sub(1e300), ("abc"):sub(0/0), ("abc"):sub(2, 0/0) == "", ("abc"):sub(-1e300, 1e300))');
  same('byte and find keep 64-bit positions', 'print(("abc"):byte(2^32 + 1), ("abc"):byte(-2^32 - 3), ("abc"):find("c", 2^32 + 1), ("abc"):find("a", 0/0), ("abc"):find("b", -2^31))');
});
