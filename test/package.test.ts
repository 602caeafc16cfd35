/**
 * The npm package and the ways a broken install shows itself: the package
 * ships what a tarball install needs (and not the tests), an unbuilt checkout
 * and a missing Fengari each say in one line what to run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/interpreters.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mwls-package-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('the npm package', () => {
  it('ships bin/, the built dist/ (without source maps or code cache), the install scripts, the Lua files and the docs', () => {
    const pack = spawnSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(pack.status).toBe(0);
    const files = (JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
    for (const needed of [
      'bin/mw-lua-standalone',
      'dist/cli.js',
      'dist/script-mode.js',
      'dist/server/main.js',
      'dist/lua51/state.js',
      'dist/build/code-cache.js',
      'dist/build/node-flags.js',
      'install/build.mjs',
      'install/after-install.mjs',
      'lua-stdlib/sandbox.lua',
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((file) => /^(src|test|bench|\.ci|node_modules)\/|\.map$|\.bin$|tsconfig/.test(file))).toEqual([]);
  });
});

describe('an incomplete install', () => {
  it('an unbuilt checkout says to run npm ci, in one line, status 1', () => {
    const checkout = path.join(scratch, 'unbuilt');
    fs.mkdirSync(path.join(checkout, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, 'bin', 'mw-lua-standalone'), path.join(checkout, 'bin', 'mw-lua-standalone'));
    const result = spawnSync(path.join(checkout, 'bin', 'mw-lua-standalone'), ['-v'], { encoding: 'utf8' });
    expect(result).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `mw-lua-standalone: this checkout is not built: run \`npm ci\` in ${checkout}\n`,
    });
  });

  it('a build without its dependencies says to run npm ci, in one line, status 1', () => {
    const checkout = path.join(scratch, 'no-dependencies');
    for (const part of ['bin', 'dist', 'lua-stdlib', 'package.json']) {
      fs.cpSync(path.join(REPO_ROOT, part), path.join(checkout, part), { recursive: true });
    }
    const result = spawnSync(path.join(checkout, 'bin', 'mw-lua-standalone'), ['-e', 'print(1)'], { encoding: 'utf8' });
    expect(result).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `mw-lua-standalone: its dependencies are not installed (no Fengari): run \`npm ci\` in ${checkout}\n`,
    });
  });
});

describe('the Node.js the command runs', () => {
  /** A built checkout in the scratch folder, its dependencies those of the repository. */
  function builtCheckout(name: string): string {
    const checkout = path.join(scratch, name);
    for (const part of ['bin', 'dist', 'lua-stdlib', 'package.json']) {
      fs.cpSync(path.join(REPO_ROOT, part), path.join(checkout, part), { recursive: true });
    }
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(checkout, 'node_modules'));
    // What npm ci recorded for this clone is not the copy's: each test says which Node.js it records.
    fs.rmSync(path.join(checkout, 'dist', 'node-path'), { force: true });
    return checkout;
  }

  it('is the one dist/node-path names', () => {
    const checkout = builtCheckout('recorded');
    const fakeNode = path.join(scratch, 'fake-node');
    fs.writeFileSync(fakeNode, '#!/bin/sh\necho "fake node: $*"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(checkout, 'dist', 'node-path'), `${fakeNode}\n`);
    const bin = path.join(checkout, 'bin', 'mw-lua-standalone');
    const result = spawnSync(bin, ['-e', 'x'], { encoding: 'utf8' });
    expect(result.stdout).toBe(`fake node: --v8-pool-size=1 --expose-gc --verify-snapshot-checksum --max-semi-space-size=1 ${checkout}/bin/../dist/cli.js ${bin} -e x\n`);
  });

  it("is the PATH's when dist/node-path names none that exists", () => {
    const checkout = builtCheckout('stale');
    fs.writeFileSync(path.join(checkout, 'dist', 'node-path'), '/nonexistent/node\n');
    const result = spawnSync(path.join(checkout, 'bin', 'mw-lua-standalone'), ['-e', 'print(1)'], { encoding: 'utf8' });
    expect(result).toMatchObject({ status: 0, stdout: '1\n', stderr: '' });
  });

  it('without one, the command says where to name it, in one line, status 1', () => {
    const checkout = builtCheckout('none');
    // A PATH with the tools the script uses, and no node.
    const tools = path.join(scratch, 'tools');
    fs.mkdirSync(tools);
    for (const tool of ['dirname', 'readlink']) fs.symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), path.join(tools, tool));
    const result = spawnSync('/bin/sh', [path.join(checkout, 'bin', 'mw-lua-standalone'), '-v'], { encoding: 'utf8', env: { PATH: tools } });
    expect(result).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `mw-lua-standalone: no Node.js: none recorded in ${checkout}/dist/node-path and no \`node\` on the PATH (${tools}): write the absolute path of Node.js 20 or later into that file\n`,
    });
  });
});
