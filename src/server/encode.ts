/**
 * Encoder for Lua → PHP message bodies: PHP serialize() text, made exactly as
 * the reference MWServer:serialize() makes it, including its quirks, then with
 * `\`, CR and LF escaped as `\\`, `\r`, `\n` (PHP undoes that before
 * unserialize()).
 */
import { lauxlib, lua, to_jsstring, to_luastring } from '../lua51/fengari.js';
import type { LuaState } from '../lua51/fengari-api.js';
import { formatG, lua51NumberToString } from '../lua51/lnumber.js';
import type { ChunkTable } from './chunks.js';

/** A value PHP cannot receive; the message is the reference's text (always ASCII). */
export class SerializationError extends Error {
  override name = 'SerializationError';
}

/**
 * A Lua error raised by a table's __pairs while serializing. The error value
 * is held in the registry under `ref` for the caller to raise or send.
 */
export class IterationError extends Error {
  override name = 'IterationError';
  constructor(readonly ref: number) {
    super('error while iterating a table for PHP');
  }
}

export interface EncodeOptions {
  /** PHP_INT_SIZE of the PHP side. */
  intSize: 4 | 8;
  interpreterId: number;
  /** The PHP class functions are sent as; it depends on the Scribunto version. */
  functionClassName: string;
}

/** Serializes the value at `idx`. The stack is left as it was, also when this throws. */
export function encodeValue(L: LuaState, idx: number, chunks: ChunkTable, options: EncodeOptions): Uint8Array {
  const top = lua.lua_gettop(L);
  try {
    lua.lua_pushvalue(L, idx);
    return new Serializer(L, chunks, options).run();
  } finally {
    lua.lua_settop(L, top);
  }
}

/** The reference's limits, as doubles (9223372036854775807 rounds to 2^63). */
function integerLimits(intSize: 4 | 8): { intMax: number; intKeyMax: number } {
  return intSize === 4 ? { intMax: 2 ** 31, intKeyMax: 2 ** 31 } : { intMax: 2 ** 53, intKeyMax: 2 ** 63 };
}

/** The reference's isInteger(var, max). */
function isIntegerBelow(n: number, max: number): boolean {
  return Math.floor(n) === n && n >= -max && n < max;
}

/** string.format('%d', n) for an integral n with |n| <= 2^63: the C cast to long is exact there. */
function formatInteger(n: number): string {
  return Math.abs(n) < 2 ** 53 ? String(n) : BigInt(n).toString();
}

/** The reference's test that a string key looks like a canonical integer: `k == '0' or k:match('^-?[1-9]%d*$')`. */
function looksLikeInteger(k: Uint8Array): boolean {
  if (k.length === 1 && k[0] === 0x30) return true;
  const digitsStart = k[0] === 0x2d ? 1 : 0;
  if (k.length <= digitsStart || k[digitsStart]! < 0x31 || k[digitsStart]! > 0x39) return false;
  for (let i = digitsStart + 1; i < k.length; i++) {
    if (k[i]! < 0x30 || k[i]! > 0x39) return false;
  }
  return true;
}

const MIN_LONG_TEXT = '-9223372036854775808';

/**
 * Whether the reference sends this string key as `i:<key>;`: its tonumber()
 * must land in key range, except that a value rounding to -2^63 counts only
 * when it was written exactly as -2^63.
 */
function isIntegerKeyText(k: Uint8Array, keyText: string, intKeyMax: number): boolean {
  if (!looksLikeInteger(k)) return false;
  const n = Number(keyText);
  if (n === -(2 ** 63) && keyText !== MIN_LONG_TEXT) return false;
  return isIntegerBelow(n, intKeyMax);
}

/** One byte per char, so any Lua string has exactly one JS string and back. */
function bytesToBinaryText(bytes: Uint8Array): string {
  let text = '';
  const chunkSize = 8192;
  for (let i = 0; i < bytes.length; i += chunkSize) {
    text += String.fromCharCode(...bytes.subarray(i, i + chunkSize));
  }
  return text;
}

class ByteWriter {
  private bytes = new Uint8Array(256);
  private length = 0;

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Text made only of ASCII characters other than `\`, CR and LF. */
  ascii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i);
  }

  /** Raw bytes, with the escaping the reference applies to its whole output. */
  escaped(raw: Uint8Array): void {
    this.reserve(raw.length * 2);
    const bytes = this.bytes;
    let length = this.length;
    for (const byte of raw) {
      if (byte === 0x5c) {
        bytes[length++] = 0x5c;
        bytes[length++] = 0x5c;
      } else if (byte === 0x0d) {
        bytes[length++] = 0x5c;
        bytes[length++] = 0x72;
      } else if (byte === 0x0a) {
        bytes[length++] = 0x5c;
        bytes[length++] = 0x6e;
      } else {
        bytes[length++] = byte;
      }
    }
    this.length = length;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * Walks the value without JS recursion: each table being written keeps itself
 * and its current key on the Lua stack, so the nesting depth is bounded only
 * by the Lua stack (about 300,000 levels); beyond that it is a
 * SerializationError "stack overflow", as the reference's recursion would give.
 */
/**
 * How an open table is walked: raw tables with lua_next (stack: table, key);
 * tables with a metatable through the global `pairs`, as the reference walks
 * every table, so __pairs (mw.loadData's read-only proxies, frame.args)
 * applies. Those are first collected into a list of key/value pairs
 * (stack: list, position, last key).
 */
type TableWalk = 'next' | 'pairs';

class Serializer {
  private readonly out = new ByteWriter();
  private readonly walks: TableWalk[] = [];
  /** Per open 'pairs' walk, how many pairs were collected (values may be nil, so the list has holes). */
  private readonly collectedPairs: number[] = [];
  private readonly intMax: number;
  private readonly intKeyMax: number;
  /** Every table written so far: the reference never clears its `done` set, so a table met twice is an error. */
  private readonly done = new Set<unknown>();
  /** Per open table, the key texts already sent, to detect collisions like [1] and ["1"]. */
  private readonly seenKeys: Set<string>[] = [];
  private readonly functionClassName: Uint8Array;

  constructor(
    private readonly L: LuaState,
    private readonly chunks: ChunkTable,
    private readonly options: EncodeOptions,
  ) {
    const limits = integerLimits(options.intSize);
    this.intMax = limits.intMax;
    this.intKeyMax = limits.intKeyMax;
    this.functionClassName = to_luastring(options.functionClassName);
  }

  /** Writes the value on top of the stack and everything inside it. */
  run(): Uint8Array {
    const L = this.L;
    for (;;) {
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
        this.openTable();
      } else {
        this.writeScalar();
        lua.lua_pop(L, 1);
      }
      if (!this.advanceToNextValue()) return this.out.result();
    }
  }

  /**
   * Pushes the next value to write, after writing its key; closes tables that
   * have no entries left. Returns false once the outermost value is complete.
   */
  private advanceToNextValue(): boolean {
    const L = this.L;
    while (this.seenKeys.length > 0) {
      if (this.walks[this.walks.length - 1] === 'next' ? lua.lua_next(L, -2) : this.nextCollectedPair()) {
        this.writeKey();
        return true;
      }
      this.out.ascii('}');
      lua.lua_pop(L, 1);
      this.seenKeys.pop();
      if (this.walks.pop() === 'pairs') this.collectedPairs.pop();
    }
    return false;
  }

  /** lua_next for a collected list (list, position, last key on the stack): pushes the next key and value. */
  private nextCollectedPair(): boolean {
    const L = this.L;
    lua.lua_pop(L, 1);
    const position = lua.lua_tonumber(L, -1) + 1;
    lua.lua_pop(L, 1);
    if (position > this.collectedPairs[this.collectedPairs.length - 1]!) return false;
    lua.lua_pushnumber(L, position);
    lua.lua_rawgeti(L, -2, 2 * position - 1);
    lua.lua_rawgeti(L, -3, 2 * position);
    return true;
  }

  /** Writes a table's header; leaves what its walk needs on the stack (see TableWalk). */
  private openTable(): void {
    const L = this.L;
    const table = lua.lua_topointer(L, -1);
    if (this.done.has(table)) throw new SerializationError('Cannot pass circular reference to PHP');
    this.done.add(table);
    // Room for the list, position, key and value, and the next table's own slots.
    if (!lua.lua_checkstack(L, 8)) throw new SerializationError('stack overflow');
    if (lua.lua_getmetatable(L, -1)) {
      lua.lua_pop(L, 1);
      const pairs = this.collectPairs();
      this.out.ascii(`a:${pairs}:{`);
      this.walks.push('pairs');
      this.collectedPairs.push(pairs);
      lua.lua_pushnumber(L, 0);
    } else {
      this.out.ascii(`a:${this.countEntries()}:{`);
      this.walks.push('next');
    }
    this.seenKeys.push(new Set());
    lua.lua_pushnil(L);
  }

  /**
   * Replaces the table on top by the list {k1, v1, k2, v2, ...} that the
   * global `pairs` yields for it; returns the number of pairs.
   */
  private collectPairs(): number {
    const L = this.L;
    const table = lua.lua_gettop(L);
    lua.lua_newtable(L);
    lua.lua_getglobal(L, 'pairs');
    lua.lua_pushvalue(L, table);
    this.protectedCall(1, 3);
    let count = 0;
    for (;;) {
      lua.lua_pushvalue(L, -3);
      lua.lua_pushvalue(L, -3);
      lua.lua_pushvalue(L, -3);
      this.protectedCall(2, 2);
      if (lua.lua_isnil(L, -2)) {
        lua.lua_pop(L, 5);
        break;
      }
      lua.lua_pushvalue(L, -2);
      lua.lua_rawseti(L, table + 1, ++count);
      lua.lua_rawseti(L, table + 1, ++count);
      lua.lua_replace(L, -2);
    }
    lua.lua_replace(L, table);
    return count / 2;
  }

  /** lua_call whose Lua error leaves the serializer as an IterationError holding the error value. */
  private protectedCall(nargs: number, nresults: number): void {
    const L = this.L;
    if (lua.lua_pcall(L, nargs, nresults, 0) !== lua.LUA_OK) {
      throw new IterationError(lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX));
    }
  }

  private countEntries(): number {
    const L = this.L;
    let count = 0;
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2)) {
      count++;
      lua.lua_pop(L, 1);
    }
    return count;
  }

  /** Writes the key at -2 (its value is at -1) as the reference converts it. */
  private writeKey(): void {
    const L = this.L;
    const keyType = lua.lua_type(L, -2);
    let keyBytes: Uint8Array;
    if (keyType === lua.LUA_TNUMBER) {
      const n = lua.lua_tonumber(L, -2);
      keyBytes = to_luastring(isIntegerBelow(n, this.intKeyMax) ? formatInteger(n) : lua51NumberToString(n));
    } else if (keyType === lua.LUA_TSTRING) {
      keyBytes = lua.lua_tolstring(L, -2)!;
    } else {
      const typeName = to_jsstring(lua.lua_typename(L, keyType));
      throw new SerializationError(`Cannot use ${typeName} as an array key when passing data from Lua to PHP`);
    }
    const keyText = bytesToBinaryText(keyBytes);
    if (isIntegerKeyText(keyBytes, keyText, this.intKeyMax)) this.out.ascii(`i:${keyText};`);
    else this.writeString(keyBytes);
    const seen = this.seenKeys[this.seenKeys.length - 1]!;
    // Two keys can only collide when one is a number, so the shared text is ASCII.
    if (seen.has(keyText)) throw new SerializationError(`Collision for array key ${keyText} when passing data from Lua to PHP`);
    seen.add(keyText);
  }

  /** Writes the non-table value on top of the stack. */
  private writeScalar(): void {
    const L = this.L;
    const type = lua.lua_type(L, -1);
    switch (type) {
      case lua.LUA_TNIL:
        return this.out.ascii('N;');
      case lua.LUA_TBOOLEAN:
        return this.out.ascii(lua.lua_toboolean(L, -1) ? 'b:1;' : 'b:0;');
      case lua.LUA_TNUMBER:
        return this.writeNumber(lua.lua_tonumber(L, -1));
      case lua.LUA_TSTRING:
        return this.writeString(lua.lua_tolstring(L, -1)!);
      case lua.LUA_TFUNCTION:
        return this.writeFunction(this.chunks.idOf(-1));
      case lua.LUA_TTHREAD:
        throw new SerializationError('Cannot pass thread to PHP');
      case lua.LUA_TUSERDATA:
      case lua.LUA_TLIGHTUSERDATA:
        throw new SerializationError('Cannot pass userdata to PHP');
      default:
        throw new SerializationError('Cannot pass unrecognised type to PHP');
    }
  }

  private writeNumber(n: number): void {
    if (isIntegerBelow(n, this.intMax)) this.out.ascii(`i:${formatInteger(n)};`);
    else if (Number.isFinite(n)) this.out.ascii(`d:${formatG(n, 17)};`);
    else if (n === Infinity) this.out.ascii('d:INF;');
    else if (n === -Infinity) this.out.ascii('d:-INF;');
    else this.out.ascii('d:NAN;');
  }

  private writeString(bytes: Uint8Array): void {
    this.out.ascii(`s:${bytes.length}:"`);
    this.out.escaped(bytes);
    this.out.ascii('";');
  }

  /** The reference concatenates both ids with `..`, i.e. Lua's %.14g tostring. */
  private writeFunction(chunkId: number): void {
    const className = this.functionClassName;
    this.out.ascii(`O:${className.length}:"`);
    this.out.escaped(className);
    const interpreterId = lua51NumberToString(this.options.interpreterId);
    this.out.ascii(`":2:{s:13:"interpreterId";i:${interpreterId};s:2:"id";i:${lua51NumberToString(chunkId)};}`);
  }
}
