/**
 * Writes dist/node-path: the absolute path of the Node.js running the
 * install, which bin/mw-lua-standalone runs (the web server's PATH may not
 * lead to it). The code cache built beside it serves that same Node.js.
 */
import fs from 'node:fs';

export function recordNode() {
  try {
    fs.writeFileSync(new URL('../dist/node-path', import.meta.url), `${process.execPath}\n`);
  } catch (e) {
    console.error(`mw-lua-standalone: could not record the Node.js path in dist/node-path (${e.message}); the command will run the PATH's node`);
  }
}
