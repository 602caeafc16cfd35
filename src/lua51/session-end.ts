/**
 * The end of a session, as an exception no Lua code can catch.
 *
 * The reference interpreter ends a session with C's exit(): on quit, on a
 * broken pipe, in os.exit. Here the process may outlive the session (a pool
 * worker runs one after another), so the session ends by throwing SessionEnd
 * up to the session runner, which alone turns it into an exit status.
 * Fengari's protected calls catch every JavaScript exception (pcall, xpcall,
 * coroutine.resume and the native-error handler that makes it a Lua error all
 * run through ldo.js's luaD_rawrunprotected); a substitution there rethrows
 * this class untouched, before any handler runs (fengari-patches.ts).
 */
import { createRequire } from 'node:module';
import './fengari.js';

const require = createRequire(import.meta.url);
const { setSessionEndClass } = require('fengari/src/ldo.js') as {
  setSessionEndClass: (errorClass: typeof SessionEnd) => void;
};

export class SessionEnd extends Error {
  override name = 'SessionEnd';

  /**
   * @param status the exit status the session ends with (PHP reads it as the interpreter's)
   * @param reason one line for standard error, or null when nothing is to be said
   */
  constructor(
    readonly status: number,
    readonly reason: string | null = null,
  ) {
    super(reason ?? `session ended with status ${status}`);
  }
}

setSessionEndClass(SessionEnd);
