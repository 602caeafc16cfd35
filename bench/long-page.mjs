/**
 * A long page: 100,000 calls that each create a Lua function and hand it to
 * PHP, which drops it again. Scribunto then sends cleanupChunks before its
 * next request, as LuaStandaloneInterpreter::cleanupLuaChunks does, so the
 * interpreter's memory must stay bounded. Prints the resident set size (from
 * /proc/<pid>/status) of our binary and of lua5.1 with the reference server
 * every 20,000 calls.
 *
 *   node bench/long-page.mjs [--calls N] [--ours path]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProtocolClient } from './protocol-client.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const calls = Number(option('--calls', '100000'));
const ours = option('--ours', process.env.MW_LUA_UNDER_TEST ?? path.join(repo, 'bin', 'mw-lua-standalone'));
const includes = '/usr/share/mediawiki/extensions-core/Scribunto/includes';
const mwMain = path.join(includes, 'engines', 'LuaStandalone', 'mw_main.lua');

function residentMegabytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) / 1024;
}

async function measure(name, command) {
  const client = new ProtocolClient(command, [mwMain, includes, '1', '8']);
  const makeFunction = await client.loadString('local n = ... return function() return n end', '=longpage');
  const samples = [];
  const started = Date.now();
  for (let i = 1; i <= calls; i++) {
    await client.call(makeFunction, i);
    // PHP destroyed the function object it received: only the chunk it loaded stays.
    await client.cleanupChunks([makeFunction.id]);
    if (i % (calls / 5) === 0) samples.push(`${i}: ${residentMegabytes(client.pid).toFixed(1)} MB`);
  }
  const seconds = (Date.now() - started) / 1000;
  await client.quit();
  console.log(`${name.padEnd(20)} RSS after ${samples.join(', ')}  (${seconds.toFixed(1)} s)`);
}

await measure('mw-lua-standalone', ours);
await measure('lua5.1 (reference)', '/usr/bin/lua5.1');
