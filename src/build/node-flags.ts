/** The Node.js flags bin/mw-lua-standalone runs the interpreter with, read from its `exec "$node" <flags> ".../dist/cli.js" "$0" "$@"` line. */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = new URL('../../bin/mw-lua-standalone', import.meta.url);

export function binaryNodeFlags(): string[] {
  const match = /^exec "\$node" ((?:--[\w-]+(?:=\S+)? )*)"\$here\/\.\.\/dist\/cli\.js" "\$0" "\$@"$/m.exec(fs.readFileSync(BIN, 'utf8'));
  if (!match) throw new Error(`no 'exec "$node" <flags> "$here/../dist/cli.js" "$0" "$@"' line in ${fileURLToPath(BIN)}`);
  return match[1]!.split(' ').filter((flag) => flag !== '');
}
