/**
 * Lua 5.1's math library (lmathlib.c): every result a double (floor(-0.5) is
 * -0), the 5.1-only functions (mod, pow, log10, ldexp, frexp, cosh, sinh,
 * tanh, atan2), one-argument log and atan, and `random` on glibc's `rand()`
 * so a seeded sequence is the one Debian's lua5.1 produces.
 */
import { lauxlib, lua } from './fengari.js';
import type { LuaJsFunction, LuaState } from './fengari-api.js';
import { checkint, fengariFunction, registerLibrary } from './llibutil.js';

const { luaL_checknumber: checkNumber } = lauxlib;

/** A quiet NaN with the sign bit set: what x86 produces for invalid operations (prints "-nan"). */
const NEGATIVE_NAN = new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer)[0]!;

/** glibc's `random()` (TYPE_3 additive feedback generator), which `rand()` is. */
class GlibcRand {
  private readonly r = new Int32Array(34);
  private i = 0;

  constructor() {
    this.seed(1);
  }

  seed(seed: number): void {
    const r = this.r;
    r[0] = seed === 0 ? 1 : seed;
    for (let k = 1; k < 31; k++) {
      const next = (16807 * r[k - 1]!) % 2147483647;
      r[k] = next < 0 ? next + 2147483647 : next;
    }
    for (let k = 31; k < 34; k++) r[k] = r[k - 31]!;
    this.i = 34;
    for (let k = 0; k < 310; k++) this.step();
  }

  private step(): number {
    const r = this.r;
    const i = this.i++;
    const value = (r[(i - 31) % 34]! + r[(i - 3) % 34]!) | 0;
    r[i % 34] = value;
    return value;
  }

  /** 0 to RAND_MAX (2^31 - 1). */
  next(): number {
    return this.step() >>> 1;
  }
}

const RAND_MAX = 2147483647;

function makeRandom(generator: GlibcRand): LuaJsFunction {
  return (L) => {
    const r = (generator.next() % RAND_MAX) / RAND_MAX;
    switch (lua.lua_gettop(L)) {
      case 0:
        lua.lua_pushnumber(L, r);
        break;
      case 1: {
        const u = checkint(L, 1);
        lauxlib.luaL_argcheck(L, 1 <= u, 1, 'interval is empty');
        lua.lua_pushnumber(L, Math.floor(r * u) + 1);
        break;
      }
      case 2: {
        const l = checkint(L, 1);
        const u = checkint(L, 2);
        lauxlib.luaL_argcheck(L, l <= u, 2, 'interval is empty');
        // `u-l+1` is C int arithmetic: random(0, 2^31 - 1) multiplies by -2^31.
        lua.lua_pushnumber(L, Math.floor(r * ((u - l + 1) | 0)) + l);
        break;
      }
      default:
        return lauxlib.luaL_error(L, 'wrong number of arguments');
    }
    return 1;
  };
}

/** One-argument function of a number returning a number. */
function unary(fn: (x: number) => number): LuaJsFunction {
  return (L) => {
    lua.lua_pushnumber(L, fn(checkNumber(L, 1)));
    return 1;
  };
}

/** C's fmod: JS `%` is exact like it; an invalid operation gives x86's -nan. */
function fmod(a: number, b: number): number {
  const m = a % b;
  return m === m || a !== a || b !== b ? m : NEGATIVE_NAN;
}

function mathFmod(L: LuaState): number {
  lua.lua_pushnumber(L, fmod(checkNumber(L, 1), checkNumber(L, 2)));
  return 1;
}

/** glibc's pow: an invalid operation (negative base, fractional exponent) gives -nan. */
function mathPow(L: LuaState): number {
  const x = checkNumber(L, 1);
  const y = checkNumber(L, 2);
  const result = Math.pow(x, y);
  lua.lua_pushnumber(L, result === result || x !== x || y !== y ? result : NEGATIVE_NAN);
  return 1;
}

function mathAtan2(L: LuaState): number {
  lua.lua_pushnumber(L, Math.atan2(checkNumber(L, 1), checkNumber(L, 2)));
  return 1;
}

/** C's modf: both parts carry the sign of x; infinities have a zero fraction. */
function mathModf(L: LuaState): number {
  const x = checkNumber(L, 1);
  const whole = Math.trunc(x);
  let fraction = x === whole || !Number.isFinite(x) ? 0 : x - whole;
  if (x !== x) fraction = x;
  else if (fraction === 0 && (x < 0 || Object.is(x, -0))) fraction = -0;
  lua.lua_pushnumber(L, whole);
  lua.lua_pushnumber(L, fraction);
  return 2;
}

/** C's frexp: x = m * 2^e with 0.5 <= |m| < 1; zero, inf and nan come back with e = 0. */
function mathFrexp(L: LuaState): number {
  let x = checkNumber(L, 1);
  let e = 0;
  if (x !== 0 && Number.isFinite(x)) {
    // Subnormals first become normal numbers, so 2^-e below stays finite.
    if (Math.abs(x) < 2 ** -1022) {
      x *= 2 ** 64;
      e = -64;
    }
    const exponent = Math.floor(Math.log2(Math.abs(x))) + 1;
    x *= 2 ** -exponent;
    e += exponent;
    // log2 rounds near powers of two: settle the last step exactly.
    if (Math.abs(x) >= 1) {
      x /= 2;
      e++;
    } else if (Math.abs(x) < 0.5) {
      x *= 2;
      e--;
    }
  }
  lua.lua_pushnumber(L, x);
  lua.lua_pushnumber(L, e);
  return 2;
}

/** C's ldexp, stepping so that 2^e never overflows on its own. */
function mathLdexp(L: LuaState): number {
  let x = checkNumber(L, 1);
  let e = checkint(L, 2);
  if (x === 0 || !Number.isFinite(x)) {
    // ±0, ±inf and NaN come back as they are, whatever the exponent (0 * 2^(2^31 - 1) would be NaN).
    lua.lua_pushnumber(L, x);
    return 1;
  }
  while (e > 1023 && Number.isFinite(x)) {
    x *= 2 ** 1023;
    e -= 1023;
  }
  while (e < -1022 && x !== 0) {
    // Step down no further than the normal range, so only the last step rounds.
    const step = Math.max(e, -1022);
    x *= 2 ** step;
    e -= step;
  }
  lua.lua_pushnumber(L, x * 2 ** e);
  return 1;
}

/** 5.1's min/max: arguments converted to numbers, plain `<`/`>` (NaN handling as C). */
function extremum(greater: boolean): LuaJsFunction {
  return (L) => {
    const n = lua.lua_gettop(L);
    let best = checkNumber(L, 1);
    for (let i = 2; i <= n; i++) {
      const d = checkNumber(L, i);
      if (greater ? d > best : d < best) best = d;
    }
    lua.lua_pushnumber(L, best);
    return 1;
  };
}

const RADIANS_PER_DEGREE = Math.PI / 180;

/** Opens `math` as 5.1's `luaopen_math`: lmathlib.c's `mathlib` in its order, then `pi`, `huge` and `mod` (LUA_COMPAT_MOD). */
export function openMath51(L: LuaState): void {
  const generator = new GlibcRand();
  registerLibrary(L, 'math', [
    ['abs', unary(Math.abs)],
    ['acos', fengariFunction('math', 'acos')],
    ['asin', fengariFunction('math', 'asin')],
    ['atan2', mathAtan2],
    ['atan', unary(Math.atan)],
    ['ceil', unary(Math.ceil)],
    ['cosh', unary(Math.cosh)],
    ['cos', fengariFunction('math', 'cos')],
    ['deg', unary((x) => x / RADIANS_PER_DEGREE)],
    ['exp', fengariFunction('math', 'exp')],
    ['floor', unary(Math.floor)],
    ['fmod', mathFmod],
    ['frexp', mathFrexp],
    ['ldexp', mathLdexp],
    ['log10', unary(Math.log10)],
    ['log', unary((x) => (x < 0 ? NEGATIVE_NAN : Math.log(x)))],
    ['max', extremum(true)],
    ['min', extremum(false)],
    ['modf', mathModf],
    ['pow', mathPow],
    ['rad', unary((x) => x * RADIANS_PER_DEGREE)],
    ['random', makeRandom(generator)],
    [
      'randomseed',
      (L) => {
        generator.seed(checkint(L, 1));
        return 0;
      },
    ],
    ['sinh', unary(Math.sinh)],
    ['sin', fengariFunction('math', 'sin')],
    ['sqrt', fengariFunction('math', 'sqrt')],
    ['tanh', unary(Math.tanh)],
    ['tan', fengariFunction('math', 'tan')],
  ]);
  lua.lua_pushnumber(L, Math.PI);
  lua.lua_setfield(L, -2, 'pi');
  lua.lua_pushnumber(L, Infinity);
  lua.lua_setfield(L, -2, 'huge');
  lua.lua_getfield(L, -1, 'fmod');
  lua.lua_setfield(L, -2, 'mod');
  lua.lua_pop(L, 1);
}
