/**
 * The "postinstall" step: refuses a Node.js that is too old, with one line,
 * and builds the V8 code cache for the Node.js installing the package (the
 * package ships dist/ without one: a cache only serves the Node.js that wrote
 * it). In a checkout (src/ is there) the "prepare" step that follows builds
 * both, so nothing is done here. Failing to write the cache (a read-only
 * directory) is not fatal: the interpreter then compiles Fengari from source
 * at each start, which is slower.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeVersionProblem } from './node-version.mjs';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}
const builder = new URL('../dist/build/code-cache.js', import.meta.url);
if (!fs.existsSync(new URL('../src', import.meta.url)) && fs.existsSync(builder)) {
  const result = spawnSync(process.execPath, [fileURLToPath(builder)], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('mw-lua-standalone: could not build the V8 code cache; the interpreter works, but starts slower');
  }
}
