/**
 * The Node.js this runs on against package.json's "engines" (">=N"), the one
 * place the oldest usable major version is written (install/node-version.mjs
 * reads it too, at install, before anything is built).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface NodeVersionCheck {
  /** The "engines" requirement, as package.json writes it. */
  readonly required: string;
  /** The oldest usable major version. */
  readonly oldest: number;
  readonly tooOld: boolean;
}

export function checkNodeVersion(): NodeVersionCheck {
  const { engines } = require('../package.json') as { engines: { node: string } };
  const oldest = Number(/^>=\s*(\d+)/.exec(engines.node)?.[1]);
  return { required: engines.node, oldest, tooOld: Number(process.versions.node.split('.')[0]) < oldest };
}

/** What this Node.js is, for messages: its version and path. */
export function thisNode(): string {
  return `Node.js ${process.versions.node} (${process.execPath})`;
}
