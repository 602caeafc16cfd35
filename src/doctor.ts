/**
 * `mw-lua-standalone doctor [--mw-main PATH] [--mediawiki DIR] [LocalSettings.php]`:
 * checks this interpreter, and a wiki's Scribunto settings when given its
 * LocalSettings.php, one line per check: ok, warn or FAIL, what is wrong and
 * what to do. Exits 0 when nothing failed (warnings allowed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProtocolSession } from './doctor-session.js';
import { checkNodeVersion, thisNode } from './node-version.js';
import { codeCacheState } from './lua51/fengari-code-cache.js';
import { readWikiSettings, type WikiScribuntoSettings } from './wiki-settings.js';

const require = createRequire(import.meta.url);
const PACKAGE_DIR = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const BINARY = path.join(PACKAGE_DIR, 'bin/mw-lua-standalone');
const DEFAULT_MEDIAWIKI_DIR = process.env.MW_INSTALL_PATH ?? '/usr/share/mediawiki';
const MIB = 1024 * 1024;
/** README "Memory": what Node.js takes of `ulimit -v` before Lua gets any. */
const NODE_MEMORY_FLOOR = 800 * MIB;
/** README's recommended memoryLimit, which leaves Lua scripts about 100 MB. */
const RECOMMENDED_MEMORY_LIMIT = 1024 * MIB;
/** Scribunto's defaults (its extension.json), for a wiki that sets none and for the limited session without a wiki. */
const SCRIBUNTO_DEFAULT_CPU_LIMIT = 7;
const SCRIBUNTO_DEFAULT_MEMORY_LIMIT = 50 * MIB;
const SESSION_TIMEOUT_MILLISECONDS = 60_000;

type Status = 'ok' | 'warn' | 'FAIL';

class Report {
  private failed = false;
  check(name: string, status: Status, text: string): void {
    if (status === 'FAIL') this.failed = true;
    fs.writeSync(1, `${status.padEnd(4)}  ${name}: ${text}\n`);
  }
  get exitStatus(): number {
    return this.failed ? 1 : 0;
  }
}

interface DoctorOptions {
  localSettings: string | null;
  mwMain: string;
  mediaWikiDir: string;
}

/** The words after `doctor`, or the usage line when they do not parse. */
function parseOptions(words: readonly string[]): DoctorOptions | string {
  let mediaWikiDir = DEFAULT_MEDIAWIKI_DIR;
  let mwMain: string | null = null;
  let localSettings: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if ((word === '--mw-main' || word === '--mediawiki') && i + 1 < words.length) {
      if (word === '--mw-main') mwMain = words[++i]!;
      else mediaWikiDir = words[++i]!;
    } else if (!word.startsWith('-') && localSettings === null) {
      localSettings = word;
    } else {
      return 'usage: mw-lua-standalone doctor [--mw-main PATH] [--mediawiki DIR] [path/to/LocalSettings.php]';
    }
  }
  mwMain ??= path.join(mediaWikiDir, 'extensions-core/Scribunto/includes/engines/LuaStandalone/mw_main.lua');
  return { localSettings, mwMain, mediaWikiDir };
}

function checkNode(report: Report): void {
  const { required, oldest, tooOld } = checkNodeVersion();
  if (!tooOld) report.check('node', 'ok', `${thisNode()}, ${required} needed`);
  else report.check('node', 'FAIL', `${thisNode()} is too old: install Node.js ${oldest} or later and name it in ${path.join(PACKAGE_DIR, 'dist/node-path')}`);
}

function checkBuild(report: Report): void {
  const missing = ['dist/cli.js', 'dist/server/main.js'].filter((file) => !fs.existsSync(path.join(PACKAGE_DIR, file)));
  let fengari = true;
  try {
    require.resolve('fengari');
  } catch {
    fengari = false;
  }
  if (missing.length > 0 || !fengari) {
    report.check('build', 'FAIL', `${[...missing, ...(fengari ? [] : ['fengari'])].join(', ')} missing: run \`npm ci\` in ${PACKAGE_DIR}`);
  } else {
    report.check('build', 'ok', `dist/ built and Fengari installed in ${PACKAGE_DIR}`);
  }
}

function checkCodeCache(report: Report): void {
  const rebuild = `run \`${process.execPath} ${path.join(PACKAGE_DIR, 'dist/build/code-cache.js')}\` as the owner of ${path.join(PACKAGE_DIR, 'dist')}`;
  switch (codeCacheState()) {
    case 'usable':
      report.check('code cache', 'ok', 'the V8 code cache matches this Node.js and its flags');
      break;
    case 'missing':
      report.check('code cache', 'warn', `no V8 code cache: every interpreter starts slower (compiles Fengari from source); ${rebuild}`);
      break;
    case 'unusable':
      report.check('code cache', 'warn', `the V8 code cache was written by another Node.js or other flags: every interpreter starts slower; ${rebuild}`);
      break;
  }
}

/** Scribunto's command line for `luaPath` and an mw_main.lua: the interpreter alone, or under lua_ulimit.sh as on Linux. */
function scribuntoCommand(luaPath: string, mwMain: string, limits: { cpuLimit: number; memoryLimit: number } | null): [string, string[]] {
  const includesDir = path.dirname(path.dirname(path.dirname(mwMain)));
  const words = [luaPath, mwMain, includesDir, '1', '8'];
  if (limits === null) return [luaPath, words.slice(1)];
  const shellQuote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
  return [
    '/bin/sh',
    [
      path.join(path.dirname(mwMain), 'lua_ulimit.sh'),
      String(limits.cpuLimit),
      String(limits.cpuLimit + 1),
      String(Math.trunc(limits.memoryLimit / 1024)),
      words.map(shellQuote).join(' '),
    ],
  ];
}

async function checkSession(
  report: Report,
  name: string,
  luaPath: string,
  mwMain: string,
  limits: { cpuLimit: number; memoryLimit: number } | null,
): Promise<void> {
  const under = limits ? ` under lua_ulimit.sh (cpuLimit ${limits.cpuLimit} s, memoryLimit ${Math.round(limits.memoryLimit / MIB)} MiB)` : '';
  const [command, args] = scribuntoCommand(luaPath, mwMain, limits);
  const outcome = await runProtocolSession(command, args, SESSION_TIMEOUT_MILLISECONDS);
  if (outcome.ok) report.check(name, 'ok', `loadString and call through ${mwMain}${under} answered in ${outcome.milliseconds} ms`);
  else report.check(name, 'FAIL', `a session through ${mwMain}${under} failed: ${outcome.problem}`);
}

function checkMwMain(report: Report, mwMain: string): boolean {
  if (fs.existsSync(mwMain) && fs.existsSync(path.join(path.dirname(mwMain), 'MWServer.lua'))) {
    report.check('mw_main.lua', 'ok', mwMain);
    return true;
  }
  report.check('mw_main.lua', 'FAIL', `no Scribunto mw_main.lua with MWServer.lua beside it at ${mwMain}: install Scribunto (Debian: mediawiki) or name its file with --mw-main PATH`);
  return false;
}

/** What `luaPath -v` says it is, for a luaPath that is not this interpreter. */
function versionOf(luaPath: string): string {
  const result = spawnSync(luaPath, ['-v'], { encoding: 'utf8', timeout: 30_000 });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n')[0]!.trim() || `no version (status ${String(result.status)})`;
}

function checkLuaPath(report: Report, luaPath: string | null): boolean {
  const fix = `set $wgScribuntoEngineConf['luastandalone']['luaPath'] = '${BINARY}';`;
  if (luaPath === null) {
    report.check('luaPath', 'FAIL', `not set, so Scribunto runs its own bundled lua binary: ${fix}`);
    return false;
  }
  if (!fs.existsSync(luaPath)) {
    report.check('luaPath', 'FAIL', `${luaPath} does not exist: ${fix}`);
    return false;
  }
  try {
    fs.accessSync(luaPath, fs.constants.X_OK);
  } catch {
    report.check('luaPath', 'FAIL', `${luaPath} is not executable (by this user; the web server's may differ): chmod +x it or ${fix}`);
    return false;
  }
  if (fs.realpathSync(luaPath) === fs.realpathSync(BINARY)) report.check('luaPath', 'ok', `${luaPath} is this interpreter`);
  else report.check('luaPath', 'warn', `${luaPath} is not this interpreter (${BINARY}); it says: ${versionOf(luaPath)}`);
  return true;
}

function checkMemoryLimit(report: Report, memoryLimit: number): void {
  const setting = "$wgScribuntoEngineConf['luastandalone']['memoryLimit']";
  const given = `memoryLimit is ${Math.round(memoryLimit / MIB)} MiB`;
  if (memoryLimit < NODE_MEMORY_FLOOR) {
    report.check('memoryLimit', 'FAIL', `${given}, but Node.js needs 800 MiB of address space before Lua gets any, so no interpreter starts: set ${setting} = 1024 * 1024 * 1024; (800 MiB + what Lua scripts may use; README "Memory")`);
  } else if (memoryLimit < RECOMMENDED_MEMORY_LIMIT) {
    report.check('memoryLimit', 'warn', `${given}: Lua scripts get only what is above 800 MiB (1 GiB lets them hold about 100 MB); raise ${setting} if modules run out of memory`);
  } else {
    report.check('memoryLimit', 'ok', `${given} (800 MiB for Node.js, the rest for Lua)`);
  }
}

function checkCpuLimit(report: Report, cpuLimit: number): void {
  const advice = 'Lua runs several times slower than under lua5.1 and each start costs about 0.4 s of CPU: size it from your heaviest page (README "CPU")';
  if (cpuLimit < 2) report.check('cpuLimit', 'warn', `cpuLimit is ${cpuLimit} s, which start-up alone nearly uses: ${advice}`);
  else report.check('cpuLimit', 'ok', `cpuLimit is ${cpuLimit} s; ${advice}`);
}

async function checkWiki(report: Report, options: DoctorOptions, localSettings: string): Promise<void> {
  const read = readWikiSettings(localSettings, options.mediaWikiDir);
  if ('problem' in read) {
    report.check('wiki settings', 'FAIL', `${read.problem}; give the MediaWiki it belongs to with --mediawiki DIR`);
    return;
  }
  const settings: WikiScribuntoSettings = read.settings;
  report.check('wiki settings', 'ok', `read ${localSettings} through ${options.mediaWikiDir}`);
  if (settings.defaultEngine === 'luastandalone') report.check('engine', 'ok', '$wgScribuntoDefaultEngine is luastandalone');
  else report.check('engine', 'warn', `$wgScribuntoDefaultEngine is ${String(settings.defaultEngine)}, so pages do not use luaPath: set $wgScribuntoDefaultEngine = 'luastandalone';`);
  const luaPathUsable = checkLuaPath(report, settings.luaPath);
  const memoryLimit = settings.memoryLimit ?? SCRIBUNTO_DEFAULT_MEMORY_LIMIT;
  checkMemoryLimit(report, memoryLimit);
  const cpuLimit = settings.cpuLimit ?? SCRIBUNTO_DEFAULT_CPU_LIMIT;
  checkCpuLimit(report, cpuLimit);
  if (settings.luaStandaloneDir === null) {
    report.check('wiki session', 'FAIL', `${localSettings} does not load Scribunto: add wfLoadExtension( 'Scribunto' );`);
    return;
  }
  if (!luaPathUsable) return;
  await checkSession(report, 'wiki session', settings.luaPath!, path.join(settings.luaStandaloneDir, 'mw_main.lua'), { cpuLimit, memoryLimit });
}

/** Runs the checks for `doctor <words>`; the exit status. */
export async function runDoctor(words: readonly string[]): Promise<number> {
  const options = parseOptions(words);
  if (typeof options === 'string') {
    fs.writeSync(2, `${options}\n`);
    return 1;
  }
  const report = new Report();
  checkNode(report);
  checkBuild(report);
  checkCodeCache(report);
  if (checkMwMain(report, options.mwMain)) {
    await checkSession(report, 'session', BINARY, options.mwMain, null);
    await checkSession(report, 'session, limited', BINARY, options.mwMain, {
      cpuLimit: SCRIBUNTO_DEFAULT_CPU_LIMIT,
      memoryLimit: RECOMMENDED_MEMORY_LIMIT,
    });
  }
  if (options.localSettings !== null) await checkWiki(report, options, options.localSettings);
  return report.exitStatus;
}
