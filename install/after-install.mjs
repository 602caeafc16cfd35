/**
 * The "postinstall" step: refuses a Node.js that is too old, with one line,
 * records the installing Node.js for the command (dist/node-path) when
 * dist/ is built, and builds the V8 code cache when dist/ is built and has none: the package
 * ships dist/ without one (a cache only serves the Node.js that wrote it), and
 * `npm install -g <checkout>` compiles dist/ before Fengari is there to build
 * it. (In a fresh checkout dist/ comes later, with the cache, from "prepare".)
 * Failing to write the cache (a read-only directory) is not fatal: the
 * interpreter then compiles Fengari from source at each start, more slowly.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeVersionProblem } from './node-version.mjs';
import { recordNode } from './record-node.mjs';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}
const builder = new URL('../dist/build/code-cache.js', import.meta.url);
if (fs.existsSync(builder)) recordNode();
if (fs.existsSync(builder) && !fs.existsSync(new URL('../dist/fengari-code-cache.bin', import.meta.url))) {
  const result = spawnSync(process.execPath, [fileURLToPath(builder)], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('mw-lua-standalone: could not build the V8 code cache; the interpreter works, but starts slower');
  }
}
