/**
 * Server mode: what `mw_main.lua` does for the reference interpreter. Every
 * failure ends the process with a one-line reason on stderr and status 1.
 */
import fs from 'node:fs';
import { newLua51State } from '../lua51/state.js';
import { MessageChannel } from './framing.js';
import { readInstalledScribunto } from './installed-scribunto.js';
import { Server } from './server.js';

export function runServer(args: readonly string[]): never {
  try {
    const [mwMainPath, includesDir, interpreterIdText, intSizeText] = args;
    const interpreterId = Number(interpreterIdText);
    if (interpreterIdText === undefined || interpreterIdText.trim() === '' || Number.isNaN(interpreterId)) {
      return fatal("bad argument #1 to 'MWServer:new' (must be a number or convertible to a number)");
    }
    const intSize = Number(intSizeText);
    if (intSize !== 4 && intSize !== 8) return fatal("bad argument #2 to 'MWServer:new' (must be 4 or 8)");
    const scribunto = readInstalledScribunto(mwMainPath!, includesDir ?? '');
    const L = newLua51State({ hostIo: false });
    const server = new Server(L, new MessageChannel(0, 1), { interpreterId, intSize, scribunto }, fatal);
    return server.execute();
  } catch (error) {
    return fatal(error instanceof Error ? error.message : String(error));
  }
}

/** Writes the reason on stderr and exits 1 at once, even from deep inside Lua calls. */
function fatal(reason: string): never {
  fs.writeSync(2, `mw-lua-standalone: ${reason.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
}
