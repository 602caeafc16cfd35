#!/usr/bin/env node
/**
 * `node bench/fuzz.mjs [--inputs N] [--spawns M] [--seed S] [--ours <path>]`:
 * the long run of test/fuzz.test.ts. Sends N (default 100,000) mutated message
 * bodies through the built decoder (dist/server/decode.js) in this process,
 * then M (default 300) whole conversations ending in a malformed message to
 * the binary (bin/mw-lua-standalone, or $MW_LUA_UNDER_TEST, or --ours), and
 * prints how many inputs had each outcome. Anything starting with "BAD" is a
 * bug; the exit status is 1 when there is one. Build first: npx tsc -p .
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { conversation, mutatedBody, prng, runConversation, validMessage } from './fuzz-inputs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const inputs = Number(option('inputs', 100_000));
const spawns = Number(option('spawns', 300));
const seed = Number(option('seed', 1));
const ours = option('ours', process.env.MW_LUA_UNDER_TEST ?? path.join(root, 'bin', 'mw-lua-standalone'));
const includes = '/usr/share/mediawiki/extensions-core/Scribunto/includes';
const serverArgs = [`${includes}/engines/LuaStandalone/mw_main.lua`, includes, '1', '8'];

const { lauxlib, lua } = await import(path.join(root, 'dist/lua51/fengari.js'));
const { ChunkTable } = await import(path.join(root, 'dist/server/chunks.js'));
const { decodeMessage } = await import(path.join(root, 'dist/server/decode.js'));
const { ProtocolError } = await import(path.join(root, 'dist/server/framing.js'));

const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
const show = (title, map, seconds) => {
  console.log(`${title} (${seconds.toFixed(1)} s)`);
  for (const [key, n] of [...map].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(8)}  ${key}`);
};
let failures = 0;

// 1. The decoder in process.
{
  const L = lauxlib.luaL_newstate();
  const chunks = new ChunkTable(L);
  const r = prng(seed);
  const outcomes = new Map();
  const byKind = new Map();
  const t0 = performance.now();
  for (let i = 0; i < inputs; i++) {
    const { kind, body } = i % 10 === 0 ? { kind: 'valid', body: Buffer.from(validMessage(r), 'latin1') } : mutatedBody(r);
    const top = lua.lua_gettop(L);
    let outcome;
    try {
      decodeMessage(L, body, chunks);
      outcome = lua.lua_gettop(L) === top + 1 ? 'decoded' : 'BAD: decoded with a wrong stack';
    } catch (error) {
      outcome = !(error instanceof ProtocolError) ? `BAD: ${error}` : lua.lua_gettop(L) === top ? 'protocol error' : 'BAD: stack changed';
    }
    lua.lua_settop(L, top);
    if (kind === 'valid' && outcome !== 'decoded') outcome = 'BAD: a valid body was refused';
    if (outcome.startsWith('BAD')) {
      failures++;
      if (failures <= 10) console.log(`${outcome}: ${kind} ${JSON.stringify(body.toString('latin1').slice(0, 200))}`);
    }
    count(outcomes, outcome);
    count(byKind, `${kind} -> ${outcome}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  show(`decoder: ${inputs} bodies`, outcomes, seconds);
  show('decoder by mutation', byKind, seconds);
}

// 2. End to end.
{
  const r = prng(seed + 1);
  const outcomes = new Map();
  const t0 = performance.now();
  let next = 0;
  const all = Array.from({ length: spawns }, () => conversation(r));
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next < all.length) {
        const input = all[next++];
        const result = await runConversation(ours, serverArgs, input.bytes, 15_000);
        let outcome = result.outcome;
        if (!outcome.startsWith('BAD') && result.replies < input.validReplies) outcome = 'BAD: missing replies to the valid messages';
        if (outcome.startsWith('BAD')) {
          failures++;
          console.log(`${outcome}: ${input.kind} ${JSON.stringify(result.stderr.slice(0, 200))}`);
        }
        count(outcomes, `${input.kind} -> ${outcome}`);
      }
    }),
  );
  show(`end to end: ${spawns} conversations with ${ours}`, outcomes, (performance.now() - t0) / 1000);
}

console.log(failures === 0 ? 'no failures' : `${failures} FAILURES`);
process.exit(failures === 0 ? 0 : 1);
