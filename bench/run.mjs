#!/usr/bin/env node
/**
 * `npm run bench -- [--quick] [--ours <path>]`: runs mw-lua-standalone
 * (bin/mw-lua-standalone, or $MW_LUA_UNDER_TEST, or --ours) and Debian's
 * /usr/bin/lua5.1 side by side and prints, per figure, `name  ours  lua5.1
 * ratio` where ratio = ours / lua5.1 (for times and memory, above 1 means we
 * are slower or bigger; for the one rate, below 1 means we are slower).
 * Runs of the two interpreters alternate, so drift in machine load hits both.
 *
 * The figures:
 *  1. "spawn to first reply": server mode with Scribunto's argv (mw_main.lua
 *     <includes> <id> <intSize>); time from spawn() to the reply to one
 *     loadString, the first message PHP sends. Median of N processes.
 *  2. "Scribunto engine load": what a page parse pays before its first
 *     {{#invoke:}}. bench/scribunto-load.php boots a throwaway MediaWiki 1.39
 *     (SQLite, installed into a temp dir by this script) and times the real
 *     Scribunto_LuaStandaloneEngine::load() with luaPath = each interpreter:
 *     spawn through lua_ulimit.sh, mwInit.lua, mw.lua and all the mw.*
 *     libraries, then getStatus. Median of N parses, after one warm-up each.
 *  3. "Lua->PHP->Lua round trips": a function registered with registerLibrary
 *     called in a Lua loop; each call is a protocol message to the client and
 *     its reply. The "PHP" side is bench/protocol-client.mjs in this Node
 *     process (the same for both interpreters), so compare the ratio more than
 *     the absolute rate. One process each, warmed up with 1000 calls; batches
 *     alternate between the two; median of 7 batches (3 with --quick).
 *  4. CPU-bound scripts (bench/cpu/*.lua) in plain script mode: the CPU time
 *     (user + system) the process used, as the kernel counts it for its exit
 *     (GNU time's rusage, so Debian's `time` package is needed), best of 5
 *     (2 with --quick): CPU time is what cpuLimit counts, and the best run is
 *     the one other work on the machine disturbed least. "net" subtracts the
 *     best CPU time of bench/cpu/empty.lua for the same interpreter, leaving
 *     the work itself. Each script prints a checksum; differing output is
 *     flagged. The wiki-*.lua scripts run Scribunto's own pure-Lua libraries
 *     from Debian's mediawiki package (bench/wiki/scribunto-libs.lua).
 *  5. Peak RSS: for server processes, VmHWM from /proc/<pid>/status read just
 *     before quitting (idle after the first reply; after the Scribunto load,
 *     read by the PHP script); for scripts, the maximum resident size the
 *     kernel reports at exit, the largest of the runs.
 *
 * --quick runs fewer repetitions and skips the MediaWiki engine load (the
 * slowest part to set up). The full run takes about 1-3 minutes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ProtocolClient } from './protocol-client.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const scribuntoIncludes = '/usr/share/mediawiki/extensions-core/Scribunto/includes';
const mwMain = join(scribuntoIncludes, 'engines', 'LuaStandalone', 'mw_main.lua');
const mediaWikiInstallPath = process.env.MW_INSTALL_PATH ?? '/usr/share/mediawiki';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    ours: { type: 'string', default: process.env.MW_LUA_UNDER_TEST ?? join(repoRoot, 'bin', 'mw-lua-standalone') },
  },
});

const interpreters = [
  { name: 'ours', command: options.ours },
  { name: 'lua5.1', command: '/usr/bin/lua5.1' },
];

const repetitions = options.quick
  ? { spawn: 5, engineLoad: 0, roundTripCalls: 2000, roundTripBatches: 3, script: 2 }
  : { spawn: 15, engineLoad: 7, roundTripCalls: 5000, roundTripBatches: 7, script: 5 };

/** No single process may take longer than this: a hung interpreter must not hang the bench. */
const processTimeoutMs = 120_000;

/** Summary rows: { name, unit, values: [ours, lua5.1], note? }. */
const rows = [];

function loadAverage() {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

function progress(text) {
  process.stderr.write(`${text}\n`);
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs `measure(interpreter)` `count` times per interpreter, alternating; returns a list of results per interpreter. */
async function alternate(count, measure) {
  const results = interpreters.map(() => []);
  for (let run = 0; run < count; run++) {
    for (const [index, interpreter] of interpreters.entries()) {
      results[index].push(await measure(interpreter));
    }
  }
  return results;
}

function peakRssKb(pid) {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match ? Number(match[1]) : null;
  } catch {
    return null; // the process has already gone
  }
}

/** A server process as Scribunto spawns the first one of a request (without lua_ulimit.sh): id 0, 64-bit PHP. */
function startServer(interpreter) {
  return new ProtocolClient(interpreter.command, [mwMain, scribuntoIncludes, '0', '8']);
}

/** What a failed spawnSync() said: its spawn error (no stdout/stderr then) or the tail of its output. */
function describeOutput(result) {
  if (result.error) return String(result.error);
  return `exit ${result.status ?? result.signal}\n${(result.stderr ?? '').slice(-3000)}${(result.stdout ?? '').slice(-2000)}`;
}

async function withTimeout(promise, what, client) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      client.kill();
      reject(new Error(`${what} took over ${processTimeoutMs / 1000} s`));
    }, processTimeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function benchSpawnToFirstReply() {
  progress(`spawn to first reply: ${repetitions.spawn} processes each`);
  const results = await alternate(repetitions.spawn, async (interpreter) => {
    const start = performance.now();
    const client = startServer(interpreter);
    await withTimeout(client.loadString('return 1', '=bench'), `${interpreter.name} first reply`, client);
    const seconds = (performance.now() - start) / 1000;
    const rssKb = peakRssKb(client.pid);
    await client.quit();
    return { seconds, rssKb };
  });
  rows.push({ name: 'spawn to first reply (loadString)', unit: 'ms', values: results.map((r) => median(r.map((x) => x.seconds)) * 1000) });
  rows.push({ name: 'peak RSS: server idle after first reply', unit: 'MB', values: results.map((r) => median(r.map((x) => x.rssKb)) / 1024) });
}

/** MediaWiki 1.39 predates PHP 8.2, whose deprecation notices would flood stderr (and stdout). */
const phpIniArgs = ['-d', 'display_errors=stderr', '-d', 'error_reporting=24575'];

/** Installs a throwaway SQLite wiki with Scribunto into a temp dir; returns its LocalSettings.php path. */
async function installThrowawayWiki(rootDir) {
  const dataDir = join(rootDir, 'data');
  await mkdir(dataDir);
  const install = spawnSync(
    'php',
    [
      ...phpIniArgs,
      'maintenance/install.php', '--quiet',
      '--dbtype', 'sqlite', '--dbpath', dataDir, '--dbname', 'benchwiki',
      '--confpath', rootDir, '--server', 'http://localhost', '--scriptpath', '/w',
      '--lang', 'en', '--pass', 'Bench-Admin-Password-1', '--skins', '',
      'BenchWiki', 'Admin',
    ],
    { cwd: mediaWikiInstallPath, encoding: 'utf8', timeout: processTimeoutMs },
  );
  const localSettings = join(rootDir, 'LocalSettings.php');
  if (install.status !== 0 || !existsSync(localSettings)) {
    throw new Error(`maintenance/install.php failed: ${describeOutput(install)}`);
  }
  await appendFile(
    localSettings,
    `
error_reporting( E_ALL & ~E_DEPRECATED );
wfLoadExtension( 'Scribunto', '${mediaWikiInstallPath}/extensions-core/Scribunto/extension.json' );
$wgScribuntoDefaultEngine = 'luastandalone';
$wgMainCacheType = CACHE_NONE;
$wgLocalisationCacheConf['store'] = 'files';
$wgLocalisationCacheConf['storeDirectory'] = '${rootDir}/l10n-cache';
`,
  );
  return localSettings;
}

async function benchScribuntoEngineLoad() {
  const name = 'Scribunto engine load (real PHP, MW 1.39)';
  if (repetitions.engineLoad === 0) {
    rows.push({ name, unit: 'ms', values: [null, null], note: 'skipped (--quick)' });
    return;
  }
  progress(`Scribunto engine load: installing a throwaway wiki, then ${repetitions.engineLoad} loads each`);
  const rootDir = await mkdtemp(join(tmpdir(), 'mwls-bench-wiki-'));
  try {
    const localSettings = await installThrowawayWiki(rootDir);
    const load = spawnSync(
      'php',
      [
        ...phpIniArgs,
        join(benchDir, 'scribunto-load.php'),
        '--conf', localSettings,
        '--runs', String(repetitions.engineLoad),
        ...interpreters.flatMap((interpreter) => ['--lua', interpreter.command]),
      ],
      { encoding: 'utf8', timeout: processTimeoutMs * 2 },
    );
    if (load.status !== 0) throw new Error(`scribunto-load.php failed: ${describeOutput(load)}`);
    const results = JSON.parse(load.stdout);
    rows.push({ name, unit: 'ms', values: results.map((runs) => median(runs.map((run) => run.seconds)) * 1000) });
    rows.push({
      name: 'peak RSS: after Scribunto engine load',
      unit: 'MB',
      values: results.map((runs) => median(runs.map((run) => run.peakRssKb)) / 1024),
    });
  } catch (error) {
    progress(String(error.stack ?? error));
    rows.push({ name, unit: 'ms', values: [null, null], note: `failed: ${String(error.message).split('\n')[0]}` });
  } finally {
    await rm(rootDir, { recursive: true, force: true });
  }
}

const roundTripLua = `
local echo = bench.echo
return function(n)
  local sum = 0
  for i = 1, n do
    sum = sum + echo(i)
  end
  return sum
end
`;

async function benchRoundTrips() {
  const calls = repetitions.roundTripCalls;
  progress(`Lua->PHP->Lua round trips: ${repetitions.roundTripBatches} batches of ${calls} calls each`);
  // Both servers stay up and their batches alternate, so a busy moment on the
  // machine does not land on one interpreter only.
  const loops = await Promise.all(
    interpreters.map(async (interpreter) => {
      const client = startServer(interpreter);
      const setUp = async () => {
        await client.registerLibrary('bench', { echo: (value) => [value] });
        const chunk = await client.loadString(roundTripLua, '=roundtrip');
        const [loop] = await client.call(chunk);
        await client.call(loop, Math.min(1000, calls)); // warm-up
        return loop;
      };
      return { interpreter, client, loop: await withTimeout(setUp(), `${interpreter.name} round-trip set-up`, client) };
    }),
  );
  const rates = loops.map(() => []);
  for (let batch = 0; batch < repetitions.roundTripBatches; batch++) {
    for (const [index, { interpreter, client, loop }] of loops.entries()) {
      const start = performance.now();
      const [sum] = await withTimeout(client.call(loop, calls), `${interpreter.name} round trips`, client);
      if (sum !== (calls * (calls + 1)) / 2) throw new Error(`${interpreter.name}: round-trip loop returned ${sum}`);
      rates[index].push(calls / ((performance.now() - start) / 1000));
    }
  }
  await Promise.all(loops.map(({ client }) => client.quit()));
  rows.push({ name: 'Lua->PHP->Lua round trips (higher is better)', unit: '/s', values: rates.map(median) });
}

/** GNU time, which reports the rusage the kernel keeps for a child at its exit. */
const gnuTime = '/usr/bin/time';

/** Runs a script to completion under GNU time; returns its CPU seconds (user + system), peak RSS and stdout. */
async function runScript(interpreter, script) {
  const usageFile = join(await scratchDir(), 'usage');
  return new Promise((resolve, reject) => {
    const child = spawn(gnuTime, ['-f', '%U %S %M', '-o', usageFile, interpreter.command, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), processTimeoutMs);
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => (stderr += data));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`${interpreter.name} ${basename(script)}: exit ${code ?? signal}\n${stderr.slice(-2000)}`));
        return;
      }
      const [user, system, maxRssKb] = readFileSync(usageFile, 'latin1').trim().split('\n').at(-1).split(' ').map(Number);
      resolve({ cpuSeconds: user + system, rssKb: maxRssKb, stdout });
    });
  });
}

let scratch = null;
/** One temporary folder for the whole run, removed at exit. */
async function scratchDir() {
  scratch ??= await mkdtemp(join(tmpdir(), 'mw-lua-bench-'));
  return scratch;
}

async function benchScripts() {
  const cpuDir = join(benchDir, 'cpu');
  const scripts = readdirSync(cpuDir)
    .filter((file) => file.endsWith('.lua'))
    .sort((a, b) => (a === 'empty.lua' ? -1 : b === 'empty.lua' ? 1 : a.localeCompare(b)));
  let startupSeconds = null;
  for (const file of scripts) {
    const name = basename(file, '.lua');
    progress(`script ${file}: ${repetitions.script} runs each`);
    let results;
    try {
      results = await alternate(repetitions.script, (interpreter) => runScript(interpreter, join(cpuDir, file)));
    } catch (error) {
      progress(String(error.message));
      rows.push({ name: `script ${name}`, unit: 'ms', values: [null, null], note: `failed: ${String(error.message).split('\n')[0]}` });
      continue;
    }
    const cpuSeconds = results.map((runs) => Math.min(...runs.map((run) => run.cpuSeconds)));
    const peakRssMb = results.map((runs) => Math.max(...runs.map((run) => run.rssKb)) / 1024);
    const outputs = results.map((runs) => runs[0].stdout);
    const details = [];
    if (file === 'empty.lua') {
      startupSeconds = cpuSeconds;
    } else if (startupSeconds) {
      details.push(`net of startup ${describePair(cpuSeconds.map((s, i) => (s - startupSeconds[i]) * 1000), 'ms')}`);
    }
    details.push(`peak RSS ${describePair(peakRssMb, 'MB')}`);
    if (outputs[0] !== outputs[1]) {
      details.push(`OUTPUT DIFFERS: ours ${JSON.stringify(outputs[0])}, lua5.1 ${JSON.stringify(outputs[1])}`);
    }
    const rowName = file === 'empty.lua' ? 'script startup: empty.lua (CPU)' : `script ${name} (CPU)`;
    rows.push({ name: rowName, unit: 'ms', values: cpuSeconds.map((s) => s * 1000), note: details.join('; ') });
  }
}

function formatValue(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  if (unit === '/s') return `${Math.round(value).toLocaleString('en-US')} /s`;
  return `${value.toFixed(value < 10 ? 2 : 1)} ${unit}`;
}

function formatRatio([ours, reference]) {
  return ours !== null && reference ? `${(ours / reference).toFixed(2)}x` : '-';
}

/** "ours / lua5.1 = ratio", for figures that ride along in the notes column. */
function describePair(values, unit) {
  return `${values.map((value) => formatValue(value, unit)).join(' / ')} = ${formatRatio(values)}`;
}

function printTable() {
  const lines = rows.map((row) => {
    const [ours, reference] = row.values;
    return [row.name, formatValue(ours, row.unit), formatValue(reference, row.unit), formatRatio(row.values), row.note ?? ''];
  });
  const header = ['name', 'ours', 'lua5.1', 'ratio', 'notes (ours / lua5.1 = ratio)'];
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column].length)));
  const format = (line) =>
    line
      .map((cell, column) => (column === 0 || column === 4 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ')
      .trimEnd();
  console.log(`\nours = ${interpreters[0].command}\nlua5.1 = ${interpreters[1].command}\nratio = ours / lua5.1`);
  console.log(`load average before / after: ${loadBefore} / ${loadAverage()} on ${cpus().length} CPUs (other work skews the figures)\n`);
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

/** Fails early, with the interpreter's own words, when ours cannot run at all, or when GNU time is missing. */
function checkInterpreters() {
  if (!existsSync(gnuTime)) {
    console.error(`${gnuTime} is missing: the scripts' CPU time is measured with GNU time (apt-get install time)`);
    process.exit(1);
  }
  for (const interpreter of interpreters) {
    const check = spawnSync(interpreter.command, ['-e', 'print(1)'], { encoding: 'utf8', timeout: 60_000 });
    if (check.status !== 0 || check.stdout.trim() !== '1') {
      console.error(`${interpreter.name} (${interpreter.command}) cannot run -e 'print(1)': ${describeOutput(check)}`);
      process.exit(1);
    }
  }
}

checkInterpreters();
const loadBefore = loadAverage();
const benchStart = performance.now();
await benchSpawnToFirstReply();
await benchScribuntoEngineLoad();
await benchRoundTrips();
await benchScripts();
printTable();
if (scratch) await rm(scratch, { recursive: true, force: true });
console.log(`\nbench took ${((performance.now() - benchStart) / 1000).toFixed(0)} s${options.quick ? ' (--quick)' : ''}`);
