/**
 * One conversion of C's printf as glibc performs it on x86-64, for what Lua
 * 5.1's `string.format` hands to `sprintf`: the integer conversions of a
 * `long` / `unsigned long` made from a double by a C cast, and the floating
 * conversions of a double, with flags `-+ #0`, a width and a precision.
 *
 * Rounding is glibc's: the exact binary value rounded to the requested digit,
 * ties to even (JavaScript's toFixed/toExponential round exact ties away from
 * zero; the tie is detected exactly and corrected).
 */

/** A parsed `%[flags][width][.precision]` (precision -1 when absent). */
export interface PrintfSpec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  hash: boolean;
  zero: boolean;
  width: number;
  precision: number;
}

const TWO_63 = 9223372036854775808;
const TWO_53 = 9007199254740992;
const TWO_64_BIG = 1n << 64n;
const TWO_63_BIG = 1n << 63n;

/** `(long)d` with x86-64's cvttsd2si: truncation; NaN and out-of-range give -2^63. */
function castToLong(d: number): number {
  if (d >= -TWO_63 && d < TWO_63) return Math.trunc(d);
  return -TWO_63;
}

/**
 * `(unsigned long)d` as gcc compiles it for x86-64: below 2^63 (NaN included)
 * the signed conversion reinterpreted, from 2^63 on the signed conversion of
 * d - 2^63 with the top bit flipped (so 2^64 and inf give 0).
 */
function castToUnsignedLong(d: number): bigint {
  if (!(d >= TWO_63)) {
    const signed = castToLong(d);
    return signed < 0 ? TWO_64_BIG + BigInt(signed) : BigInt(signed);
  }
  const low = castToLong(d - TWO_63);
  const bits = low < 0 ? TWO_64_BIG + BigInt(low) : BigInt(low);
  return bits ^ TWO_63_BIG;
}

/** Pads `body` (already signed/prefixed) to the width; `zeroAt` is where zeros go when zero-padding. */
function pad(spec: PrintfSpec, head: string, body: string, zeroPad: boolean): string {
  const length = head.length + body.length;
  if (length >= spec.width) return head + body;
  const fill = spec.width - length;
  if (spec.minus) return head + body + ' '.repeat(fill);
  if (zeroPad) return head + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + head + body;
}

/** `%d %i` of `(long)value`, `%u %o %x %X` of `(unsigned long)value`. `conv` is the character code. */
export function formatInteger(spec: PrintfSpec, conv: number, value: number): string {
  let digits: string;
  let head = '';
  let isZero: boolean;
  if (conv === 100 /* d */ || conv === 105 /* i */) {
    const n = castToLong(value);
    isZero = n === 0;
    if (n < 0) head = '-';
    else if (spec.plus) head = '+';
    else if (spec.space) head = ' ';
    const magnitude = Math.abs(n);
    digits = magnitude < TWO_53 ? String(magnitude) : BigInt(n < 0 ? -n : n).toString();
  } else {
    const radix = conv === 117 /* u */ ? 10 : conv === 111 /* o */ ? 8 : 16;
    if (value >= 0 && value < TWO_53) {
      const n = Math.trunc(value);
      isZero = n === 0;
      digits = n.toString(radix);
    } else {
      const n = castToUnsignedLong(value);
      isZero = n === 0n;
      digits = n.toString(radix);
    }
    if (conv === 88 /* X */) digits = digits.toUpperCase();
  }
  if (spec.precision >= 0) {
    if (isZero && spec.precision === 0) digits = '';
    else if (digits.length < spec.precision) digits = '0'.repeat(spec.precision - digits.length) + digits;
  }
  if (spec.hash) {
    if (conv === 111 /* o */) {
      if (digits[0] !== '0') digits = '0' + digits;
    } else if (!isZero) {
      if (conv === 120 /* x */) head = '0x';
      else if (conv === 88 /* X */) head = '0X';
    }
  }
  return pad(spec, head, digits, spec.zero && spec.precision < 0);
}

/** Whether a double's sign bit is set (for -0 and -nan). */
function signBit(x: number): boolean {
  return x < 0 || (x === 0 ? 1 / x < 0 : x !== x && new Uint8Array(new Float64Array([x]).buffer)[7]! >> 7 === 1);
}

/** Lowers the last digit of a rounded decimal string by one (it is odd, so no borrow). */
function lowerLastDigit(s: string): string {
  const last = s.length - 1;
  return s.slice(0, last) + String.fromCharCode(s.charCodeAt(last) - 1);
}

/** Whether the last character of a digit string is odd. */
function lastDigitOdd(s: string): boolean {
  return (s.charCodeAt(s.length - 1) & 1) === 1;
}

/** Whether x (finite, >= 0) lies exactly halfway between two multiples of 10^-places. */
function isDecimalTie(x: number, places: number): boolean {
  if (places >= 0) {
    // x * 10^places has fraction exactly 1/2 iff x * 2^(places+1) is an odd integer.
    const y = x * Math.pow(2, places + 1);
    return Number.isInteger(y) && y % 2 === 1;
  }
  const m = -places;
  if (!Number.isInteger(x)) return false;
  if (m <= 22) return x % Math.pow(10, m) === 5 * Math.pow(10, m - 1);
  const scale = 10n ** BigInt(m);
  return BigInt(x) % scale === 5n * (scale / 10n);
}

/** |x| with `places` digits after the point (0 to 99), rounded as glibc does. */
function fixedDigits(x: number, places: number): string {
  if (x >= 1e21) {
    // Every double this large is an integer; toFixed would switch to exponent notation.
    const whole = BigInt(x).toString();
    return places > 0 ? whole + '.' + '0'.repeat(places) : whole;
  }
  const r = x.toFixed(places);
  if (lastDigitOdd(r) && isDecimalTie(x, places)) return lowerLastDigit(r);
  return r;
}

/** |x| rounded to `significant` digits (1 to 100): the digits and the decimal exponent of the first. */
function significantDigits(x: number, significant: number): { digits: string; exponent: number } {
  if (x === 0) return { digits: '0'.repeat(significant), exponent: 0 };
  let r = x.toExponential(significant - 1);
  const e = r.indexOf('e');
  const exponent = Number(r.slice(e + 1));
  r = significant > 1 ? r[0]! + r.slice(2, e) : r.slice(0, e);
  if (lastDigitOdd(r) && isDecimalTie(x, significant - 1 - exponent)) r = lowerLastDigit(r);
  return { digits: r, exponent };
}

/** Whether rounding `x` to `digits` carried it up to 10^exponent (x itself is below it). */
function roundedUpToPowerOfTen(x: number, digits: string, exponent: number): boolean {
  if (!/^10*$/.test(digits)) return false;
  if (exponent <= 22) return x < Math.pow(10, exponent);
  return BigInt(x) < 10n ** BigInt(exponent);
}

function exponentSuffix(exponent: number, upper: boolean): string {
  const magnitude = Math.abs(exponent);
  return (upper ? 'E' : 'e') + (exponent < 0 ? '-' : '+') + (magnitude < 10 ? '0' : '') + magnitude;
}

/** `%e %E %f %g %G` of a double. `conv` is the character code. */
export function formatFloat(spec: PrintfSpec, conv: number, value: number): string {
  const upper = conv === 69 /* E */ || conv === 71 /* G */;
  const negative = signBit(value);
  const head = negative ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  if (value !== value || value === Infinity || value === -Infinity) {
    const word = value !== value ? 'nan' : 'inf';
    return pad(spec, head, upper ? word.toUpperCase() : word, false);
  }
  const x = Math.abs(value);
  let body: string;
  if (conv === 102 /* f */) {
    body = fixedDigits(x, spec.precision < 0 ? 6 : spec.precision);
    if (spec.hash && spec.precision === 0) body += '.';
  } else if (conv === 101 /* e */ || conv === 69 /* E */) {
    const precision = spec.precision < 0 ? 6 : spec.precision;
    const { digits, exponent } = significantDigits(x, precision + 1);
    body = digits[0]! + (precision > 0 || spec.hash ? '.' : '') + digits.slice(1) + exponentSuffix(exponent, upper);
  } else {
    const precision = spec.precision < 0 ? 6 : spec.precision === 0 ? 1 : spec.precision;
    const { digits, exponent } = significantDigits(x, precision);
    if (spec.hash && exponent === precision && roundedUpToPowerOfTen(x, digits, exponent)) {
      // glibc quirk: when rounding carries a %g value into exponent style, '#' shows no fraction digits.
      body = '1.' + exponentSuffix(exponent, upper);
    } else if (exponent < -4 || exponent >= precision) {
      let fraction = digits.slice(1);
      if (!spec.hash) fraction = fraction.replace(/0+$/, '');
      body = digits[0]! + (fraction || spec.hash ? '.' : '') + fraction + exponentSuffix(exponent, upper);
    } else {
      let whole: string;
      let fraction: string;
      if (exponent >= 0) {
        whole = digits.slice(0, exponent + 1);
        fraction = digits.slice(exponent + 1);
      } else {
        whole = '0';
        fraction = '0'.repeat(-exponent - 1) + digits;
      }
      if (!spec.hash) fraction = fraction.replace(/0+$/, '');
      body = whole + (fraction || spec.hash ? '.' : '') + fraction;
    }
  }
  return pad(spec, head, body, spec.zero);
}
