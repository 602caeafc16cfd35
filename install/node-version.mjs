/**
 * The check of the Node.js version at install: package.json's "engines"
 * (">=N") is the one place the oldest usable major version is written.
 */
import fs from 'node:fs';

/** One line saying what is wrong and what to do, or null when this Node.js will do. */
export function nodeVersionProblem() {
  const { engines } = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const oldest = Number(/^>=\s*(\d+)/.exec(engines.node)?.[1]);
  if (Number(process.versions.node.split('.')[0]) >= oldest) return null;
  return `mw-lua-standalone: Node.js ${process.versions.node} (${process.execPath}) is too old: install Node.js ${oldest} or later`;
}
