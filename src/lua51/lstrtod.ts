/**
 * C's `strtod` and `strtoul` as glibc implements them, on Lua's byte strings:
 * 5.1's `tonumber`, numerals and string coercions are defined through them
 * (`luaO_str2d`, `luaB_tonumber`).
 *
 * `str2number` and the functions it calls are injected together into
 * Fengari's lobject.js (fengari-patches.ts), so they may call each other but
 * nothing else outside their bodies.
 */
import type { LuaString } from './fengari-api.js';

/** C's isspace in the "C" locale. */
export function isCSpace(c: number | undefined): boolean {
  return c === 32 || (c !== undefined && c >= 9 && c <= 13);
}

/** Value of an ASCII digit or letter as a digit (a/A = 10), or 99. */
export function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 122) return lower - 87;
  return 99;
}

/** Compares bytes at `at` case-insensitively with an ASCII lowercase word. */
export function matchesWord(s: LuaString, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    if (((s[at + i] ?? 0) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** Result of a C conversion: the value and where parsing stopped (`end === start` means nothing parsed). */
export interface Parsed {
  value: number;
  end: number;
}

/** glibc `strtod` from byte 0, stopping at the first NUL as C does. */
export function strtod(s: LuaString, limit: number = s.length): Parsed {
  let i = 0;
  while (i < limit && isCSpace(s[i])) i++;
  let negative = false;
  if (s[i] === 43 || s[i] === 45) negative = s[i++] === 45;
  const signed = (value: number, end: number): Parsed => ({ value: negative ? -value : value, end });
  if (matchesWord(s, i, 'inf')) return signed(Infinity, i + (matchesWord(s, i, 'infinity') ? 8 : 3));
  if (matchesWord(s, i, 'nan')) {
    let end = i + 3;
    if (s[end] === 40 /* ( */) {
      let j = end + 1;
      while (j < limit && (digitValue(s[j]!) < 36 || s[j] === 95)) j++;
      if (s[j] === 41 /* ) */) end = j + 1;
    }
    return signed(NaN, end);
  }
  if (s[i] === 48 && (s[i + 1]! | 0x20) === 120 && isHexStart(s, i + 2, limit)) return parseHexFloat(s, i + 2, limit, negative);
  const start = i;
  let digits = 0;
  while (i < limit && s[i]! >= 48 && s[i]! <= 57) i++, digits++;
  if (s[i] === 46) {
    i++;
    while (i < limit && s[i]! >= 48 && s[i]! <= 57) i++, digits++;
  }
  if (digits === 0) return { value: 0, end: 0 };
  if ((s[i]! | 0x20) === 101) {
    let j = i + 1;
    if (s[j] === 43 || s[j] === 45) j++;
    if (j < limit && s[j]! >= 48 && s[j]! <= 57) {
      while (j < limit && s[j]! >= 48 && s[j]! <= 57) j++;
      i = j;
    }
  }
  // JS parses a decimal numeral with the same correct rounding as glibc.
  let numeral = '';
  for (let k = start; k < i; k++) numeral += String.fromCharCode(s[k]!);
  return signed(Number(numeral), i);
}

export function isHexStart(s: LuaString, at: number, limit: number): boolean {
  if (at < limit && digitValue(s[at]!) < 16) return true;
  return s[at] === 46 && at + 1 < limit && digitValue(s[at + 1]!) < 16;
}

/** A C99 hexadecimal float after its "0x": hex digits, optional fraction, optional binary exponent. */
export function parseHexFloat(s: LuaString, from: number, limit: number, negative: boolean): Parsed {
  // The first 32 significant digits (128 bits, more than rounding to 53 needs); any
  // non-zero digit after them only makes the value a little larger (a sticky bit).
  let mantissa = 0n;
  let significant = 0;
  let sticky = false;
  let exponent = 0;
  const addDigit = (digit: number, inFraction: boolean): void => {
    if (significant < 32) {
      mantissa = mantissa * 16n + BigInt(digit);
      if (mantissa !== 0n) significant++;
      if (inFraction) exponent -= 4;
    } else {
      if (digit !== 0) sticky = true;
      if (!inFraction) exponent += 4;
    }
  };
  let i = from;
  for (; i < limit && digitValue(s[i]!) < 16; i++) addDigit(digitValue(s[i]!), false);
  if (s[i] === 46) {
    for (i++; i < limit && digitValue(s[i]!) < 16; i++) addDigit(digitValue(s[i]!), true);
  }
  if (sticky) {
    mantissa = mantissa * 2n + 1n;
    exponent -= 1;
  }
  if ((s[i]! | 0x20) === 112) {
    let j = i + 1;
    const expNegative = s[j] === 45;
    if (s[j] === 43 || s[j] === 45) j++;
    if (j < limit && s[j]! >= 48 && s[j]! <= 57) {
      let e = 0;
      for (; j < limit && s[j]! >= 48 && s[j]! <= 57; j++) e = Math.min(e * 10 + s[j]! - 48, 1e6);
      exponent += expNegative ? -e : e;
      i = j;
    }
  }
  const value = mantissa === 0n ? 0 : roundBinary(mantissa, exponent);
  return { value: negative ? -value : value, end: i };
}

/**
 * `mantissa * 2^exponent` rounded once, to nearest with ties to even, as
 * glibc rounds a hexadecimal float: to 53 bits, or to fewer where the result
 * is subnormal (its last bit can be no smaller than 2^-1074).
 */
export function roundBinary(mantissa: bigint, exponent: number): number {
  const bits = mantissa.toString(2).length;
  const top = bits - 1 + exponent;
  const precision = Math.min(53, top + 1075);
  const drop = bits - Math.max(precision, 0);
  if (drop <= 0) return Number(mantissa) * 2 ** exponent;
  let kept = mantissa >> BigInt(drop);
  const rest = mantissa - (kept << BigInt(drop));
  const half = 1n << BigInt(drop - 1);
  if (rest > half || (rest === half && (kept & 1n) === 1n)) kept++;
  return Number(kept) * 2 ** (exponent + drop);
}

const ULONG_MAX = 2n ** 64n - 1n;

/**
 * glibc `strtoul` for bases 2 to 36: an optional sign (a minus negates modulo
 * 2^64), overflow saturating at ULONG_MAX, "0x" allowed in base 16.
 */
export function strtoul(s: LuaString, base: number, limit: number = s.length): Parsed {
  let i = 0;
  while (i < limit && isCSpace(s[i])) i++;
  let negative = false;
  if (s[i] === 43 || s[i] === 45) negative = s[i++] === 45;
  if (base === 16 && s[i] === 48 && (s[i + 1]! | 0x20) === 120 && i + 2 < limit && digitValue(s[i + 2]!) < 16) i += 2;
  const start = i;
  let small = 0;
  let big: bigint | null = null;
  for (; i < limit; i++) {
    const d = digitValue(s[i]!);
    if (d >= base) break;
    if (big === null) {
      small = small * base + d;
      if (small > Number.MAX_SAFE_INTEGER / 64) big = BigInt(small);
    } else if (big <= ULONG_MAX) {
      big = big * BigInt(base) + BigInt(d);
    }
  }
  if (i === start) return { value: 0, end: 0 };
  let n = big ?? BigInt(small);
  if (n > ULONG_MAX) n = ULONG_MAX;
  else if (negative && n !== 0n) n = 2n ** 64n - n;
  return { value: Number(n), end: i };
}

/** 5.1's `luaO_str2d`: the whole string (up to a NUL) must be a numeral, surrounding spaces allowed. */
export function str2number(s: LuaString): number | null {
  const nul = s.indexOf(0);
  const limit = nul < 0 ? s.length : nul;
  const parsed = strtod(s, limit);
  if (parsed.end === 0) return null;
  let i = parsed.end;
  while (i < limit && isCSpace(s[i])) i++;
  return i === limit ? parsed.value : null;
}
