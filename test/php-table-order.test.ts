/**
 * Tables that PHP sends are laid out as the reference's table constructors lay
 * them out under lua5.1, so `pairs`, `next`, `#` and later insertions behave
 * the same. Each value travels through the real protocol, as a call argument,
 * to our binary and to lua5.1 running MWServer.lua; the walks they report must
 * be identical, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LuaFunction, StandaloneClient, type PhpArray, type PhpValue } from './support/php-client.js';
import { OUR_BINARY, REFERENCE_LUA, serverArgs } from './support/interpreters.js';

/**
 * Walks a table depth first in `pairs` order, writing each key with `#` of its
 * table; then adds three keys to the outermost table (which may rehash it) and
 * walks its keys again.
 */
const WALK = `
local function walk(t, out)
  out[#out + 1] = '{#' .. #t
  for k, v in pairs(t) do
    out[#out + 1] = type(k) .. ':' .. tostring(k)
    if type(v) == 'table' then walk(v, out) end
  end
  out[#out + 1] = '}'
end
return function(t)
  local out = {}
  walk(t, out)
  t.added1, t[100], t.added2 = 1, 2, 3
  out[#out + 1] = '| after adding:'
  for k in pairs(t) do out[#out + 1] = tostring(k) end
  return table.concat(out, ' ')
end`;

function phpArray(entries: ReadonlyArray<readonly [number | string, PhpValue]>): PhpArray {
  return new Map(entries);
}
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const CASES: ReadonlyArray<readonly [string, PhpArray]> = [
  [
    'the #invoke arguments of the issue, keys mixed as PHP orders them',
    phpArray([[1, 'zeta'], [2, 'alpha'], [0, 'zero'], [10, 'ten'], ['x', 'ex'], ['b', 'bee'], ['a', 'ay'],
      [7, 'seven'], ['name', 'N'], [3, 'three'], ['z', 'zed']]),
  ],
  ['a list 1..10', phpArray(range(1, 10).map((i) => [i, `v${i}`]))],
  ['a list 1..100 sent backwards', phpArray(range(1, 100).reverse().map((i) => [i, i]))],
  ['a list with holes', phpArray([[1, 'a'], [2, 'b'], [4, 'd'], [8, 'h'], [9, 'i']])],
  ['negative and zero keys', phpArray([[-1, 'm1'], [0, 'z'], [-100, 'm100'], [1, 'one'], [-2147483648, 'min32']])],
  ['float keys', phpArray([[1.5, 'a'], [-2.25, 'b'], [1e300, 'c'], [2 ** 53, 'd'], [0.1, 'e'], [3, 'f']])],
  ['string keys that look like numbers', phpArray([['1', 'a'], ['01', 'b'], ['1.0', 'c'], [1, 'd'], ['', 'e']])],
  ...[1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33].map((n): readonly [string, PhpArray] => [
    `${n} string keys (node vector sizes around powers of two)`,
    phpArray(range(1, n).map((i) => [`key${i}`, i])),
  ]),
  [
    '1000 mixed keys',
    phpArray(range(1, 1000).map((i) => [i % 3 === 0 ? `s${i}` : i % 3 === 1 ? i * 7 : -i, i])),
  ],
  [
    'nested tables at every depth, mixed keys in each',
    phpArray([
      ['args', phpArray([[1, 'x'], ['name', phpArray([[2, 'b'], [1, 'a'], ['k', phpArray([['z', 1], [5, 2], ['a', 3]])]])], [0, 'zero']])],
      [3, phpArray([])],
      ['namespaces', phpArray([[0, phpArray([['id', 0], ['name', ''], ['canonicalName', ''], ['hasSubpages', false], ['aliases', phpArray([])]])], [-1, 'special'], [828, 'Module']])],
    ]),
  ],
];

describe('tables PHP sends iterate as they do under lua5.1', () => {
  const clients: StandaloneClient[] = [];
  let walkers: LuaFunction[] = [];
  beforeAll(async () => {
    for (const command of [OUR_BINARY, REFERENCE_LUA]) clients.push(new StandaloneClient(command, serverArgs(1), 1));
    walkers = await Promise.all(clients.map(async (client) => {
      const [walker] = await client.call(await client.loadString(WALK, '=walk'));
      return walker as LuaFunction;
    }));
  });
  afterAll(() => {
    for (const client of clients) client.process.kill('SIGKILL');
  });

  it.each(CASES)('%s', async (_name, value) => {
    const [ours, reference] = await Promise.all(clients.map((client, i) => client.call(walkers[i]!, value)));
    expect(ours).toEqual(reference);
  });
});
