/**
 * The V8 code cache of Fengari's modules (src/lua51/fengari-code-cache.ts): an
 * entry serves only its exact source under the runtime that wrote it, a damaged
 * file serves nothing, and the cache the build writes is taken by the binary.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { binaryNodeFlags } from '../src/build/node-flags.js';
import { readCodeCache, writeCodeCache } from '../src/lua51/fengari-code-cache.js';
import { REPO_ROOT } from './support/interpreters.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mwls-code-cache-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const SOURCE = '(function () { return function add(a, b) { return a + b; }; })';

function writeOne(name: string, source = SOURCE): URL {
  const file = pathToFileURL(path.join(scratch, name));
  const script = new vm.Script(source);
  (script.runInThisContext() as () => (a: number, b: number) => number)()(1, 2);
  writeCodeCache([{ name: 'm.js', source, script }], file);
  return file;
}

describe('code cache file', () => {
  it('gives V8 code for the exact source and name only', () => {
    const cache = readCodeCache(writeOne('exact.bin'));
    const code = cache.codeFor('m.js', SOURCE);
    expect(code).toBeInstanceOf(Buffer);
    expect(new vm.Script(SOURCE, { cachedData: code }).cachedDataRejected).toBe(false);
    expect(cache.codeFor('m.js', SOURCE.replace('a + b', 'b + a'))).toBeUndefined();
    expect(cache.codeFor('m.js', `${SOURCE} `)).toBeUndefined();
    expect(cache.codeFor('other.js', SOURCE)).toBeUndefined();
  });

  it('is empty when missing, truncated, padded or not a cache', () => {
    const file = writeOne('damaged.bin');
    const bytes = fs.readFileSync(file);
    const variants: Record<string, Buffer> = {
      truncated: bytes.subarray(0, bytes.length - 1),
      padded: Buffer.concat([bytes, Buffer.from([0])]),
      'bad magic': Buffer.concat([Buffer.from('x'), bytes.subarray(1)]),
      'header length past the end': (() => {
        const copy = Buffer.from(bytes);
        copy.writeUInt32LE(0xffffffff, bytes.indexOf('\n') + 1);
        return copy;
      })(),
      empty: Buffer.alloc(0),
    };
    expect(readCodeCache(pathToFileURL(path.join(scratch, 'missing.bin'))).codeFor('m.js', SOURCE)).toBeUndefined();
    for (const [what, content] of Object.entries(variants)) {
      fs.writeFileSync(file, content);
      expect(readCodeCache(file).codeFor('m.js', SOURCE), what).toBeUndefined();
    }
  });

  it('is empty when another runtime wrote it', () => {
    const file = writeOne('runtime.bin');
    const bytes = fs.readFileSync(file);
    const headerStart = bytes.indexOf('\n') + 1 + 4;
    const headerEnd = headerStart + bytes.readUInt32LE(headerStart - 4);
    const header = JSON.parse(bytes.toString('utf8', headerStart, headerEnd)) as { runtime: string };
    const original = header.runtime;
    header.runtime = original.replace(JSON.stringify(process.execArgv), JSON.stringify([...process.execArgv, '--jitless']));
    expect(header.runtime).not.toBe(original);
    const newHeader = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(newHeader.length);
    fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, headerStart - 4), length, newHeader, bytes.subarray(headerEnd)]));
    expect(readCodeCache(file).codeFor('m.js', SOURCE)).toBeUndefined();
  });
});

describe('the cache the build writes', () => {
  it('compiles every Fengari module of the binary from cached code', () => {
    // The runtime key includes the Node.js flags, so run under the binary's own flags.
    const probe = path.join(scratch, 'probe.mjs');
    fs.writeFileSync(
      probe,
      `const { compiledFengariModules } = await import(${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'dist/lua51/fengari.js')).href)});\n` +
        'console.log(JSON.stringify(compiledFengariModules.map((m) => [m.name, m.script.cachedDataRejected])));\n',
    );
    const run = spawnSync('node', [...binaryNodeFlags(), probe], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const modules = JSON.parse(run.stdout) as Array<[string, boolean | undefined]>;
    expect(modules.length).toBeGreaterThan(30);
    expect(modules.filter(([, rejected]) => rejected !== false)).toEqual([]);
  });
});
