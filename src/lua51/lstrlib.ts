/**
 * Lua 5.1's string library (lstrlib.c), replacing Fengari's 5.3 one whole:
 * 5.1's argument rules (positions clamped, not rejected; `rep` without a
 * separator; C `int` truncation), 5.1's patterns (no `%g` class, a pattern
 * ends at its first zero byte, `gmatch` has no anchor, `%x` in a gsub
 * replacement is `x`), and `format` as 5.1 drives C's sprintf (lprintf.ts),
 * down to the zero byte that ends a `%c`/`%s` item. Function names follow
 * lstrlib.c.
 */
import { lauxlib, lua } from './fengari.js';
import type { LuaState, LuaString } from './fengari-api.js';
import { hostOf } from './host-context.js';
import { checkint, optint, registerLibrary } from './llibutil.js';
import type { LibraryFunctions } from './llibutil.js';
import { formatFloat, formatInteger } from './lprintf.js';
import type { PrintfSpec } from './lprintf.js';
import { raiseMemoryError } from './lmem.js';

const { LUA_TFUNCTION, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE } = lua;

/** Raises a Lua error with exactly this message (luaL_error would read '%' in it as a format). */
function raise(L: LuaState, message: string | LuaString): never {
  return lauxlib.luaL_error(L, '%s', message);
}

/* ------------------------------------------------------------------ bytes */

/** A growable byte buffer (what luaL_Buffer is to lstrlib.c). */
class Bytes {
  buf: Uint8Array;
  n = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity > 16 ? capacity : 16);
  }
  private grow(extra: number): void {
    let size = this.buf.length * 2;
    if (size < this.n + extra) size = this.n + extra;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.n));
    this.buf = bigger;
  }
  byte(c: number): void {
    if (this.n === this.buf.length) this.grow(1);
    this.buf[this.n++] = c;
  }
  bytes(s: Uint8Array, from: number, to: number): void {
    const len = to - from;
    if (len <= 0) return;
    if (this.n + len > this.buf.length) this.grow(len);
    if (len < 16) {
      const buf = this.buf;
      let n = this.n;
      for (let i = from; i < to; i++) buf[n++] = s[i]!;
      this.n = n;
    } else {
      this.buf.set(s.subarray(from, to), this.n);
      this.n += len;
    }
  }
  /** A JS string whose characters are all below 256 (formatted numbers). */
  latin1(s: string): void {
    const len = s.length;
    if (this.n + len > this.buf.length) this.grow(len);
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < len; i++) buf[n++] = s.charCodeAt(i);
    this.n = n;
  }
  push(L: LuaState): void {
    lua.lua_pushlstring(L, this.buf, this.n);
  }
}

/* -------------------------------------------------------------- positions */

/** Relative string position: negative means back from the end; never below 0. */
function posrelat(pos: number, len: number): number {
  if (pos < 0) pos += len + 1;
  return pos >= 0 ? pos : 0;
}

/* ------------------------------------------------------ simple functions */

function str_len(L: LuaState): number {
  lua.lua_pushnumber(L, lauxlib.luaL_checklstring(L, 1).length);
  return 1;
}

function str_sub(L: LuaState): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const l = s.length;
  let start = posrelat(lauxlib.luaL_checkinteger(L, 2), l);
  let end = posrelat(lauxlib.luaL_optinteger(L, 3, -1), l);
  if (start < 1) start = 1;
  if (end > l) end = l;
  if (start <= end) lua.lua_pushlstring(L, s.subarray(start - 1, end), end - start + 1);
  else lua.lua_pushliteral(L, '');
  return 1;
}

function str_reverse(L: LuaState): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const l = s.length;
  const r = new Uint8Array(l);
  for (let i = 0; i < l; i++) r[i] = s[l - 1 - i]!;
  lua.lua_pushlstring(L, r, l);
  return 1;
}

/** C-locale tolower / toupper tables. */
const LOWER = new Uint8Array(256);
const UPPER = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c;
  UPPER[c] = c >= 97 && c <= 122 ? c - 32 : c;
}

function mapBytes(L: LuaState, table: Uint8Array): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const l = s.length;
  const r = new Uint8Array(l);
  for (let i = 0; i < l; i++) r[i] = table[s[i]!]!;
  lua.lua_pushlstring(L, r, l);
  return 1;
}

function str_lower(L: LuaState): number {
  return mapBytes(L, LOWER);
}

function str_upper(L: LuaState): number {
  return mapBytes(L, UPPER);
}

/** Largest string `rep` builds: beyond it, the allocation failure 5.1 would meet. */
const MAX_STRING_BYTES = 2 ** 31;

function str_rep(L: LuaState): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const n = checkint(L, 2);
  const l = s.length;
  if (n <= 0 || l === 0) {
    lua.lua_pushliteral(L, '');
    return 1;
  }
  const total = l * n;
  if (total > MAX_STRING_BYTES) return raiseMemoryError(L);
  const r = new Uint8Array(total);
  r.set(s);
  let filled = l;
  while (filled < total) {
    const chunk = Math.min(filled, total - filled);
    r.copyWithin(filled, 0, chunk);
    filled += chunk;
  }
  lua.lua_pushlstring(L, r, total);
  return 1;
}

/** 5.1's LUAI_MAXCSTACK: a C function may not hold more stack slots than this. */
const LUAI_MAXCSTACK = 8000;

/** `luaL_checkstack` with 5.1's limit on the slots a C function may hold. */
function checkstack(L: LuaState, n: number, what: string): void {
  if (lua.lua_gettop(L) + n > LUAI_MAXCSTACK || !lua.lua_checkstack(L, n)) raise(L, `stack overflow (${what})`);
}

function str_byte(L: LuaState): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const l = s.length;
  let posi = posrelat(lauxlib.luaL_optinteger(L, 2, 1), l);
  let pose = posrelat(lauxlib.luaL_optinteger(L, 3, posi), l);
  if (posi <= 0) posi = 1;
  if (pose > l) pose = l;
  if (posi > pose) return 0;
  const n = pose - posi + 1;
  checkstack(L, n, 'string slice too long');
  for (let i = 0; i < n; i++) lua.lua_pushnumber(L, s[posi + i - 1]!);
  return n;
}

function str_char(L: LuaState): number {
  const n = lua.lua_gettop(L);
  const r = new Uint8Array(n);
  for (let i = 1; i <= n; i++) {
    const c = checkint(L, i);
    if (c < 0 || c > 255) lauxlib.luaL_argerror(L, i, 'invalid value');
    r[i - 1] = c;
  }
  lua.lua_pushlstring(L, r, n);
  return 1;
}

function str_dump(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TFUNCTION);
  lua.lua_settop(L, 1);
  const chunks: Uint8Array[] = [];
  const writer = (_L: LuaState, b: Uint8Array, size: number): number => {
    chunks.push(b.slice(0, size));
    return 0;
  };
  if (lua.lua_dump(L, writer, null, false) !== 0) return raise(L, 'unable to dump given function');
  const out = new Bytes(chunks.reduce((sum, c) => sum + c.length, 0));
  for (const c of chunks) out.bytes(c, 0, c.length);
  out.push(L);
  return 1;
}

/* ------------------------------------------------------ pattern matching */

const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;
const LUA_MAXCAPTURES = 32;
const L_ESC = 37; /* '%' */

/** C-locale <ctype.h> classes as bits. */
const ALPHA = 1;
const CNTRL = 2;
const DIGIT = 4;
const LOWERC = 8;
const PUNCT = 16;
const SPACE = 32;
const UPPERC = 64;
const XDIGIT = 128;
const CTYPE = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  let bits = 0;
  if (c >= 97 && c <= 122) bits |= ALPHA | LOWERC;
  if (c >= 65 && c <= 90) bits |= ALPHA | UPPERC;
  if (c >= 48 && c <= 57) bits |= DIGIT | XDIGIT;
  if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) bits |= XDIGIT;
  if (c < 32 || c === 127) bits |= CNTRL;
  if (c === 32 || (c >= 9 && c <= 13)) bits |= SPACE;
  if (c > 32 && c < 127 && !(bits & (ALPHA | DIGIT))) bits |= PUNCT;
  CTYPE[c] = bits;
}

/** The class bits a `%x` letter tests (by its lower case), 0 for a non-class. 'z' is handled apart. */
const CLASS_BITS = new Uint8Array(256);
CLASS_BITS[97 /* a */] = ALPHA;
CLASS_BITS[99 /* c */] = CNTRL;
CLASS_BITS[100 /* d */] = DIGIT;
CLASS_BITS[108 /* l */] = LOWERC;
CLASS_BITS[112 /* p */] = PUNCT;
CLASS_BITS[115 /* s */] = SPACE;
CLASS_BITS[117 /* u */] = UPPERC;
CLASS_BITS[119 /* w */] = ALPHA | DIGIT;
CLASS_BITS[120 /* x */] = XDIGIT;

/** The characters that make `find` use patterns (lstrlib.c's SPECIALS). */
const SPECIAL = new Uint8Array(256);
for (const c of '^$*+?.([%-') SPECIAL[c.charCodeAt(0)] = 1;

export interface MatchState {
  L: LuaState;
  src: Uint8Array;
  /** Length of the subject: `src_end`; the byte there reads as 0, as C's terminator. */
  end: number;
  /** The pattern up to its first zero byte, followed by a 0. */
  p: Uint8Array;
  level: number;
  capInit: Int32Array;
  capLen: Int32Array;
}

/** The state's spare match state if it has one: a call that needs one while it is taken (a nested gsub) makes its own. */
function newMatchState(L: LuaState, src: Uint8Array, p: Uint8Array): MatchState {
  const host = hostOf(L);
  const ms = host.spareMatchState;
  if (ms !== null) {
    host.spareMatchState = null;
    ms.L = L;
    ms.src = src;
    ms.end = src.length;
    ms.p = p;
    ms.level = 0;
    return ms;
  }
  return {
    L,
    src,
    end: src.length,
    p,
    level: 0,
    capInit: new Int32Array(LUA_MAXCAPTURES),
    capLen: new Int32Array(LUA_MAXCAPTURES),
  };
}

/** Gives a match state back once its results are pushed (one lost to an error is simply not re-used). */
function releaseMatchState(ms: MatchState): void {
  hostOf(ms.L).spareMatchState = ms;
}

/** The pattern as 5.1's matcher sees it: a C string, so it ends at its first zero byte. */
function cPattern(p: Uint8Array): Uint8Array {
  const nul = p.indexOf(0);
  const len = nul < 0 ? p.length : nul;
  const c = new Uint8Array(len + 1);
  if (len < 16) for (let i = 0; i < len; i++) c[i] = p[i]!;
  else c.set(p.subarray(0, len));
  return c;
}

function match_class(c: number, cl: number): boolean {
  const lower = LOWER[cl]!;
  let res: boolean;
  if (lower === 122 /* z */) res = c === 0;
  else {
    const bits = CLASS_BITS[lower]!;
    if (bits === 0) return cl === c;
    res = (CTYPE[c]! & bits) !== 0;
  }
  return CTYPE[cl]! & UPPERC ? !res : res;
}

/** `p` is at '[', `ec` at the closing ']'. */
function matchbracketclass(c: number, pat: Uint8Array, p: number, ec: number): boolean {
  let sig = true;
  if (pat[p + 1] === 94 /* ^ */) {
    sig = false;
    p++;
  }
  while (++p < ec) {
    const pc = pat[p]!;
    if (pc === L_ESC) {
      p++;
      if (match_class(c, pat[p]!)) return sig;
    } else if (pat[p + 1] === 45 /* - */ && p + 2 < ec) {
      p += 2;
      if (pc <= c && c <= pat[p]!) return sig;
    } else if (pc === c) return sig;
  }
  return !sig;
}

function singlematch(c: number, pat: Uint8Array, p: number, ep: number): boolean {
  const pc = pat[p]!;
  if (pc === 46 /* . */) return true;
  if (pc === L_ESC) return match_class(c, pat[p + 1]!);
  if (pc === 91 /* [ */) return matchbracketclass(c, pat, p, ep - 1);
  return pc === c;
}

/** Where the single-character class starting at `p` ends. */
function classEnd(ms: MatchState, p: number): number {
  const pat = ms.p;
  const c = pat[p++];
  if (c === L_ESC) {
    if (pat[p] === 0) raise(ms.L, "malformed pattern (ends with '%')");
    return p + 1;
  }
  if (c === 91 /* [ */) {
    if (pat[p] === 94 /* ^ */) p++;
    do {
      if (pat[p] === 0) raise(ms.L, "malformed pattern (missing ']')");
      if (pat[p++] === L_ESC && pat[p] !== 0) p++;
    } while (pat[p] !== 93 /* ] */);
    return p + 1;
  }
  return p;
}

function matchbalance(ms: MatchState, s: number, p: number): number {
  const pat = ms.p;
  if (pat[p] === 0 || pat[p + 1] === 0) raise(ms.L, 'unbalanced pattern');
  const src = ms.src;
  const end = ms.end;
  if (s >= end || src[s] !== pat[p]) return -1;
  const b = pat[p]!;
  const e = pat[p + 1]!;
  let cont = 1;
  while (++s < end) {
    const c = src[s];
    if (c === e) {
      if (--cont === 0) return s + 1;
    } else if (c === b) cont++;
  }
  return -1;
}

function max_expand(ms: MatchState, s: number, p: number, ep: number): number {
  const src = ms.src;
  const pat = ms.p;
  const end = ms.end;
  let i = 0;
  while (s + i < end && singlematch(src[s + i]!, pat, p, ep)) i++;
  while (i >= 0) {
    const res = match(ms, s + i, ep + 1);
    if (res >= 0) return res;
    i--;
  }
  return -1;
}

function min_expand(ms: MatchState, s: number, p: number, ep: number): number {
  for (;;) {
    const res = match(ms, s, ep + 1);
    if (res >= 0) return res;
    if (s < ms.end && singlematch(ms.src[s]!, ms.p, p, ep)) s++;
    else return -1;
  }
}

function start_capture(ms: MatchState, s: number, p: number, what: number): number {
  const level = ms.level;
  if (level >= LUA_MAXCAPTURES) raise(ms.L, 'too many captures');
  ms.capInit[level] = s;
  ms.capLen[level] = what;
  ms.level = level + 1;
  const res = match(ms, s, p);
  if (res < 0) ms.level--;
  return res;
}

function capture_to_close(ms: MatchState): number {
  let level = ms.level;
  for (level--; level >= 0; level--) if (ms.capLen[level] === CAP_UNFINISHED) return level;
  return raise(ms.L, 'invalid pattern capture');
}

function end_capture(ms: MatchState, s: number, p: number): number {
  const l = capture_to_close(ms);
  ms.capLen[l] = s - ms.capInit[l]!;
  const res = match(ms, s, p);
  if (res < 0) ms.capLen[l] = CAP_UNFINISHED;
  return res;
}

function check_capture(ms: MatchState, c: number): number {
  const l = c - 49; /* '1' */
  if (l < 0 || l >= ms.level || ms.capLen[l] === CAP_UNFINISHED) return raise(ms.L, 'invalid capture index');
  return l;
}

function match_capture(ms: MatchState, s: number, c: number): number {
  const l = check_capture(ms, c);
  const len = ms.capLen[l]!;
  // A position capture's length is negative: as a C size_t it never fits.
  if (len < 0 || ms.end - s < len) return -1;
  const src = ms.src;
  const init = ms.capInit[l]!;
  for (let i = 0; i < len; i++) if (src[init + i] !== src[s + i]) return -1;
  return s + len;
}

/** lstrlib.c's `match`: the end of the match of pattern `p` at subject position `s`, or -1. */
function match(ms: MatchState, s: number, p: number): number {
  const pat = ms.p;
  const src = ms.src;
  const end = ms.end;
  for (;;) {
    const pc = pat[p]!;
    switch (pc) {
      case 40 /* ( */:
        if (pat[p + 1] === 41 /* ) */) return start_capture(ms, s, p + 2, CAP_POSITION);
        return start_capture(ms, s, p + 1, CAP_UNFINISHED);
      case 41 /* ) */:
        return end_capture(ms, s, p + 1);
      case 0:
        return s;
      case 36 /* $ */:
        if (pat[p + 1] === 0) return s === end ? s : -1;
        break;
      case L_ESC: {
        const next = pat[p + 1]!;
        if (next === 98 /* b */) {
          s = matchbalance(ms, s, p + 2);
          if (s < 0) return -1;
          p += 4;
          continue;
        }
        if (next === 102 /* f */) {
          p += 2;
          if (pat[p] !== 91 /* [ */) raise(ms.L, "missing '[' after '%f' in pattern");
          const ep = classEnd(ms, p);
          const previous = s === 0 ? 0 : src[s - 1]!;
          const current = s < end ? src[s]! : 0;
          if (matchbracketclass(previous, pat, p, ep - 1) || !matchbracketclass(current, pat, p, ep - 1)) return -1;
          p = ep;
          continue;
        }
        if (next >= 48 && next <= 57) {
          s = match_capture(ms, s, next);
          if (s < 0) return -1;
          p += 2;
          continue;
        }
        break;
      }
    }
    const ep = classEnd(ms, p);
    const m = s < end && singlematch(src[s]!, pat, p, ep);
    switch (pat[ep]) {
      case 63 /* ? */: {
        if (m) {
          const res = match(ms, s + 1, ep + 1);
          if (res >= 0) return res;
        }
        p = ep + 1;
        continue;
      }
      case 42 /* * */:
        return max_expand(ms, s, p, ep);
      case 43 /* + */:
        return m ? max_expand(ms, s + 1, p, ep) : -1;
      case 45 /* - */:
        return min_expand(ms, s, p, ep);
      default:
        if (!m) return -1;
        s++;
        p = ep;
    }
  }
}

/**
 * When the pattern item at `p` is one literal byte matched exactly once, a
 * match can only start where that byte is: the byte, else -1. Scanning to it
 * skips attempts that would fail at their first item, and so raise nothing.
 */
function leadingLiteral(pat: Uint8Array, p: number): number {
  const c = pat[p]!;
  switch (c) {
    case 0:
    case 40 /* ( */:
    case 41 /* ) */:
    case 46 /* . */:
    case 91 /* [ */:
    case L_ESC:
    case 36 /* $ */:
      return -1;
  }
  const q = pat[p + 1];
  if (q === 63 /* ? */ || q === 42 /* * */ || q === 45 /* - */ || q === 43 /* + */) return -1;
  return c;
}

function push_onecapture(ms: MatchState, i: number, s: number, e: number): void {
  const L = ms.L;
  if (i >= ms.level) {
    if (i === 0) lua.lua_pushlstring(L, ms.src.subarray(s, e), e - s);
    else raise(L, 'invalid capture index');
    return;
  }
  const l = ms.capLen[i]!;
  if (l === CAP_UNFINISHED) raise(L, 'unfinished capture');
  const init = ms.capInit[i]!;
  if (l === CAP_POSITION) lua.lua_pushnumber(L, init + 1);
  else lua.lua_pushlstring(L, ms.src.subarray(init, init + l), l);
}

/** Pushes the captures (or the whole match when there are none and `s` >= 0). */
function push_captures(ms: MatchState, s: number, e: number): number {
  const nlevels = ms.level === 0 && s >= 0 ? 1 : ms.level;
  checkstack(ms.L, nlevels, 'too many captures');
  for (let i = 0; i < nlevels; i++) push_onecapture(ms, i, s, e);
  return nlevels;
}

/** lmemfind: where `needle` first occurs in `s` from `init`, or -1. */
function lmemfind(s: Uint8Array, init: number, needle: Uint8Array): number {
  const l2 = needle.length;
  if (l2 === 0) return init;
  const last = s.length - l2;
  const first = needle[0]!;
  let at = init;
  while (at <= last) {
    at = s.indexOf(first, at);
    if (at < 0 || at > last) return -1;
    let i = 1;
    while (i < l2 && s[at + i] === needle[i]) i++;
    if (i === l2) return at;
    at++;
  }
  return -1;
}

/** Whether the pattern (as a C string) has a character that makes `find` match patterns. */
function hasSpecials(p: Uint8Array): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === 0) return false;
    if (SPECIAL[c]) return true;
  }
  return false;
}

function str_find_aux(L: LuaState, find: boolean): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const praw = lauxlib.luaL_checklstring(L, 2);
  const l1 = s.length;
  let init = posrelat(lauxlib.luaL_optinteger(L, 3, 1), l1) - 1;
  if (init < 0) init = 0;
  else if (init > l1) init = l1;
  if (find && (lua.lua_toboolean(L, 4) || !hasSpecials(praw))) {
    const at = lmemfind(s, init, praw);
    if (at >= 0) {
      lua.lua_pushnumber(L, at + 1);
      lua.lua_pushnumber(L, at + praw.length);
      return 2;
    }
  } else {
    const pat = cPattern(praw);
    const ms = newMatchState(L, s, pat);
    const anchor = pat[0] === 94; /* ^ */
    const p = anchor ? 1 : 0;
    const literal = anchor ? -1 : leadingLiteral(pat, p);
    let s1 = init;
    do {
      if (literal >= 0) {
        s1 = s.indexOf(literal, s1);
        if (s1 < 0) break;
      }
      ms.level = 0;
      const res = match(ms, s1, p);
      if (res >= 0) {
        let pushed: number;
        if (find) {
          lua.lua_pushnumber(L, s1 + 1);
          lua.lua_pushnumber(L, res);
          pushed = push_captures(ms, -1, 0) + 2;
        } else {
          pushed = push_captures(ms, s1, res);
        }
        releaseMatchState(ms);
        return pushed;
      }
    } while (s1++ < l1 && !anchor);
    releaseMatchState(ms);
  }
  lua.lua_pushnil(L);
  return 1;
}

function str_find(L: LuaState): number {
  return str_find_aux(L, true);
}

function str_match(L: LuaState): number {
  return str_find_aux(L, false);
}

/** 5.1's gmatch: no anchor ('^' is an ordinary character), the position kept between calls. */
function gmatch(L: LuaState): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const pat = cPattern(lauxlib.luaL_checklstring(L, 2));
  let position = 0;
  const literal = leadingLiteral(pat, 0);
  let ms: MatchState | null = null;
  const gmatch_aux = (L1: LuaState): number => {
    if (ms === null) ms = newMatchState(L1, s, pat);
    else ms.L = L1;
    const end = s.length;
    for (let src = position; src <= end; src++) {
      if (literal >= 0) {
        src = s.indexOf(literal, src);
        if (src < 0) break;
      }
      ms.level = 0;
      const e = match(ms, src, 0);
      if (e >= 0) {
        position = e === src ? e + 1 : e;
        return push_captures(ms, src, e);
      }
    }
    return 0;
  };
  lua.lua_pushcfunction(L, gmatch_aux);
  return 1;
}

/** Appends a string replacement: `%0`-`%9` are captures, `%` before anything else stands for it. */
function add_s(ms: MatchState, b: Bytes, news: Uint8Array, s: number, e: number): void {
  const l = news.length;
  const src = ms.src;
  for (let i = 0; i < l; i++) {
    const c = news[i]!;
    if (c !== L_ESC) {
      b.byte(c);
      continue;
    }
    i++;
    const d = i < l ? news[i]! : 0; /* a final '%' reads the terminating zero */
    if (d < 48 || d > 57) b.byte(d);
    else if (d === 48) b.bytes(src, s, e);
    else {
      const index = d - 49;
      if (index >= ms.level) {
        if (index === 0) b.bytes(src, s, e);
        else raise(ms.L, 'invalid capture index');
      } else {
        const len = ms.capLen[index]!;
        if (len === CAP_UNFINISHED) raise(ms.L, 'unfinished capture');
        const init = ms.capInit[index]!;
        if (len === CAP_POSITION) b.latin1(String(init + 1));
        else b.bytes(src, init, init + len);
      }
    }
  }
}

function add_value(ms: MatchState, b: Bytes, news: Uint8Array | null, tr: number, s: number, e: number): void {
  const L = ms.L;
  if (news !== null) {
    add_s(ms, b, news, s, e);
    return;
  }
  if (tr === LUA_TFUNCTION) {
    lua.lua_pushvalue(L, 3);
    const n = push_captures(ms, s, e);
    lua.lua_call(L, n, 1);
  } else {
    push_onecapture(ms, 0, s, e);
    lua.lua_gettable(L, 3);
  }
  if (!lua.lua_toboolean(L, -1)) {
    lua.lua_pop(L, 1);
    b.bytes(ms.src, s, e);
    return;
  }
  if (!lua.lua_isstring(L, -1)) {
    raise(L, `invalid replacement value (a ${String.fromCharCode(...lauxlib.luaL_typename(L, -1))})`);
  }
  const value = lua.lua_tolstring(L, -1)!;
  b.bytes(value, 0, value.length);
  lua.lua_pop(L, 1);
}

function str_gsub(L: LuaState): number {
  const src = lauxlib.luaL_checklstring(L, 1);
  const pat = cPattern(lauxlib.luaL_checklstring(L, 2));
  const tr = lua.lua_type(L, 3);
  const srcl = src.length;
  const max_s = optint(L, 4, srcl + 1);
  if (!(tr === LUA_TNUMBER || tr === LUA_TSTRING || tr === LUA_TFUNCTION || tr === LUA_TTABLE)) {
    lauxlib.luaL_argerror(L, 3, 'string/function/table expected');
  }
  const news = tr === LUA_TNUMBER || tr === LUA_TSTRING ? lua.lua_tolstring(L, 3)! : null;
  const anchor = pat[0] === 94; /* ^ */
  const p = anchor ? 1 : 0;
  const literal = anchor ? -1 : leadingLiteral(pat, p);
  const b = new Bytes(srcl);
  const ms = newMatchState(L, src, pat);
  let s = 0;
  let n = 0;
  while (n < max_s) {
    if (literal >= 0) {
      let next = src.indexOf(literal, s);
      if (next < 0) next = srcl;
      b.bytes(src, s, next);
      s = next;
    }
    ms.level = 0;
    const e = match(ms, s, p);
    if (e >= 0) {
      n++;
      add_value(ms, b, news, tr, s, e);
    }
    if (e >= 0 && e > s) s = e;
    else if (s < srcl) b.byte(src[s++]!);
    else break;
    if (anchor) break;
  }
  releaseMatchState(ms);
  b.bytes(src, s, srcl);
  b.push(L);
  lua.lua_pushnumber(L, n);
  return 2;
}

/* ---------------------------------------------------------------- format */

/** The flag characters 5.1 accepts, "-+ #0"; at most 5 of them in a row. */
const FLAGS_LENGTH = 6;

function isdigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `%q`: the string in double quotes, readable back by the 5.1 lexer. */
function addquoted(L: LuaState, b: Bytes, arg: number): void {
  const s = lauxlib.luaL_checklstring(L, arg);
  b.byte(34);
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    switch (c) {
      case 34 /* " */:
      case 92 /* \ */:
      case 10 /* \n */:
        b.byte(92);
        b.byte(c);
        break;
      case 13 /* \r */:
        b.byte(92);
        b.byte(114);
        break;
      case 0:
        b.latin1('\\000');
        break;
      default:
        b.byte(c);
    }
  }
  b.byte(34);
}

/** Appends a sprintf result as 5.1 does, with strlen: up to its first zero byte. */
function addCString(b: Bytes, item: string): void {
  const nul = item.indexOf('\0');
  b.latin1(nul < 0 ? item : item.slice(0, nul));
}

/** Pads a `%s`/`%c` item to the width with spaces (glibc ignores '0' for them). */
function padText(spec: PrintfSpec, text: string): string {
  if (text.length >= spec.width) return text;
  const fill = ' '.repeat(spec.width - text.length);
  return spec.minus ? text + fill : fill + text;
}

/** `(int)d` on x86-64: truncation; NaN and out-of-range give INT_MIN. */
function castToInt(d: number): number {
  return d > -2147483649 && d < 2147483648 ? Math.trunc(d) : -2147483648;
}

function latin1String(s: Uint8Array, from: number, to: number): string {
  let r = '';
  for (let i = from; i < to; i += 8192) {
    r += String.fromCharCode.apply(null, s.subarray(i, Math.min(to, i + 8192)) as unknown as number[]);
  }
  return r;
}

function str_format(L: LuaState): number {
  const top = lua.lua_gettop(L);
  let arg = 1;
  const f = lauxlib.luaL_checklstring(L, 1);
  const fl = f.length;
  const b = new Bytes(fl * 2 + 64);
  const spec: PrintfSpec = { minus: false, plus: false, space: false, hash: false, zero: false, width: 0, precision: -1 };
  let i = 0;
  while (i < fl) {
    const c = f[i]!;
    if (c !== L_ESC) {
      b.byte(c);
      i++;
      continue;
    }
    i++;
    if (i < fl && f[i] === L_ESC) {
      b.byte(L_ESC);
      i++;
      continue;
    }
    if (++arg > top) lauxlib.luaL_argerror(L, arg, 'no value');
    /* scanformat: the format string reads as a C string, so past its end is a 0 */
    spec.minus = spec.plus = spec.space = spec.hash = spec.zero = false;
    const flagsStart = i;
    for (; i < fl; i++) {
      const fc = f[i];
      if (fc === 45) spec.minus = true;
      else if (fc === 43) spec.plus = true;
      else if (fc === 32) spec.space = true;
      else if (fc === 35) spec.hash = true;
      else if (fc === 48) spec.zero = true;
      else break;
    }
    if (i - flagsStart >= FLAGS_LENGTH) raise(L, 'invalid format (repeated flags)');
    let width = 0;
    if (i < fl && isdigit(f[i]!)) {
      width = f[i++]! - 48;
      if (i < fl && isdigit(f[i]!)) width = width * 10 + f[i++]! - 48;
    }
    let precision = -1;
    if (i < fl && f[i] === 46 /* . */) {
      i++;
      precision = 0;
      if (i < fl && isdigit(f[i]!)) {
        precision = f[i++]! - 48;
        if (i < fl && isdigit(f[i]!)) precision = precision * 10 + f[i++]! - 48;
      }
    }
    if (i < fl && isdigit(f[i]!)) raise(L, 'invalid format (width or precision too long)');
    spec.width = width;
    spec.precision = precision;
    const conv = i < fl ? f[i]! : 0;
    i++;
    switch (conv) {
      case 99 /* c */: {
        const byte = castToInt(lauxlib.luaL_checknumber(L, arg)) & 255;
        addCString(b, padText(spec, String.fromCharCode(byte)));
        break;
      }
      case 100 /* d */:
      case 105 /* i */:
      case 111 /* o */:
      case 117 /* u */:
      case 120 /* x */:
      case 88 /* X */:
        b.latin1(formatInteger(spec, conv, lauxlib.luaL_checknumber(L, arg)));
        break;
      case 101 /* e */:
      case 69 /* E */:
      case 102 /* f */:
      case 103 /* g */:
      case 71 /* G */:
        b.latin1(formatFloat(spec, conv, lauxlib.luaL_checknumber(L, arg)));
        break;
      case 113 /* q */:
        addquoted(L, b, arg);
        break;
      case 115 /* s */: {
        const s = lauxlib.luaL_checklstring(L, arg);
        const l = s.length;
        if (precision < 0 && l >= 100) {
          /* too long to sprintf: 5.1 adds the whole value, zero bytes included */
          b.bytes(s, 0, l);
          break;
        }
        const nul = s.indexOf(0);
        let len = nul < 0 ? l : nul;
        if (precision >= 0 && precision < len) len = precision;
        if (len >= width) b.bytes(s, 0, len);
        else if (spec.minus) {
          b.bytes(s, 0, len);
          b.latin1(' '.repeat(width - len));
        } else {
          b.latin1(' '.repeat(width - len));
          b.bytes(s, 0, len);
        }
        break;
      }
      default: {
        const option = conv === 0 ? '' : latin1String(f, i - 1, i);
        const message = `invalid option '%${option}' to 'format'`;
        raise(L, Uint8Array.from(message, (ch) => ch.charCodeAt(0)));
      }
    }
  }
  b.push(L);
  return 1;
}

/* ---------------------------------------------------------------- opening */

/** lstrlib.c's `strlib`, in its order (the order decides the table's layout, hence `pairs`). */
const STRLIB: LibraryFunctions = [
  ['byte', str_byte],
  ['char', str_char],
  ['dump', str_dump],
  ['find', str_find],
  ['format', str_format],
  ['gfind', gmatch],
  ['gmatch', gmatch],
  ['gsub', str_gsub],
  ['len', str_len],
  ['lower', str_lower],
  ['match', str_match],
  ['rep', str_rep],
  ['reverse', str_reverse],
  ['sub', str_sub],
  ['upper', str_upper],
];

/** Opens `string` as 5.1's `luaopen_string`; the string metatable's __index is this table. */
export function openString51(L: LuaState): void {
  registerLibrary(L, 'string', STRLIB);
  /* LUA_COMPAT_GFIND: gfind is gmatch itself */
  lua.lua_getfield(L, -1, 'gmatch');
  lua.lua_setfield(L, -2, 'gfind');
  /* createmetatable: strings index the library */
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushliteral(L, '');
  lua.lua_pushvalue(L, -2);
  lua.lua_setmetatable(L, -2);
  lua.lua_pop(L, 1);
  lua.lua_pushvalue(L, -2);
  lua.lua_setfield(L, -2, '__index');
  lua.lua_pop(L, 2);
}
