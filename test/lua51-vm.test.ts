/** Operators of the 5.1 VM that Fengari implemented the 5.3 way or not at all. */
import { describe } from 'vitest';
import { same } from './lua51/differential.js';

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
