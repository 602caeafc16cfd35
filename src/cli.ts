/**
 * Entry point. Scribunto runs `<luaPath> <dir>/mw_main.lua <includesDir>
 * <interpreterId> <intSize>`: that is server mode. Anything else is a plain
 * Lua 5.1 interpreter with the `lua` binary's usual options.
 */
import path from 'node:path';
import { runScripts } from './script-mode.js';
import { runServer } from './server/main.js';

const args = process.argv.slice(2);
if (args.length > 0 && path.basename(args[0]!) === 'mw_main.lua') {
  runServer(args);
} else {
  await runScripts(args);
}
