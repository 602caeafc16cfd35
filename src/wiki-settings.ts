/**
 * A wiki's effective Scribunto settings, as its own PHP sees them: MediaWiki's
 * maintenance/eval.php loads the LocalSettings.php (and every default and
 * extension it pulls in) and prints them as JSON on one marked line. This
 * needs no database, so it also works for a wiki that is not installed yet.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface WikiScribuntoSettings {
  /** $wgScribuntoDefaultEngine. */
  readonly defaultEngine: string | null;
  /** $wgScribuntoEngineConf['luastandalone'] as PHP holds it. */
  readonly luaPath: string | null;
  readonly memoryLimit: number | null;
  readonly cpuLimit: number | null;
  /** The LuaStandalone directory of the Scribunto the wiki loads (mw_main.lua, lua_ulimit.sh), or null when it loads none. */
  readonly luaStandaloneDir: string | null;
}

const MARKER = 'MW-LUA-STANDALONE-DOCTOR ';

/** eval.php runs its input line by line: a statement spans lines only with a trailing backslash. */
const PRINT_SETTINGS = `$conf = $wgScribuntoEngineConf['luastandalone'] ?? [];
$scribunto = ExtensionRegistry::getInstance()->getAllThings()['Scribunto']['path'] ?? null; \
echo '${MARKER}' . json_encode( [ \
'defaultEngine' => $wgScribuntoDefaultEngine ?? null, \
'luaPath' => $conf['luaPath'] ?? null, \
'memoryLimit' => $conf['memoryLimit'] ?? null, \
'cpuLimit' => $conf['cpuLimit'] ?? null, \
'scribuntoJson' => $scribunto === null ? null : realpath( $scribunto ), \
] ) . "\\n";
`;

/** The settings, or the one line that says why PHP could not give them. */
export function readWikiSettings(
  localSettingsPath: string,
  mediaWikiDir: string,
): { settings: WikiScribuntoSettings } | { problem: string } {
  const result = spawnSync(
    'php',
    ['-d', 'display_errors=stderr', path.join(mediaWikiDir, 'maintenance/eval.php'), '--conf', path.resolve(localSettingsPath)],
    { input: PRINT_SETTINGS, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.error) return { problem: `could not run php (${result.error.message})` };
  const line = result.stdout.split('\n').find((text) => text.startsWith(MARKER));
  if (line === undefined) {
    const said = `${result.stdout}\n${result.stderr}`.split('\n').find((text) => text.trim() !== '');
    return { problem: `php ${path.join(mediaWikiDir, 'maintenance/eval.php')} --conf ${localSettingsPath} failed${said ? `: ${said.trim()}` : ''}` };
  }
  const raw = JSON.parse(line.slice(MARKER.length)) as {
    defaultEngine: string | null;
    luaPath: string | null;
    memoryLimit: number | null;
    cpuLimit: number | null;
    scribuntoJson: string | false | null;
  };
  return {
    settings: {
      defaultEngine: raw.defaultEngine,
      luaPath: raw.luaPath,
      memoryLimit: raw.memoryLimit,
      cpuLimit: raw.cpuLimit,
      luaStandaloneDir: raw.scribuntoJson ? path.join(path.dirname(raw.scribuntoJson), 'includes/engines/LuaStandalone') : null,
    },
  };
}
