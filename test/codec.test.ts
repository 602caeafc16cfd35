/**
 * The message codec: PHP → Lua bodies (decodeMessage) and Lua → PHP bodies
 * (encodeValue), pinned rule by rule to docs/protocol.md and checked byte for
 * byte against the installed reference: MWServer.lua run by lua5.1, and PHP's
 * own encodeLuaVar() from LuaStandaloneInterpreter.php.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lauxlib, lua, lualib, to_luastring } from '../src/lua51/fengari.js';
import type { LuaState } from '../src/lua51/fengari-api.js';
import { ChunkTable } from '../src/server/chunks.js';
import { decodeMessage, MAX_TABLE_DEPTH } from '../src/server/decode.js';
import { ProtocolError } from '../src/server/framing.js';
import { encodeValue, SerializationError, type EncodeOptions } from '../src/server/encode.js';

const STANDALONE_DIR = '/usr/share/mediawiki/extensions-core/Scribunto/includes/engines/LuaStandalone';
const REL1_39_FUNCTION_CLASS = 'Scribunto_LuaStandaloneInterpreterFunction';
const MASTER_FUNCTION_CLASS = 'MediaWiki\\Extension\\Scribunto\\Engines\\LuaStandalone\\LuaStandaloneInterpreterFunction';

const scratchDir = mkdtempSync(path.join(tmpdir(), 'codec-test-'));
afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));

// ---------------------------------------------------------------- helpers

/** Bytes ↔ a JS string with one char per byte, so expectations read like the wire text. */
function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}
function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
function hexToBinary(hex: string): string {
  return Buffer.from(hex, 'hex').toString('latin1');
}

interface TestState {
  L: LuaState;
  chunks: ChunkTable;
}

/** A fresh Lua state with the standard libraries, a chunk table, and a global light userdata `ud`. */
function newTestState(): TestState {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  lua.lua_pushlightuserdata(L, {});
  lua.lua_setglobal(L, 'ud');
  return { L, chunks: new ChunkTable(L) };
}

/** Pushes the value of the Lua expression `source`. */
function pushLuaValue(L: LuaState, source: string): void {
  if (lauxlib.luaL_loadstring(L, to_luastring(`return ${source}`)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
    throw new Error(`test Lua failed: ${lua.lua_tojsstring(L, -1)}`);
  }
}

function options(intSize: 4 | 8 = 8, functionClassName = REL1_39_FUNCTION_CLASS): EncodeOptions {
  return { intSize, interpreterId: 1, functionClassName };
}

/** encodeValue() of the Lua expression `source`, in a fresh state. */
function encodeSource(source: string, encodeOptions = options()): string {
  const { L, chunks } = newTestState();
  pushLuaValue(L, source);
  return binary(encodeValue(L, -1, chunks, encodeOptions));
}

/** What encodeSource gives, as `OK:<body>` or `ERR:<message>`, the form the reference harness prints. */
function encodeOutcome(source: string, intSize: 4 | 8): string {
  try {
    return `OK:${encodeSource(source, options(intSize))}`;
  } catch (error) {
    if (error instanceof SerializationError) return `ERR:${error.message}`;
    throw error;
  }
}

function encodeError(source: string, intSize: 4 | 8 = 8): SerializationError {
  try {
    encodeSource(source, options(intSize));
  } catch (error) {
    if (error instanceof SerializationError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to fail`);
}

/** Decodes `body` in a fresh state (chunk 1 is registered), then re-encodes the result. */
function decodeThenEncode(body: string | Uint8Array): string {
  const { L, chunks } = newTestState();
  registerChunkOne(L, chunks);
  decodeMessage(L, typeof body === 'string' ? bytesOf(body) : body, chunks);
  return binary(encodeValue(L, -1, chunks, options()));
}

function registerChunkOne(L: LuaState, chunks: ChunkTable): void {
  pushLuaValue(L, 'function() end');
  chunks.idOf(-1);
  lua.lua_pop(L, 1);
}

/** Decodes `body`, then returns what the Lua function `inspect(value)` (given as source) returns, as text. */
function decodeAndInspect(body: string, inspect: string): string {
  const { L, chunks } = newTestState();
  pushLuaValue(L, inspect);
  decodeMessage(L, bytesOf(body), chunks);
  if (lua.lua_pcall(L, 1, 1, 0) !== lua.LUA_OK) throw new Error(lua.lua_tojsstring(L, -1));
  return binary(lua.lua_tolstring(L, -1)!);
}

function decodeError(body: string | Uint8Array): ProtocolError {
  const { L, chunks } = newTestState();
  const top = lua.lua_gettop(L);
  try {
    decodeMessage(L, typeof body === 'string' ? bytesOf(body) : body, chunks);
  } catch (error) {
    expect(lua.lua_gettop(L)).toBe(top);
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
}

/** A Lua string literal for any text: every byte as a decimal escape. */
function luaStringLiteral(text: string): string {
  return `"${[...bytesOf(text)].map((b) => `\\${b}`).join('')}"`;
}

/**
 * Runs the installed MWServer:serialize() under lua5.1 on each expression and
 * returns `OK:<body>` or `ERR:<message without its position prefix>`.
 * `setup` is Lua run once per case with `server` (a fresh MWServer) in scope.
 */
function referenceOutcomes(cases: ReadonlyArray<{ source: string; intSize: 4 | 8 }>, setup = ''): string[] {
  const script = `
package.path = '${STANDALONE_DIR}/?.lua;' .. package.path
-- MWServer:new() builds the sandbox through these two mwInit.lua functions.
mw = { clone = function(v) return v end, makeProtectedEnvFuncs = function() end }
require('MWServer')
ud = newproxy()
local function hex(s)
  return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end))
end
local cases = {
${cases.map((c) => `  { ${luaStringLiteral(c.source)}, ${c.intSize} },`).join('\n')}
}
for _, case in ipairs(cases) do
  server = MWServer:new(1, case[2])
  ${setup}
  local ok, result = pcall(function()
    return (server:serialize(assert(loadstring('return ' .. case[1]))()))
  end)
  if ok then
    io.write('OK:', hex(result), '\\n')
  else
    io.write('ERR:', hex((tostring(result):gsub('^[^:]*:%d+: ', ''))), '\\n')
  end
end
`;
  const scriptFile = path.join(scratchDir, `reference-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(scriptFile, script);
  const lines = execFileSync('/usr/bin/lua5.1', [scriptFile], { encoding: 'latin1', maxBuffer: 1 << 28 }).split('\n');
  return cases.map((_, i) => {
    const [kind, hex] = lines[i]!.split(':');
    return `${kind}:${hexToBinary(hex!)}`;
  });
}

/** Compares our encoder with the reference on every expression, for the given PHP int sizes. */
function expectSameAsReference(sources: readonly string[], intSizes: ReadonlyArray<4 | 8> = [4, 8]): void {
  const cases = intSizes.flatMap((intSize) => sources.map((source) => ({ source, intSize })));
  const reference = referenceOutcomes(cases);
  const ours = cases.map((c) => encodeOutcome(c.source, c.intSize));
  const label = (c: { source: string; intSize: number }, outcome: string): string =>
    `[${c.intSize}] ${c.source} => ${outcome}`;
  expect(cases.map((c, i) => label(c, ours[i]!))).toEqual(cases.map((c, i) => label(c, reference[i]!)));
}

/** A deterministic PRNG (mulberry32), so failures reproduce. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Lua expression that evaluates exactly to n (JS's shortest round-trip text is a valid Lua numeral). */
function luaNumber(n: number): string {
  if (Number.isNaN(n)) return '(0/0)';
  if (n === Infinity) return 'math.huge';
  if (n === -Infinity) return '-math.huge';
  if (Object.is(n, -0)) return '-0';
  return n < 0 ? `(${n})` : String(n);
}

/** Doubles that stress %.17g: arbitrary bit patterns, ordinary decimals, integer boundaries and exact ties at the 18th digit. */
function numbersToFormat(): number[] {
  const random = seededRandom(20240531);
  const view = new DataView(new ArrayBuffer(8));
  const numbers: number[] = [];
  for (let i = 0; i < 400; i++) {
    view.setUint32(0, Math.floor(random() * 2 ** 32));
    view.setUint32(4, Math.floor(random() * 2 ** 32));
    const n = view.getFloat64(0);
    if (Number.isFinite(n)) numbers.push(n);
  }
  for (let i = 0; i < 200; i++) numbers.push((random() - 0.5) * 10 ** Math.floor(random() * 40 - 20));
  for (const edge of [2 ** 31, 2 ** 53, 2 ** 63, 2 ** 64]) {
    for (const delta of [-2, -1, -0.5, 0, 0.5, 1, 2]) numbers.push(edge + delta, -edge + delta);
  }
  // m/2^j has the decimal digits of m*5^j: with exactly 18 of them, %.17g sits on an exact tie.
  for (let j = 3; j <= 25; j++) {
    const low = Math.ceil(1e17 / 5 ** j);
    const high = Math.min(Math.floor((1e18 - 1) / 5 ** j), 2 ** 53 - 1);
    for (let k = 0; k < 8; k++) {
      const m = 2 * Math.floor((low + random() * (high - low)) / 2) + 1;
      if (m <= high && String(BigInt(m) * 5n ** BigInt(j)).length === 18) numbers.push(m / 2 ** j);
    }
  }
  numbers.push(0.1, 1 / 3, 1e17, 1e25, 1e-5, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 123456789012345678, 0.5, 2.5);
  return numbers;
}

// ---------------------------------------------------------------- Lua → PHP

describe('encodeValue: scalars', () => {
  it('sends nil as N;', () => expect(encodeSource('nil')).toBe('N;'));
  it('sends booleans as b:1; and b:0;', () => {
    expect(encodeSource('true')).toBe('b:1;');
    expect(encodeSource('false')).toBe('b:0;');
  });
  it('sends integral numbers in [-2^53, 2^53) as i: when PHP ints are 64-bit', () => {
    expect(encodeSource('42')).toBe('i:42;');
    expect(encodeSource('-0')).toBe('i:0;');
    expect(encodeSource('2^53 - 1')).toBe('i:9007199254740991;');
    expect(encodeSource('-2^53')).toBe('i:-9007199254740992;');
    expect(encodeSource('2^53')).toBe('d:9007199254740992;');
    expect(encodeSource('-2^53 - 2')).toBe('d:-9007199254740994;');
  });
  it('sends integral numbers in [-2^31, 2^31) as i: when PHP ints are 32-bit', () => {
    expect(encodeSource('2^31 - 1', options(4))).toBe('i:2147483647;');
    expect(encodeSource('-2^31', options(4))).toBe('i:-2147483648;');
    expect(encodeSource('2^31', options(4))).toBe('d:2147483648;');
    expect(encodeSource('-2^31 - 1', options(4))).toBe('d:-2147483649;');
  });
  it('sends other finite numbers as d:%.17g;', () => {
    expect(encodeSource('0.1')).toBe('d:0.10000000000000001;');
    expect(encodeSource('1.5')).toBe('d:1.5;');
    expect(encodeSource('1e300')).toBe('d:1.0000000000000001e+300;');
    expect(encodeSource('1e-5')).toBe('d:1.0000000000000001e-05;');
  });
  it('sends infinities and NaN as d:INF; d:-INF; d:NAN;', () => {
    expect(encodeSource('math.huge')).toBe('d:INF;');
    expect(encodeSource('-math.huge')).toBe('d:-INF;');
    expect(encodeSource('0/0')).toBe('d:NAN;');
    expect(encodeSource('-(0/0)')).toBe('d:NAN;');
  });
  it('sends strings as s:<byte length>:"<raw bytes>"; without decoding them', () => {
    expect(encodeSource('"h\\195\\169llo"')).toBe('s:6:"h\xc3\xa9llo";');
    expect(encodeSource('"\\0\\255\\""')).toBe('s:3:"\x00\xff"";');
    expect(encodeSource('""')).toBe('s:0:"";');
  });
  it('escapes backslash, CR and LF after serializing, leaving the byte length unescaped', () => {
    expect(encodeSource('"a\\\\b\\rc\\nd"')).toBe('s:7:"a\\\\b\\rc\\nd";');
  });
});

describe('encodeValue: tables', () => {
  it('sends a table as a:<count>:{<key><value>...}', () => {
    expect(encodeSource('{}')).toBe('a:0:{}');
    expect(encodeSource('{x = {}}')).toBe('a:1:{s:1:"x";a:0:{}}');
    expect(encodeSource('{"x", true, {}}')).toBe('a:3:{i:1;s:1:"x";i:2;b:1;i:3;a:0:{}}');
  });
  it('sends integral number keys in key range as i:, up to 2^63 on 64-bit', () => {
    expect(encodeSource('{[-2^63] = 1}')).toBe('a:1:{i:-9223372036854775808;i:1;}');
    expect(encodeSource('{[2^62 + 2^10] = 1}')).toBe('a:1:{i:4611686018427388928;i:1;}');
    expect(encodeSource('{[2^63] = 1}')).toBe('a:1:{s:19:"9.2233720368548e+18";i:1;}');
  });
  it('sends number keys outside key range or with fractions as their tostring()', () => {
    expect(encodeSource('{[1.5] = 1}')).toBe('a:1:{s:3:"1.5";i:1;}');
    expect(encodeSource('{[2^31] = 1}', options(4))).toBe('a:1:{s:10:"2147483648";i:1;}');
    expect(encodeSource('{[1e15] = 1}', options(4))).toBe('a:1:{s:5:"1e+15";i:1;}');
    expect(encodeSource('{[math.huge] = 1}')).toBe('a:1:{s:3:"inf";i:1;}');
  });
  it('sends canonical integer string keys in key range as i:, keeping their digits', () => {
    expect(encodeSource('{["0"] = 1}')).toBe('a:1:{i:0;i:1;}');
    expect(encodeSource('{["-12"] = 1}')).toBe('a:1:{i:-12;i:1;}');
    expect(encodeSource('{["9007199254740993"] = 1}')).toBe('a:1:{i:9007199254740993;i:1;}');
    expect(encodeSource('{["2147483648"] = 1}', options(4))).toBe('a:1:{s:10:"2147483648";i:1;}');
  });
  it('sends non-canonical integer strings as strings', () => {
    for (const key of ['01', '-0', '+1', '1.0', ' 1', '1e3', '']) {
      expect(encodeSource(`{[${luaStringLiteral(key)}] = 1}`)).toBe(`a:1:{s:${key.length}:"${key}";i:1;}`);
    }
  });
  it('applies the -2^63 edge rule: only the exact text -9223372036854775808 counts as that integer', () => {
    expect(encodeSource('{["-9223372036854775808"] = 1}')).toBe('a:1:{i:-9223372036854775808;i:1;}');
    expect(encodeSource('{["-9223372036854775807"] = 1}')).toBe('a:1:{s:20:"-9223372036854775807";i:1;}');
    expect(encodeSource('{["9223372036854775807"] = 1}')).toBe('a:1:{s:19:"9223372036854775807";i:1;}');
  });
  it('rejects keys that are not numbers or strings', () => {
    expect(encodeError('{[true] = 1}').message).toBe('Cannot use boolean as an array key when passing data from Lua to PHP');
    expect(encodeError('{[{}] = 1}').message).toBe('Cannot use table as an array key when passing data from Lua to PHP');
    expect(encodeError('{[print] = 1}').message).toBe('Cannot use function as an array key when passing data from Lua to PHP');
    expect(encodeError('{[ud] = 1}').message).toBe('Cannot use userdata as an array key when passing data from Lua to PHP');
    expect(encodeError('{[coroutine.create(function() end)] = 1}').message).toBe(
      'Cannot use thread as an array key when passing data from Lua to PHP',
    );
  });
  it('rejects keys that collide after conversion', () => {
    expect(encodeError('{[1] = 1, ["1"] = 2}').message).toBe('Collision for array key 1 when passing data from Lua to PHP');
    expect(encodeError('{[1.5] = 1, ["1.5"] = 2}').message).toBe('Collision for array key 1.5 when passing data from Lua to PHP');
  });
  it('detects collisions on the converted text, also for keys sent as strings', () => {
    // On 32-bit, 2^31 is out of key range: both keys become the string "2147483648".
    const error = encodeError('{[2^31] = 1, ["2147483648"] = 2}', 4);
    expect(error.message).toBe('Collision for array key 2147483648 when passing data from Lua to PHP');
  });
  it('rejects a table that contains itself', () => {
    expect(encodeError('(function() local t = {} t.self = t return t end)()').message).toBe('Cannot pass circular reference to PHP');
  });
  it('rejects a table reached twice even without a cycle, as the reference never clears its done set', () => {
    expect(encodeError('(function() local t = {} return {t, t} end)()').message).toBe('Cannot pass circular reference to PHP');
    expect(encodeError('(function() local t = {} return {{t}, {{t}}} end)()').message).toBe('Cannot pass circular reference to PHP');
  });
  it('writes entries in lua_next order', () => {
    const source = '{a = "va", [10] = "v10", b = "vb", "v1", [2.5] = "v25", c = "vc"}';
    const { L } = newTestState();
    pushLuaValue(L, `(function() local vs = {} for _, v in pairs(${source}) do vs[#vs + 1] = v end return table.concat(vs, " ") end)()`);
    const nextOrder = lua.lua_tojsstring(L, -1).split(' ');
    const encoded = encodeSource(source);
    const positions = nextOrder.map((value) => encoded.indexOf(`"${value}"`));
    expect(positions).not.toContain(-1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
  it('handles deep nesting without JS recursion (10000 levels)', () => {
    const depth = 10000;
    const encoded = encodeSource(`(function() local root = {} local t = root for i = 1, ${depth - 1} do t[1] = {} t = t[1] end return root end)()`);
    expect(encoded).toBe('a:1:{i:1;'.repeat(depth - 1) + 'a:0:{}' + '}'.repeat(depth - 1));
  });
  it('fails cleanly with "stack overflow" when nesting exceeds the Lua stack', () => {
    const error = encodeError('(function() local root = {} local t = root for i = 1, 600000 do t[1] = {} t = t[1] end return root end)()');
    expect(error.message).toBe('stack overflow');
  });
});

describe('encodeValue: functions, threads, userdata', () => {
  it('sends a function as a REL1_39 Scribunto_LuaStandaloneInterpreterFunction object with its chunk id', () => {
    expect(encodeSource('function() end')).toBe(
      'O:42:"Scribunto_LuaStandaloneInterpreterFunction":2:{s:13:"interpreterId";i:1;s:2:"id";i:1;}',
    );
  });
  it('uses the configured class name, counting its bytes before escaping its backslashes', () => {
    const encoded = encodeSource('print', options(8, MASTER_FUNCTION_CLASS));
    expect(encoded).toBe(`O:84:"${MASTER_FUNCTION_CLASS.replaceAll('\\', '\\\\')}":2:{s:13:"interpreterId";i:1;s:2:"id";i:1;}`);
  });
  it('sends the interpreter id given in the options', () => {
    const { L, chunks } = newTestState();
    pushLuaValue(L, 'print');
    expect(binary(encodeValue(L, -1, chunks, { ...options(), interpreterId: 7 }))).toContain('s:13:"interpreterId";i:7;');
  });
  it('reuses the chunk id of a function sent before and numbers new ones upward', () => {
    const { L, chunks } = newTestState();
    pushLuaValue(L, '(function() local f, g = function() end, function() end return {f, g, {f}} end)()');
    const ids = [...binary(encodeValue(L, -1, chunks, options())).matchAll(/s:2:"id";i:(\d+);/g)].map((m) => m[1]);
    expect(ids).toEqual(['1', '2', '1']);
    lua.lua_rawgeti(L, -1, 2);
    expect(binary(encodeValue(L, -1, chunks, options()))).toContain('s:2:"id";i:2;');
  });
  it('rejects threads and userdata', () => {
    expect(encodeError('coroutine.create(function() end)').message).toBe('Cannot pass thread to PHP');
    expect(encodeError('{coroutine.create(function() end)}').message).toBe('Cannot pass thread to PHP');
    expect(encodeError('ud').message).toBe('Cannot pass userdata to PHP');
  });
  it('leaves the Lua stack as it was, also after an error', () => {
    const { L, chunks } = newTestState();
    pushLuaValue(L, '{1, {2, coroutine.create(function() end)}}');
    const top = lua.lua_gettop(L);
    expect(() => encodeValue(L, -1, chunks, options())).toThrow(SerializationError);
    expect(lua.lua_gettop(L)).toBe(top);
    lua.lua_pushnumber(L, 5);
    expect(binary(encodeValue(L, top + 1, chunks, options()))).toBe('i:5;');
    expect(lua.lua_gettop(L)).toBe(top + 1);
  });
});

const DEEP_TABLE_5000 = '(function() local root = {} local t = root for i = 1, 5000 do t[1] = {i} t = t[1] end return root end)()';

describe('encodeValue matches MWServer:serialize() under lua5.1 byte for byte', () => {
  it('on scalars, strings and the integer boundaries', () => {
    expectSameAsReference([
      'nil', 'true', 'false', '0', '-0', '1', '-1', '2^31 - 1', '2^31', '-2^31', '-2^31 - 1',
      '2^53 - 1', '2^53', '-2^53', '-2^53 - 1', '2^63', '-2^63', '2^64', '1.5', '0.1', '1/3',
      'math.huge', '-math.huge', '0/0', '-(0/0)', '""', '"abc"', '"a\\nb\\rc\\\\d\\"e"', '"\\0\\1\\127\\128\\255"',
      '(function() local t = {} for i = 0, 255 do t[#t + 1] = string.char(i) end return table.concat(t) end)()',
      'function() end', 'print', 'coroutine.create(function() end)', 'ud',
    ]);
  });
  it('on %.17g formatting of many doubles', () => {
    expectSameAsReference(numbersToFormat().map(luaNumber));
  });
  it('on table keys of every kind', () => {
    const keys = [
      '1', '0', '-1', '-0', '1.5', '-0.5', '0.1', '2^31 - 1', '2^31', '-2^31', '-2^31 - 1', '2^53', '2^53 + 2',
      '2^63', '-2^63', '2^63 - 1024', '1e15', '123456789012345', '1e100', 'math.huge', '-math.huge',
      '"1"', '"0"', '"-1"', '"01"', '"-0"', '"1.0"', '"abc"', '"a\\nb"', '"2147483647"', '"2147483648"', '"-2147483648"',
      '"-2147483649"', '"9007199254740993"', '"9223372036854775807"', '"9223372036854775808"', '"-9223372036854775808"',
      '"-9223372036854775809"', '"-9223372036854775807"', '"1" .. ("0"):rep(400)', '"-" .. ("9"):rep(30)',
      'true', 'false', '{}', 'print', 'coroutine.create(function() end)', 'ud',
    ];
    const random = seededRandom(7);
    for (let i = 0; i < 40; i++) keys.push(luaNumber((random() - 0.5) * 10 ** Math.floor(random() * 30 - 10)));
    expectSameAsReference(keys.map((key) => `{[${key}] = 1}`));
  });
  it('on nested tables, sequences, collisions, shared and circular tables, and values that cannot be sent', () => {
    expectSameAsReference([
      '{}', '{1, 2, 3}', '{"a", {"b", {"c"}}}', '{x = {y = {z = true}}}', '{{}, {}, {}}',
      '{f = function() end}', '(function() local f = function() end return {f, f, {f}} end)()',
      '{[1] = 1, ["1"] = 2}', '{[0] = 1, ["0"] = 2}', '{[2^53] = 1, ["9007199254740992"] = 2}', '{[1.5] = 1, ["1.5"] = 2}',
      '(function() local t = {} t[1] = t return t end)()', '(function() local t = {} return {t, t} end)()',
      '(function() local t = {} return {{t}, {{t}}} end)()', '{coroutine.create(function() end)}', '{{ud}}',
    ]);
  });
  it('on a table nested 5000 deep', () => {
    const [reference] = referenceOutcomes([{ source: DEEP_TABLE_5000, intSize: 8 }]);
    expect(encodeOutcome(DEEP_TABLE_5000, 8) === reference).toBe(true);
  });
});

// ---------------------------------------------------------------- PHP → Lua

describe('decodeMessage: the values encodeLuaVar() writes', () => {
  it('decodes nil, true and false', () => {
    expect(decodeThenEncode('nil')).toBe('N;');
    expect(decodeThenEncode('true')).toBe('b:1;');
    expect(decodeThenEncode('false')).toBe('b:0;');
  });
  it('decodes integers, also beyond 2^53 where they round to the nearest double as tonumber() would', () => {
    expect(decodeThenEncode('0')).toBe('i:0;');
    expect(decodeThenEncode('-42')).toBe('i:-42;');
    expect(decodeThenEncode('9007199254740993')).toBe('d:9007199254740992;');
    expect(decodeThenEncode('9223372036854775807')).toBe('d:9.2233720368547758e+18;');
    expect(decodeThenEncode('-9223372036854775808')).toBe('d:-9.2233720368547758e+18;');
  });
  it('decodes %.17g floats as PHP prints them, with and without exponent', () => {
    expect(decodeThenEncode('0.10000000000000001')).toBe('d:0.10000000000000001;');
    expect(decodeThenEncode('1.0e+17')).toBe('d:1e+17;');
    expect(decodeThenEncode('1.0000000000000001e-5')).toBe('d:1.0000000000000001e-05;');
    expect(decodeThenEncode('4.9406564584124654e-324')).toBe('d:4.9406564584124654e-324;');
    expect(decodeThenEncode('-2.5')).toBe('d:-2.5;');
    expect(decodeThenEncode('1E+2')).toBe('i:100;');
  });
  it('decodes -0 as negative zero', () => {
    expect(decodeAndInspect('-0', 'function(v) return tostring(1 / v) end')).toBe('-inf');
  });
  it('decodes (0/0), (1/0) and (-1/0) as the values Lua computes for them', () => {
    expect(decodeAndInspect('(0/0)', 'function(v) return tostring(v ~= v) .. " " .. tostring(v) end')).toBe('true -nan');
    expect(decodeThenEncode('(1/0)')).toBe('d:INF;');
    expect(decodeThenEncode('(-1/0)')).toBe('d:-INF;');
  });
  it('decodes strings with the escapes \\" \\\\ \\n \\r \\000 and every other byte raw', () => {
    expect(decodeAndInspect('"a\\"b\\\\c\\nd\\re\\000f"', 'function(v) return v end')).toBe('a"b\\c\nd\re\x00f');
    expect(decodeAndInspect('"\\0001"', 'function(v) return #v .. v:sub(2) end')).toBe('21');
    const allBytes = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    expect(decodeAndInspect(phpStringLiteral(allBytes), 'function(v) return v end')).toBe(allBytes);
  });
  it('decodes tables with bracketed number and string keys', () => {
    expect(decodeThenEncode('{}')).toBe('a:0:{}');
    expect(decodeThenEncode('{[1]="a",[2]={["x"]=true}}')).toBe('a:2:{i:1;s:1:"a";i:2;a:1:{s:1:"x";b:1;}}');
    expect(decodeThenEncode('{["9223372036854775807"]=1}')).toBe('a:1:{s:19:"9223372036854775807";i:1;}');
    expect(decodeThenEncode('{[1]=nil}')).toBe('a:0:{}');
    expect(decodeThenEncode('{[1]={},[2]={[1]={}}}')).toBe('a:2:{i:1;a:0:{}i:2;a:1:{i:1;a:0:{}}}');
  });
  it('decodes a whole request message', () => {
    expect(decodeThenEncode('{["op"]="call",["id"]=1,["nargs"]=2,["args"]={[1]="x",[2]=3.5}}')).toMatch(
      /^a:4:\{.*s:2:"op";s:4:"call";.*s:4:"args";a:2:\{i:1;s:1:"x";i:2;d:3.5;\}.*\}$/,
    );
  });
  it('decodes chunks[N] as the registered function, and unknown ids as nil', () => {
    expect(decodeThenEncode('chunks[1]')).toBe(
      'O:42:"Scribunto_LuaStandaloneInterpreterFunction":2:{s:13:"interpreterId";i:1;s:2:"id";i:1;}',
    );
    expect(decodeThenEncode('{[1]=chunks[1]}')).toContain('s:2:"id";i:1;');
    for (const unknown of ['chunks[2]', 'chunks[0]', 'chunks[-1]', 'chunks[99999999999999999999]']) {
      expect(decodeThenEncode(unknown)).toBe('N;');
    }
  });
  it(`accepts tables nested ${MAX_TABLE_DEPTH} deep, more than PHP can send`, () => {
    const body = '{[1]='.repeat(MAX_TABLE_DEPTH - 1) + '{}' + '}'.repeat(MAX_TABLE_DEPTH - 1);
    expect(decodeThenEncode(body)).toBe('a:1:{i:1;'.repeat(MAX_TABLE_DEPTH - 1) + 'a:0:{}' + '}'.repeat(MAX_TABLE_DEPTH - 1));
  });
  it('pushes exactly one value', () => {
    const { L, chunks } = newTestState();
    const top = lua.lua_gettop(L);
    decodeMessage(L, bytesOf('{[1]={[1]={}},[2]="x"}'), chunks);
    expect(lua.lua_gettop(L)).toBe(top + 1);
  });
});

/** What encodeLuaVar() makes of a PHP string, per protocol.md. */
function phpStringLiteral(text: string): string {
  const escapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\0': '\\000' };
  return `"${text.replace(/["\\\n\r\0]/g, (c) => escapes[c]!)}"`;
}

describe('decodeMessage: rejects anything else with the byte offset', () => {
  const rejected: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['an empty body', '', /empty message body at byte offset 0/],
    ['leading whitespace', ' nil', /expected a value at byte offset 0/],
    ['trailing whitespace', 'nil ', /unexpected data after the value at byte offset 3/],
    ['two values', 'nil,nil', /unexpected data after the value at byte offset 3/],
    ['trailing garbage after a table', '{[1]=1}}', /unexpected data after the value at byte offset 7/],
    ['a comment', 'nil--x', /unexpected data after the value at byte offset 3/],
    ['an unknown word', 'nill', /unexpected data after the value at byte offset 3/],
    ['a global name', 'print', /expected a value at byte offset 0/],
    ['a function call', 'os.exit(1)', /expected a value at byte offset 0/],
    ['a long string', '[[x]]', /expected a value at byte offset 0/],
    ['an unterminated table', '{[1]=1', /expected ',' or '}' at byte offset 6 \(found end of body\)/],
    ['a trailing comma', '{[1]=1,}', /expected '\[' at byte offset 7/],
    ['a positional table item', '{1}', /expected '\[' at byte offset 1/],
    ['a bare table key', '{a=1}', /expected '\[' at byte offset 1/],
    ['a boolean table key', '{[true]=1}', /expected a number or string table key at byte offset 2/],
    ['a table as table key', '{[{}]=1}', /expected a number or string table key at byte offset 2/],
    ['a missing =', '{[1]1}', /expected '=' at byte offset 4/],
    ['a semicolon separator', '{[1]=1;[2]=2}', /expected ',' or '}' at byte offset 6/],
    ['an unterminated string', '"abc', /unterminated string at byte offset 0/],
    ['a string ending in a backslash', '"abc\\"', /unterminated string at byte offset 0/],
    ['a raw newline in a string', '"a\nb"', /unescaped line break in string at byte offset 2/],
    ['a raw CR in a string', '"a\rb"', /unescaped line break in string at byte offset 2/],
    ['a \\t escape', '"\\t"', /invalid escape sequence in string at byte offset 1/],
    ['a short decimal escape', '"\\0"', /invalid escape sequence in string at byte offset 1/],
    ['a decimal escape other than \\000', '"\\065"', /invalid escape sequence in string at byte offset 1/],
    ['a hex escape', '"\\x41"', /invalid escape sequence in string at byte offset 1/],
    ['a single-quoted string', "'a'", /expected a value at byte offset 0/],
    ['a lone minus', '-', /expected a digit at byte offset 1/],
    ['a number ending in a dot', '1.', /expected a digit at byte offset 2/],
    ['a number with a bare exponent', '1e+', /expected a digit at byte offset 3/],
    ['a hex number', '0x10', /unexpected data after the value at byte offset 1/],
    ['a leading dot', '.5', /expected a value at byte offset 0/],
    ['inf', 'inf', /expected a value at byte offset 0/],
    ['a different division', '(0/1)', /expected a value at byte offset 0/],
    ['arithmetic', '1+1', /unexpected data after the value at byte offset 1/],
    ['an empty chunk index', 'chunks[]', /expected a digit at byte offset 7/],
    ['an unclosed chunk index', 'chunks[1', /expected '\]' at byte offset 8/],
    ['a chunk index expression', 'chunks[1+1]', /expected '\]' at byte offset 8/],
    ['chunks itself', 'chunks', /expected a value at byte offset 0/],
  ];
  for (const [what, body, reason] of rejected) {
    it(`rejects ${what}`, () => {
      const error = decodeError(body);
      expect(error.message).toMatch(reason);
      expect(error.message).not.toContain('\n');
    });
  }
  it(`rejects tables nested deeper than ${MAX_TABLE_DEPTH}`, () => {
    const body = '{[1]='.repeat(MAX_TABLE_DEPTH) + '{}' + '}'.repeat(MAX_TABLE_DEPTH);
    expect(decodeError(body).message).toMatch(`tables nested deeper than ${MAX_TABLE_DEPTH} at byte offset ${5 * MAX_TABLE_DEPTH}`);
  });
  it('rejects hostile nesting (a million open braces) without exhausting either stack', () => {
    expect(decodeError('{[1]='.repeat(1_000_000)).message).toMatch(/tables nested deeper than/);
  });
  it('rejects an error deep inside a table, leaving the Lua stack as it was', () => {
    const body = '{[1]='.repeat(50) + '"unterminated' + '}'.repeat(50);
    expect(decodeError(body).message).toMatch(/unterminated string at byte offset 250/);
  });
});

// ---------------------------------------------------------------- PHP → Lua → PHP against the real PHP and lua5.1

/** PHP statements (each an expression `$v`), encoded by the installed LuaStandaloneInterpreter::encodeLuaVar(). */
const PHP_VALUES: readonly string[] = [
  'null', 'true', 'false', '0', '1', '-1', 'PHP_INT_MAX', 'PHP_INT_MIN', '9007199254740993', '2147483648',
  '0.0', '-0.0', '0.1', '1e17', '1e25', '1e-5', '5e-324', '1.7976931348623157e308', '-2.5', '1/3', 'NAN', 'INF', '-INF',
  "''", "'plain'", 'implode(array_map("chr", range(0, 255)))', '"\\0" . "1"', '"\\\\000"',
  '[]', '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]', "['a' => 1, 'b' => [true, false, null], 'c' => 'x\\ny']",
  "[PHP_INT_MAX => 'max', PHP_INT_MIN => 'min', 9007199254740993 => 'above', 9007199254740992 => 'at', -9007199254740993 => 'below']",
  "['op' => 'call', 'id' => 'mw_interface-1', 'nargs' => 2, 'args' => [1 => 'x', 2 => 3.5]]",
  'new LuaStandaloneInterpreterFunction(1, 1)', "['f' => new LuaStandaloneInterpreterFunction(1, 1), 'g' => new LuaStandaloneInterpreterFunction(1, 5)]",
  'nestedArrays(101)',
];

/** Runs encodeLuaVar() on each PHP expression; each result is the body, or `THROW:<message>`. */
function phpEncodeLuaVar(expressions: readonly string[]): string[] {
  const script = `<?php
namespace MediaWiki\\Extension\\Scribunto\\Engines\\LuaStandalone {
  // Just enough of Scribunto's base classes for the interpreter class to load.
  if (!class_exists('Scribunto_LuaInterpreter', false)) { eval('abstract class Scribunto_LuaInterpreter {} class MWException extends Exception {}'); }
  require '${STANDALONE_DIR}/LuaStandaloneInterpreter.php';
  require '${STANDALONE_DIR}/LuaStandaloneInterpreterFunction.php';
  function nestedArrays(int $count) { $v = []; for ($i = 1; $i < $count; $i++) { $v = [$v]; } return $v; }
  $interpreter = (new \\ReflectionClass(LuaStandaloneInterpreter::class))->newInstanceWithoutConstructor();
  $interpreter->id = 1;
  $encode = \\Closure::bind(function ($v) { return $this->encodeLuaVar($v); }, $interpreter, LuaStandaloneInterpreter::class);
${expressions.map((e) => `  try { echo bin2hex($encode(${e})), "\\n"; } catch (\\Exception $e) { echo 'THROW:', $e->getMessage(), "\\n"; }`).join('\n')}
}
`;
  const scriptFile = path.join(scratchDir, `encode-${Math.random().toString(36).slice(2)}.php`);
  writeFileSync(scriptFile, script);
  const lines = execFileSync('php', ['-d', 'error_reporting=E_ALL', '-d', 'display_errors=stderr', scriptFile], { encoding: 'latin1' }).split('\n');
  return expressions.map((_, i) => (lines[i]!.startsWith('THROW:') ? lines[i]! : hexToBinary(lines[i]!)));
}

describe('decodeMessage reads what the real encodeLuaVar() writes, as MWServer:unserialize() does', () => {
  it('PHP refuses to nest deeper than 101 tables, well inside the decoder bound', () => {
    const [atLimit, beyond] = phpEncodeLuaVar(['nestedArrays(101)', 'nestedArrays(102)']);
    expect(atLimit).toBe('{[0]='.repeat(100) + '{}' + '}'.repeat(100));
    expect(beyond).toMatch(/^THROW:.*recursion depth limit exceeded/);
    expect(MAX_TABLE_DEPTH).toBeGreaterThan(101);
  });
  it('round-trips PHP values to the same serialize() text as the reference in the same order', () => {
    const bodies = phpEncodeLuaVar(PHP_VALUES);
    const sources = bodies.map((body) => `server:unserialize(${luaStringLiteral(body)})`);
    // The reference gets the body through unserialize() with chunk 1 registered, like our decodeThenEncode().
    const reference = referenceOutcomes(
      sources.map((source) => ({ source, intSize: 8 })),
      'server:addChunk(function() end)',
    );
    const label = (i: number, outcome: string): string => `${PHP_VALUES[i]} => ${outcome}`;
    const ours = bodies.map((body, i) => label(i, `OK:${decodeThenEncode(body)}`));
    expect(ours).toEqual(reference.map((outcome, i) => label(i, outcome)));
  });
});
