/**
 * `mw-lua-standalone doctor`: a good set-up passes with exit 0; each bad one
 * fails with the line that names it. The wikis are LocalSettings.php files
 * for Debian's MediaWiki with no database: reading the settings through
 * eval.php needs none, so no install is needed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaWikiInstallPath, scribuntoExtensionJson } from './integration/wiki.js';
import { MW_MAIN, OUR_BINARY } from './support/interpreters.js';

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mwls-doctor-'));
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

function doctor(args: readonly string[]): { status: number | null; lines: string[] } {
  const result = spawnSync(OUR_BINARY, ['doctor', '--mediawiki', mediaWikiInstallPath, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, lines: result.stdout.split('\n').filter((line) => line !== '') };
}

/** The line of the check called `name`. */
function line(lines: readonly string[], name: string): string | undefined {
  return lines.find((text) => new RegExp(`^(ok|warn|FAIL)\\s+${name}: `).test(text));
}

let wikiCount = 0;
/** A LocalSettings.php for Debian's MediaWiki with Scribunto and these luastandalone settings (PHP expressions). */
function localSettings(conf: Record<string, string>): string {
  const file = path.join(tempDir, `LocalSettings-${wikiCount++}.php`);
  const quote = (text: string): string => `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  fs.writeFileSync(
    file,
    `<?php
$wgSitename = 'doctor';
$wgServer = 'http://localhost';
$wgDBtype = 'sqlite';
$wgDBname = 'doctor';
$wgSQLiteDataDir = ${quote(tempDir)};
$wgSecretKey = str_repeat( 'a', 64 );
wfLoadExtension( 'Scribunto', ${quote(scribuntoExtensionJson)} );
$wgScribuntoDefaultEngine = 'luastandalone';
${Object.entries(conf)
  .map(([key, value]) => `$wgScribuntoEngineConf['luastandalone'][${quote(key)}] = ${value};`)
  .join('\n')}
`,
  );
  return file;
}

describe('mw-lua-standalone doctor', () => {
  it('with no argument, passes every check of the interpreter itself, a session through Scribunto included', () => {
    const { status, lines } = doctor([]);
    for (const name of ['node', 'build', 'code cache', 'mw_main.lua', 'session', 'session, limited']) {
      expect(line(lines, name), name).toMatch(/^ok /);
    }
    expect(lines).toHaveLength(6);
    expect(status).toBe(0);
  }, 60_000);

  it("a wiki set up as the README says passes, and its session runs through that wiki's Scribunto under its limits", () => {
    const settings = localSettings({ luaPath: `'${OUR_BINARY}'`, memoryLimit: '1024 * 1024 * 1024', cpuLimit: '10' });
    const { status, lines } = doctor([settings]);
    expect(line(lines, 'luaPath')).toMatch(/^ok .* is this interpreter$/);
    expect(line(lines, 'memoryLimit')).toMatch(/^ok .*memoryLimit is 1024 MiB/);
    expect(line(lines, 'cpuLimit')).toMatch(/^ok .*cpuLimit is 10 s/);
    expect(line(lines, 'wiki session')).toMatch(/^ok .*under lua_ulimit\.sh \(cpuLimit 10 s, memoryLimit 1024 MiB\)/);
    expect(lines.filter((text) => !text.startsWith('ok '))).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it("a memoryLimit of 50 MB fails, saying Node.js needs 800 MiB, and the wiki's session fails with the interpreter's own line", () => {
    const settings = localSettings({ luaPath: `'${OUR_BINARY}'`, memoryLimit: '50 * 1024 * 1024' });
    const { status, lines } = doctor([settings]);
    expect(line(lines, 'memoryLimit')).toMatch(/^FAIL .*memoryLimit is 50 MiB, but Node\.js needs 800 MiB.*set \$wgScribuntoEngineConf\['luastandalone'\]\['memoryLimit'\] = 1024 \* 1024 \* 1024;/);
    expect(line(lines, 'wiki session')).toMatch(/^FAIL .*exited with status 1 before answering; it wrote: .*the address-space limit \(ulimit -v\) is 51200 KB/);
    expect(status).toBe(1);
  }, 60_000);

  it('a luaPath naming a missing file fails, saying which path to set', () => {
    const missing = path.join(tempDir, 'no-such-lua');
    const settings = localSettings({ luaPath: `'${missing}'`, memoryLimit: '1024 * 1024 * 1024' });
    const { status, lines } = doctor([settings]);
    expect(line(lines, 'luaPath')).toBe(
      `FAIL  luaPath: ${missing} does not exist: set $wgScribuntoEngineConf['luastandalone']['luaPath'] = '${OUR_BINARY}';`,
    );
    expect(line(lines, 'wiki session')).toBeUndefined();
    expect(status).toBe(1);
  }, 60_000);

  it('a missing mw_main.lua fails, saying how to name one, and runs no session', () => {
    const missing = path.join(tempDir, 'Scribunto/mw_main.lua');
    const { status, lines } = doctor(['--mw-main', missing]);
    expect(line(lines, 'mw_main.lua')).toMatch(new RegExp(`^FAIL .*at ${missing}: install Scribunto .* or name its file with --mw-main PATH$`));
    expect(line(lines, 'session')).toBeUndefined();
    expect(status).toBe(1);
  }, 60_000);

  it('the mw_main.lua it is given is the one the session runs', () => {
    const { status, lines } = doctor(['--mw-main', MW_MAIN]);
    expect(line(lines, 'session')).toContain(`through ${MW_MAIN} answered`);
    expect(status).toBe(0);
  }, 60_000);

  it('a LocalSettings.php that PHP cannot load fails at reading the settings', () => {
    const broken = path.join(tempDir, 'Broken.php');
    fs.writeFileSync(broken, '<?php this is not php;\n');
    const { status, lines } = doctor([broken]);
    expect(line(lines, 'wiki settings')).toMatch(/^FAIL .*eval\.php --conf .*Broken\.php failed: /);
    expect(status).toBe(1);
  }, 60_000);

  it('--help names doctor and how to run a script of that name', () => {
    const { stdout } = spawnSync(OUR_BINARY, ['--help'], { encoding: 'utf8' });
    expect(stdout).toContain('doctor [--mw-main PATH] [--mediawiki DIR] [path/to/LocalSettings.php]');
    expect(stdout).toContain('A Lua script named doctor runs as ./doctor or -- doctor');
  });

  it('a Lua script named doctor still runs as ./doctor or after --', () => {
    fs.writeFileSync(path.join(tempDir, 'doctor'), 'print("the script named doctor", ...)\n');
    for (const words of [['./doctor'], ['--', 'doctor']]) {
      const result = spawnSync(OUR_BINARY, [...words, 'x'], { cwd: tempDir, encoding: 'utf8' });
      expect(result.stdout).toBe('the script named doctor\tx\n');
    }
  }, 60_000);
});
