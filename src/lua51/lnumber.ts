/**
 * Lua 5.1's number model, as glibc and x86-64 give it to Debian's lua5.1.
 *
 * These functions are injected by source text into Fengari's modules
 * (see fengari-patches.ts), so each must be self-contained: no imports, no
 * references to anything outside its own body.
 */

/** How 5.1 turns every number into text: `%.14g`. */
export function lua51NumberToString(n: number): string {
  if (Number.isInteger(n) && n < 1e14 && n > -1e14 && (n !== 0 || 1 / n > 0)) return String(n);
  return formatG(n, 14);
}

/** C's `%.<precision>g` as glibc prints it (precision 1 to 99), ties rounded to even. */
export function formatG(n: number, precision: number): string {
  if (n !== n) {
    const bits = new Float64Array([n]);
    return new Uint8Array(bits.buffer)[7]! >> 7 ? '-nan' : 'nan';
  }
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return 1 / n < 0 ? '-0' : '0';
  const sign = n < 0 ? '-' : '';
  const magnitude = Math.abs(n);
  const rounded = magnitude.toExponential(precision - 1);
  const roundedE = rounded.indexOf('e');
  let digits = rounded[0]! + rounded.slice(2, roundedE);
  let exponent = Number(rounded.slice(roundedE + 1));
  // JS rounds an exact tie away from zero, glibc to even: only a next digit of 5 can be a tie.
  const wider = magnitude.toExponential(precision);
  const widerE = wider.indexOf('e');
  if (wider[widerE - 1] === '5') {
    const exact = magnitude.toPrecision(100);
    const exactDigits = exact.replace('.', '').replace(/e.*$/, '').replace(/^0+/, '');
    const isTie = /^50*$/.test(exactDigits.slice(precision));
    if (isTie && Number(exactDigits[precision - 1]) % 2 === 0) {
      digits = exactDigits.slice(0, precision);
      exponent = Number(wider.slice(widerE + 1));
    }
  }
  if (exponent < -4 || exponent >= precision) {
    const mantissa = (digits[0]! + '.' + digits.slice(1)).replace(/\.?0+$/, '');
    const absExponent = Math.abs(exponent);
    return sign + mantissa + (exponent < 0 ? 'e-' : 'e+') + (absExponent < 10 ? '0' : '') + absExponent;
  }
  const whole = exponent >= 0 ? digits.slice(0, exponent + 1) : '0';
  const fraction = (exponent >= 0 ? digits.slice(exponent + 1) : '0'.repeat(-exponent - 1) + digits).replace(/0+$/, '');
  return sign + whole + (fraction ? '.' + fraction : '');
}

/**
 * The C cast `(lua_Integer)d` that 5.1's `lua_tointeger` does on x86-64:
 * truncation toward zero, and the "integer indefinite" value -2^63 for NaN and
 * anything out of the 64-bit range.
 */
export function lua51NumberToInteger(n: number): number {
  if (n >= -9223372036854775808 && n < 9223372036854775808) return Math.trunc(n);
  return -9223372036854775808;
}

/** 5.1's `luai_nummod`: `a - floor(a/b)*b`, so `5 % 0` and `5 % math.huge` are nan. */
export function lua51Modulo(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}
