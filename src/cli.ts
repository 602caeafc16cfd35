/**
 * Entry point. bin/mw-lua-standalone passes the name it was started by, then
 * its own arguments. Scribunto runs `<luaPath> <dir>/mw_main.lua <includesDir>
 * <interpreterId> <intSize>`: that is server mode. `doctor` as the first word
 * checks the set-up (src/doctor.ts). Anything else is lua.c 5.1.
 *
 * The modules are imported here, inside the handler, so that even a failure to
 * load them (a Fengari that no longer takes our patches) ends with one line on
 * stderr and status 1 rather than a stack trace. Only here does the status a
 * session ends with become the process's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkNodeVersion, thisNode } from './node-version.js';

/**
 * package.json's "engines" (">=N") names the oldest Node.js that will do; an
 * older one is refused in one line, even for -v, rather than failing later
 * with a message that names none of that.
 */
function refuseOldNode(): void {
  const { oldest, tooOld } = checkNodeVersion();
  if (!tooOld) return;
  fs.writeSync(2, `mw-lua-standalone: ${thisNode()} is too old: install Node.js ${oldest} or later\n`);
  process.exit(1);
}

const [programName = 'mw-lua-standalone', ...args] = process.argv.slice(2);

/**
 * Scribunto's call, told from a script that happens to be named mw_main.lua:
 * exactly the four arguments LuaStandaloneInterpreter passes, the first an
 * mw_main.lua with Scribunto's MWServer.lua beside it (which server mode reads).
 */
function isScribuntoServerCall(words: readonly string[]): boolean {
  return (
    words.length === 4 &&
    path.basename(words[0]!) === 'mw_main.lua' &&
    fs.existsSync(path.join(path.dirname(words[0]!), 'MWServer.lua'))
  );
}

refuseOldNode();
try {
  if (isScribuntoServerCall(args)) {
    const { runServer } = await import('./server/main.js');
    process.exit(runServer(args));
  } else if (args[0] === 'doctor') {
    const { runDoctor } = await import('./doctor.js');
    process.exit(await runDoctor(args.slice(1)));
  } else if (args.length === 1 && args[0] === '--help') {
    const { helpText } = await import('./help.js');
    fs.writeSync(1, helpText(programName));
  } else {
    const { runScripts } = await import('./script-mode.js');
    process.exit(runScripts([programName, ...args]));
  }
} catch (error) {
  fs.writeSync(2, `mw-lua-standalone: ${startFailure(error)}\n`);
  process.exit(1);
}

/** The one line for a failure to start: what to do when the dependencies are missing, else the error's message. */
function startFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && /'fengari[/']/.test(String((error as Error).message))) {
    return `its dependencies are not installed (no Fengari): run \`npm ci\` in ${path.resolve(fileURLToPath(new URL('..', import.meta.url)))}`;
  }
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
