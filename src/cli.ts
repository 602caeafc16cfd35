/**
 * Entry point. Scribunto runs `<luaPath> <dir>/mw_main.lua <includesDir>
 * <interpreterId> <intSize>`: that is server mode. Anything else is a plain
 * Lua 5.1 interpreter with the `lua` binary's usual options.
 *
 * The modules are imported here, inside the handler, so that even a failure to
 * load them (a Fengari that no longer takes our patches) ends with one line on
 * stderr and status 1 rather than a stack trace. Only here does the status a
 * session ends with become the process's.
 */
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
try {
  if (args.length > 0 && path.basename(args[0]!) === 'mw_main.lua') {
    const { runServer } = await import('./server/main.js');
    process.exit(runServer(args));
  } else {
    const { runScripts } = await import('./script-mode.js');
    process.exitCode = await runScripts(args);
  }
} catch (error) {
  fs.writeSync(2, `mw-lua-standalone: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
