/**
 * Decoder for PHP → Lua message bodies.
 *
 * The reference server runs each body through `loadstring('return ' .. body)`.
 * This decoder instead accepts exactly the language PHP's
 * `LuaStandaloneInterpreter::encodeLuaVar()` writes, and never evaluates code:
 *
 *   value  := 'nil' | 'true' | 'false' | number | string | table | chunk
 *           | '(0/0)' | '(1/0)' | '(-1/0)'
 *   number := '-'? digits ('.' digits)? ([eE] [+-]? digits)?
 *   string := '"' (raw byte but " \ LF CR | '\"' | '\\' | '\n' | '\r' | '\000')* '"'
 *   table  := '{' (entry (',' entry)*)? '}'
 *   entry  := '[' (number | string) ']' '=' value
 *   chunk  := 'chunks[' '-'? digits ']'
 *
 * No whitespace: PHP never writes any. Table keys are only numbers and strings
 * because PHP array keys are only ints and strings.
 */
import { lua } from '../lua51/fengari.js';
import type { LuaState } from '../lua51/fengari-api.js';
import type { ChunkTable } from './chunks.js';
import { ProtocolError } from './framing.js';

/**
 * encodeLuaVar() throws above level 100 and every table level costs one, so
 * PHP sends at most 101 nested tables; twice that leaves room and still bounds
 * the Lua stack a hostile body can claim.
 */
export const MAX_TABLE_DEPTH = 200;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** What C Lua's 0/0 gives on x86-64: the negative quiet NaN, which 5.1's tostring prints as "-nan". */
const X86_DEFAULT_NAN = new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer)[0]!;

const numeralDecoder = new TextDecoder('latin1');

const WORD_VALUES: ReadonlyArray<readonly [string, (L: LuaState) => void]> = [
  ['nil', (L) => lua.lua_pushnil(L)],
  ['true', (L) => lua.lua_pushboolean(L, true)],
  ['false', (L) => lua.lua_pushboolean(L, false)],
  ['(0/0)', (L) => lua.lua_pushnumber(L, X86_DEFAULT_NAN)],
  ['(1/0)', (L) => lua.lua_pushnumber(L, Infinity)],
  ['(-1/0)', (L) => lua.lua_pushnumber(L, -Infinity)],
];

/** Decodes one message body and pushes the value it denotes; on failure the stack is left as it was. */
export function decodeMessage(L: LuaState, body: Uint8Array, chunks: ChunkTable): void {
  const top = lua.lua_gettop(L);
  try {
    new BodyParser(L, body, chunks).parseBody();
  } catch (error) {
    lua.lua_settop(L, top);
    throw error;
  }
}

/**
 * The number of entries of each table in `body`, in the order the tables open.
 * A malformed body gives some counts; the parser reports what is wrong with it.
 */
function countTableEntries(body: Uint8Array): number[] {
  const counts: number[] = [];
  const open: number[] = [];
  for (let i = 0; i < body.length; i++) {
    switch (body[i]) {
      case QUOTE:
        for (i++; i < body.length && body[i] !== QUOTE; i++) if (body[i] === BACKSLASH) i++;
        break;
      case OPEN_BRACE:
        open.push(counts.length);
        counts.push(body[i + 1] === CLOSE_BRACE ? 0 : 1);
        break;
      case CLOSE_BRACE:
        open.pop();
        break;
      case COMMA:
        if (open.length > 0) counts[open[open.length - 1]!]!++;
        break;
    }
  }
  return counts;
}

class BodyParser {
  private pos = 0;
  /** Tables being filled; each has its table and pending key on the Lua stack. */
  private openTables = 0;
  /**
   * The reference evaluates each table as a constructor of `[k]=v` fields,
   * which 5.1 sizes for all its fields before storing them in order: the
   * node layout, and so the `pairs` order, follows from that size.
   */
  private readonly entryCounts: number[];
  private tablesOpened = 0;

  constructor(
    private readonly L: LuaState,
    private readonly body: Uint8Array,
    private readonly chunks: ChunkTable,
  ) {
    this.entryCounts = countTableEntries(body);
  }

  /**
   * Iterative rather than recursive: the Lua stack holds, per open table, the
   * table and the key whose value is being read, so a value that completes
   * is stored with one lua_rawset into the table below it.
   */
  parseBody(): void {
    if (this.body.length === 0) this.fail('empty message body');
    for (;;) {
      this.startValue();
      if (!this.finishValues()) break;
    }
    if (this.pos !== this.body.length) this.fail('unexpected data after the value');
  }

  /** Pushes a scalar, or opens a table; an empty table is pushed complete. */
  private startValue(): void {
    for (;;) {
      if (this.peek() !== OPEN_BRACE) {
        this.pushScalar();
        return;
      }
      this.openTable();
      if (this.peek() === CLOSE_BRACE) {
        this.pos++;
        this.openTables--;
        return;
      }
      this.pushEntryKey();
    }
  }

  /**
   * Stores completed values into their tables and closes tables until another
   * value must be read (returns true) or the outermost value is done (false).
   */
  private finishValues(): boolean {
    while (this.openTables > 0) {
      lua.lua_rawset(this.L, -3);
      const separator = this.peek();
      this.pos++;
      if (separator === COMMA) {
        this.pushEntryKey();
        return true;
      }
      if (separator !== CLOSE_BRACE) this.fail("expected ',' or '}'", this.pos - 1);
      this.openTables--;
    }
    return false;
  }

  private openTable(): void {
    if (this.openTables >= MAX_TABLE_DEPTH) this.fail(`tables nested deeper than ${MAX_TABLE_DEPTH}`);
    // Room for this table, its pending key, and the value read into it.
    if (!lua.lua_checkstack(this.L, 3)) this.fail('Lua stack exhausted');
    // OP_NEWTABLE's size went through luaO_int2fb, which rounds up within the same power of two: the node vector is the same.
    lua.lua_createtable(this.L, 0, this.entryCounts[this.tablesOpened++] ?? 0);
    this.openTables++;
    this.pos++;
  }

  /** Reads `[key]=` and pushes the key. */
  private pushEntryKey(): void {
    this.expect(OPEN_BRACKET, "'['");
    const byte = this.peek();
    if (byte === QUOTE) this.pushString();
    else if (byte === MINUS || isDigit(byte)) lua.lua_pushnumber(this.L, this.readNumber());
    else this.fail('expected a number or string table key');
    this.expect(CLOSE_BRACKET, "']'");
    this.expect(EQUALS, "'='");
  }

  private pushScalar(): void {
    const byte = this.peek();
    if (byte === QUOTE) return this.pushString();
    if (byte === MINUS || isDigit(byte)) return lua.lua_pushnumber(this.L, this.readNumber());
    if (this.skipWord('chunks[')) return this.pushChunk();
    for (const [word, push] of WORD_VALUES) {
      if (this.skipWord(word)) return push(this.L);
    }
    this.fail('expected a value');
  }

  private pushChunk(): void {
    const id = this.readInteger();
    this.expect(CLOSE_BRACKET, "']'");
    // Ids are handed out from 1 upward; anything the chunk table cannot index is simply unknown.
    if ((id | 0) === id) this.chunks.push(id);
    else lua.lua_pushnil(this.L);
  }

  private readInteger(): number {
    const start = this.pos;
    if (this.peek() === MINUS) this.pos++;
    this.skipDigits();
    return Number(this.text(start));
  }

  /** Decimal text is correctly rounded by JS just as by glibc's strtod, which Lua's lexer uses. */
  private readNumber(): number {
    const start = this.pos;
    if (this.peek() === MINUS) this.pos++;
    this.skipDigits();
    if (this.peek() === DOT) {
      this.pos++;
      this.skipDigits();
    }
    const marker = this.peek();
    if (marker === LOWER_E || marker === UPPER_E) {
      this.pos++;
      const sign = this.peek();
      if (sign === PLUS || sign === MINUS) this.pos++;
      this.skipDigits();
    }
    return Number(this.text(start));
  }

  private skipDigits(): void {
    const start = this.pos;
    while (isDigit(this.peek())) this.pos++;
    if (this.pos === start) this.fail('expected a digit');
  }

  private pushString(): void {
    const body = this.body;
    this.pos++;
    const bytes = new Uint8Array(this.stringEnd() - this.pos);
    let length = 0;
    for (;;) {
      const byte = body[this.pos]!;
      if (byte === QUOTE) break;
      this.pos++;
      bytes[length++] = byte === BACKSLASH ? this.readEscape() : byte;
    }
    this.pos++;
    lua.lua_pushlstring(this.L, bytes, length);
  }

  /** Where the closing quote is, so the string's bytes can be sized once; checks raw line breaks as Lua does. */
  private stringEnd(): number {
    const body = this.body;
    const start = this.pos;
    for (let i = start; i < body.length; i++) {
      const byte = body[i]!;
      if (byte === QUOTE) return i;
      if (byte === BACKSLASH) i++;
      else if (byte === LF || byte === CR) this.fail('unescaped line break in string', i);
    }
    return this.fail('unterminated string', start - 1);
  }

  /** The escapes strtr() in encodeLuaVar() writes, and no others. */
  private readEscape(): number {
    const escaped = this.body[this.pos];
    this.pos++;
    switch (escaped) {
      case QUOTE:
      case BACKSLASH:
        return escaped;
      case 0x6e /* n */:
        return LF;
      case 0x72 /* r */:
        return CR;
      case DIGIT_0:
        if (this.body[this.pos] === DIGIT_0 && this.body[this.pos + 1] === DIGIT_0) {
          this.pos += 2;
          return 0;
        }
    }
    return this.fail('invalid escape sequence in string', this.pos - 2);
  }

  private skipWord(word: string): boolean {
    for (let i = 0; i < word.length; i++) {
      if (this.body[this.pos + i] !== word.charCodeAt(i)) return false;
    }
    this.pos += word.length;
    return true;
  }

  private expect(byte: number, what: string): void {
    if (this.peek() !== byte) this.fail(`expected ${what}`);
    this.pos++;
  }

  /** The next byte, or -1 at the end of the body. */
  private peek(): number {
    return this.pos < this.body.length ? this.body[this.pos]! : -1;
  }

  /** The ASCII text from `start` to the current position. */
  private text(start: number): string {
    return numeralDecoder.decode(this.body.subarray(start, this.pos));
  }

  private fail(reason: string, offset = this.pos): never {
    const found = offset < this.body.length ? `byte 0x${this.body[offset]!.toString(16).padStart(2, '0')}` : 'end of body';
    throw new ProtocolError(`Invalid message body: ${reason} at byte offset ${offset} (found ${found})`);
  }
}

function isDigit(byte: number): boolean {
  return byte >= DIGIT_0 && byte <= DIGIT_9;
}
