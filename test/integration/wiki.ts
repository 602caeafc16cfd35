/**
 * A throwaway MediaWiki (Debian's 1.39 package, used in place and read-only)
 * on SQLite with Scribunto in LuaStandalone mode, and a renderer that shows
 * the fixture pages through it with a chosen Lua interpreter.
 *
 * One wiki is installed per test run into a temp dir (nothing survives the
 * run). At set-up the fixture modules and templates are saved into it once
 * with lua5.1 (each save of a module spawns the interpreter twice to check its
 * syntax: 60 spawns that would cost a Node-based interpreter far more than
 * they test), and the localisation cache is filled. Each render then gets its
 * own copy of that database, so renders with different interpreters start
 * from the same state and can run in parallel. A render saves the fixtures
 * again: pages already up to date are skipped, and Module:SyntaxError, which no
 * interpreter lets through, is checked by the interpreter under test.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const integrationDir = dirname(fileURLToPath(import.meta.url));

export const mediaWikiInstallPath = process.env.MW_INSTALL_PATH ?? '/usr/share/mediawiki';
export const scribuntoExtensionJson = join(
  mediaWikiInstallPath,
  'extensions-core/Scribunto/extension.json',
);
export const fixturesDir = join(integrationDir, 'fixtures');
const renderScript = join(integrationDir, 'render-fixture-pages.php');

/** Interpreter that checks the fixture modules when they are first saved. */
const seedingLuaPath = '/usr/bin/lua5.1';
/**
 * Every language the fixtures touch (mw.language.new, inLanguage,
 * getFallbacksFor): their localisation is cached at set-up, so that parallel
 * renders never rebuild it (which would also cost seconds per language).
 */
const fixtureLanguageCodes = ['en', 'de', 'de-at', 'fr', 'ar', 'ru'];

export interface ThrowawayWiki {
  /** Temp dir holding LocalSettings.php, the pristine data and all renders. */
  readonly rootDir: string;
  readonly localSettingsPath: string;
  /** SQLite files after install.php and the first save of the fixtures; each render works on a copy. */
  readonly pristineDataDir: string;
  /** Seconds each set-up step took: install.php, localisation cache, saving the fixtures. */
  readonly setupSeconds: { install: number; localisationCache: number; fixtureSaves: number };
  /** Removes the whole temp dir. */
  dispose(): Promise<void>;
}

/** What `$wgScribuntoEngineConf['luastandalone']` gets for one render. */
export interface InterpreterSettings {
  /** Executable Scribunto spawns (`luaPath`). */
  readonly luaPath: string;
  /** Bytes; Scribunto passes memoryLimit/1024 to `ulimit -v`. */
  readonly memoryLimitBytes: number;
  /** Seconds of CPU per interpreter process (`ulimit -t`). */
  readonly cpuLimitSeconds: number;
}

export interface RenderedPage {
  /** Raw bytes of ParserOutput::getText(). */
  readonly html: Buffer;
  /** HTML details of script errors (message + backtrace), in page order. */
  readonly scribuntoErrors: readonly string[];
  /** A PHP exception that stopped the render of this page, else null. */
  readonly exception: string | null;
  /** What the interpreter wrote to stderr while this page was rendered. */
  readonly interpreterStderr: string;
  readonly seconds: number;
}

export interface FixtureRendering {
  readonly pages: ReadonlyMap<string, RenderedPage>;
  /**
   * Fixture modules/templates that were not saved, page name => reason (the
   * wiki refuses a module whose syntax check by the interpreter fails).
   */
  readonly saveErrors: Readonly<Record<string, string>>;
  /** What the interpreter wrote to stderr while the fixtures were saved. */
  readonly saveInterpreterStderr: string;
  /** PHP's own stderr (warnings), for diagnosing harness problems. */
  readonly phpStderr: string;
  readonly wallSeconds: number;
}

interface ProcessResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdoutChunks: Buffer[] = [];
    const stderrChunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdoutChunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderrChunks.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdoutChunks).toString('utf8'),
        stderr: Buffer.concat(stderrChunks).toString('utf8'),
      });
    });
  });
}

function describeFailure(what: string, result: ProcessResult): Error {
  const how = result.signal !== null ? `was killed by ${result.signal}` : `exited ${result.exitCode}`;
  return new Error(
    `${what} ${how}\n--- stderr\n${result.stderr.slice(-8000)}\n--- stdout\n${result.stdout.slice(-4000)}`,
  );
}

/**
 * PHP options for every MediaWiki process: MediaWiki 1.39 predates PHP 8.2,
 * whose deprecation notices would flood stderr, and any notice printed on
 * stdout would corrupt the JSON.
 */
const phpIniArgs = ['-d', 'display_errors=stderr', '-d', 'error_reporting=24575' /* E_ALL & ~E_DEPRECATED */];

/**
 * Settings appended to the LocalSettings.php that install.php writes. Values
 * that change per render come from environment variables, so all renders
 * share one settings file.
 */
function integrationSettings(rootDir: string): string {
  const phpString = (value: string): string => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  return `
# ---- appended by mw-lua-standalone test/integration/wiki.ts ----
error_reporting( E_ALL & ~E_DEPRECATED );
$mwlsSetting = static function ( string $name, string $default ): string {
	$value = getenv( $name );
	return ( $value === false || $value === '' ) ? $default : $value;
};
# Each render works on its own copy of the database (see wiki.ts).
$wgSQLiteDataDir = $mwlsSetting( 'MWLS_DATA_DIR', $wgSQLiteDataDir );
$wgObjectCaches[CACHE_DB]['server']['dbDirectory'] = $wgSQLiteDataDir;
$wgCacheDirectory = "$wgSQLiteDataDir/cache";
# Localisation: filled once at set-up, then only read (renders run in parallel).
$wgLocalisationCacheConf['store'] = 'files';
$wgLocalisationCacheConf['storeDirectory'] = ${phpString(join(rootDir, 'l10n-cache'))};
# Nothing cached between processes: every render parses for real.
$wgMainCacheType = CACHE_NONE;
$wgParserCacheType = CACHE_NONE;
$wgMessageCacheType = 'hash';
$wgSessionCacheType = 'hash';
$wgMainStash = 'hash';
$wgJobTypeConf['default'] = [ 'class' => JobQueueMemory::class, 'order' => 'fifo' ];
$wgJobRunRate = 0;
$wgShowExceptionDetails = true;

wfLoadExtension( 'Scribunto', ${phpString(scribuntoExtensionJson)} );
$wgScribuntoDefaultEngine = 'luastandalone';
$wgScribuntoUseGeSHi = false;
$wgScribuntoUseCodeEditor = false;
$wgScribuntoEngineConf['luastandalone']['luaPath'] = $mwlsSetting( 'MWLS_LUA_PATH', '/usr/bin/lua5.1' );
$wgScribuntoEngineConf['luastandalone']['memoryLimit'] = (int)$mwlsSetting( 'MWLS_MEMORY_LIMIT', '52428800' );
$wgScribuntoEngineConf['luastandalone']['cpuLimit'] = (int)$mwlsSetting( 'MWLS_CPU_LIMIT', '7' );
$wgScribuntoEngineConf['luastandalone']['errorFile'] = $mwlsSetting( 'MWLS_ERROR_FILE', '/dev/null' );
`;
}

/** Installs a fresh wiki into a new temp dir and saves the fixtures into it (a few seconds). */
export async function createThrowawayWiki(): Promise<ThrowawayWiki> {
  if (!existsSync(scribuntoExtensionJson)) {
    throw new Error(
      `No Scribunto at ${scribuntoExtensionJson}: install Debian's mediawiki package (or set MW_INSTALL_PATH)`,
    );
  }
  const rootDir = await mkdtemp(join(tmpdir(), 'mwls-wiki-'));
  const pristineDataDir = join(rootDir, 'pristine-data');
  const localSettingsPath = join(rootDir, 'LocalSettings.php');
  await mkdir(pristineDataDir);
  const setupSeconds = { install: 0, localisationCache: 0, fixtureSaves: 0 };
  const wiki: ThrowawayWiki = {
    rootDir,
    localSettingsPath,
    pristineDataDir,
    setupSeconds,
    dispose: () => rm(rootDir, { recursive: true, force: true }),
  };
  let stepStart = performance.now();
  const stepSeconds = (): number => {
    const now = performance.now();
    const seconds = (now - stepStart) / 1000;
    stepStart = now;
    return seconds;
  };
  try {
    // install.php refuses to run when a LocalSettings.php already exists at
    // --confpath, and it must run from the install path (it finds $IP there).
    const install = await runProcess(
      'php',
      [
        ...phpIniArgs,
        'maintenance/install.php',
        '--quiet',
        '--dbtype', 'sqlite',
        '--dbpath', pristineDataDir,
        '--dbname', 'integrationwiki',
        '--confpath', rootDir,
        '--server', 'http://localhost',
        '--scriptpath', '/w',
        '--lang', 'en',
        '--pass', 'Integration-Test-Admin-1',
        '--skins', '',
        'IntegrationWiki',
        'Admin',
      ],
      { cwd: mediaWikiInstallPath },
    );
    if (install.exitCode !== 0 || !existsSync(localSettingsPath)) {
      throw describeFailure('maintenance/install.php', install);
    }
    await appendFile(localSettingsPath, integrationSettings(rootDir));
    setupSeconds.install = stepSeconds();

    const warm = await runProcess(
      'php',
      [...phpIniArgs, renderScript, '--conf', localSettingsPath, '--warm-languages', fixtureLanguageCodes.join(',')],
      { env: { ...process.env, MWLS_DATA_DIR: pristineDataDir } },
    );
    if (warm.exitCode !== 0) {
      throw describeFailure('localisation cache warm-up', warm);
    }
    setupSeconds.localisationCache = stepSeconds();

    const seed = await runProcess(
      'php',
      [...phpIniArgs, renderScript, '--conf', localSettingsPath, '--fixtures', fixturesDir, '--save-only'],
      { env: { ...process.env, MWLS_DATA_DIR: pristineDataDir, MWLS_LUA_PATH: seedingLuaPath } },
    );
    if (seed.exitCode !== 0) {
      throw describeFailure('saving the fixtures into the new wiki', seed);
    }
    setupSeconds.fixtureSaves = stepSeconds();
  } catch (error) {
    await wiki.dispose();
    throw error;
  }
  return wiki;
}

interface RenderScriptOutput {
  fixturePages: Record<
    string,
    {
      htmlBase64: string | null;
      scribuntoErrors: string[];
      exception: string | null;
      interpreterStderr: string | null;
      seconds: number;
    }
  >;
  saveErrors: Record<string, string>;
}

/**
 * Saves the fixture modules and templates into a fresh copy of the wiki's
 * database and renders every page of `pagesDir`, all in one PHP process, with
 * the given interpreter. `renderName` names the per-render folder (data copy
 * and the interpreter's stderr logs, one per page).
 */
export async function renderFixturePages(
  wiki: ThrowawayWiki,
  interpreter: InterpreterSettings,
  renderName: string,
  pagesDir: string = join(fixturesDir, 'pages'),
): Promise<FixtureRendering> {
  const startTime = performance.now();
  const renderDir = join(wiki.rootDir, `render-${renderName}`);
  const dataDir = join(renderDir, 'data');
  const saveStderrFile = join(renderDir, 'interpreter-stderr-saving.log');
  const pageStderrDir = join(renderDir, 'interpreter-stderr');
  await rm(renderDir, { recursive: true, force: true });
  await cp(wiki.pristineDataDir, dataDir, { recursive: true });
  await mkdir(pageStderrDir);

  const result = await runProcess(
    'php',
    [
      ...phpIniArgs,
      renderScript,
      '--conf', wiki.localSettingsPath,
      '--fixtures', fixturesDir,
      '--pages', pagesDir,
      '--interpreter-stderr-dir', pageStderrDir,
    ],
    {
      env: {
        ...process.env,
        MWLS_DATA_DIR: dataDir,
        MWLS_LUA_PATH: interpreter.luaPath,
        MWLS_MEMORY_LIMIT: String(interpreter.memoryLimitBytes),
        MWLS_CPU_LIMIT: String(interpreter.cpuLimitSeconds),
        MWLS_ERROR_FILE: saveStderrFile,
      },
    },
  );
  const saveInterpreterStderr = existsSync(saveStderrFile) ? await readFile(saveStderrFile, 'utf8') : '';
  if (result.exitCode !== 0) {
    throw describeFailure(`Rendering the fixtures with ${interpreter.luaPath}`, result);
  }
  let parsed: RenderScriptOutput;
  try {
    parsed = JSON.parse(result.stdout) as RenderScriptOutput;
  } catch {
    throw describeFailure(`Rendering with ${interpreter.luaPath} printed no JSON:`, result);
  }

  const pages = new Map<string, RenderedPage>();
  for (const [pageName, page] of Object.entries(parsed.fixturePages)) {
    pages.set(pageName, {
      html: Buffer.from(page.htmlBase64 ?? '', 'base64'),
      scribuntoErrors: page.scribuntoErrors,
      exception: page.exception,
      interpreterStderr: page.interpreterStderr ?? '',
      seconds: page.seconds,
    });
  }
  return {
    pages,
    saveErrors: parsed.saveErrors,
    saveInterpreterStderr,
    phpStderr: result.stderr,
    wallSeconds: (performance.now() - startTime) / 1000,
  };
}
