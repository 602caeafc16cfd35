/**
 * The "prepare" step of a checkout (`npm ci`, `npm install`, `npm pack`):
 * compiles src/ into dist/, records the Node.js (dist/node-path), then builds
 * the V8 code cache. With the dev dependencies the project's TypeScript
 * compiles and type-checks, as `npm run build` does. Without them
 * (`npm ci --omit=dev`), npm fetches the TypeScript of package-lock.json for
 * this one run and compiles without type checking (--noCheck), which gives
 * the same JavaScript and needs no @types.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { nodeVersionProblem } from './node-version.mjs';
import { recordNode } from './record-node.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(new URL('../package.json', import.meta.url));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The TypeScript version the lockfile pins, else package.json's range. */
function lockedTypeScript() {
  try {
    const lock = JSON.parse(fs.readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
    const locked = lock.packages?.['node_modules/typescript']?.version;
    if (locked) return locked;
  } catch {
    // no lockfile: the range below
  }
  return JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).devDependencies.typescript;
}

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}

let tsc = null;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  tsc = null;
}
if (tsc) {
  run(process.execPath, [tsc, '-p', 'tsconfig.json']);
} else {
  const typescript = `typescript@${lockedTypeScript()}`;
  console.error(`mw-lua-standalone: no dev dependencies: compiling with ${typescript} from the registry, without type checking`);
  // Inside an npm script npm names itself in npm_execpath; run by hand, the npm on the PATH.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  run(npm[0], [...npm.slice(1), 'exec', '--yes', `--package=${typescript}`, '--', 'tsc', '-p', 'tsconfig.json', '--noCheck']);
}
recordNode();
// `npm install -g <checkout>` prepares before it installs the dependencies: then the
// code cache, which loads Fengari, is left to the postinstall step that follows.
let fengariInstalled = true;
try {
  require.resolve('fengari/package.json');
} catch {
  fengariInstalled = false;
}
if (fengariInstalled) run(process.execPath, ['dist/build/code-cache.js']);
