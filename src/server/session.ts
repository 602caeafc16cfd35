/**
 * One Scribunto session, from the arguments mw_main.lua gets to the exit
 * status PHP sees: what mw_main.lua does for the reference interpreter, on a
 * Lua state of its own. Direct mode runs one per process (main.ts); a
 * process that outlives its sessions can run one after another, since
 * nothing of a session stays behind outside its Lua state.
 */
import { processCpuMicros } from '../lua51/host-context.js';
import { SessionEnd } from '../lua51/session-end.js';
import { newLua51State } from '../lua51/state.js';
import type { MessageChannel } from './framing.js';
import { readInstalledScribunto } from './installed-scribunto.js';
import { Server } from './server.js';

export interface SessionIo {
  /** The pipes to PHP. */
  readonly channel: MessageChannel;
  /** Writes to the session's standard error. */
  readonly stderr: (text: string) => void;
}

export interface SessionStart {
  /** The process's CPU time when the session began (processCpuMicros); 0 where the process is the session. */
  readonly cpuMicrosAtStart: number;
  /** Lua's address-space limit in bytes, null for none; by default the one the process runs under. */
  readonly addressSpaceLimit?: number | null;
}

/** A session that starts now, in a process that was running before it. */
export function startingNow(): SessionStart {
  return { cpuMicrosAtStart: processCpuMicros() };
}

/**
 * Serves PHP until it quits, closes the pipe or breaks the protocol, and
 * returns the exit status. Every failure is one line on `io.stderr` and status 1.
 */
export function runSession(args: readonly string[], io: SessionIo, start: SessionStart): number {
  try {
    const [mwMainPath, includesDir, interpreterIdText, intSizeText] = args;
    const interpreterId = Number(interpreterIdText);
    if (interpreterIdText === undefined || interpreterIdText.trim() === '' || Number.isNaN(interpreterId)) {
      throw new SessionEnd(1, "bad argument #1 to 'MWServer:new' (must be a number or convertible to a number)");
    }
    const intSize = Number(intSizeText);
    if (intSize !== 4 && intSize !== 8) throw new SessionEnd(1, "bad argument #2 to 'MWServer:new' (must be 4 or 8)");
    const scribunto = readInstalledScribunto(mwMainPath!, includesDir ?? '');
    const L = newLua51State({ hostIo: false, ...start });
    return new Server(L, io.channel, { interpreterId, intSize, scribunto }).execute();
  } catch (error) {
    const end = error instanceof SessionEnd ? error : new SessionEnd(1, error instanceof Error ? error.message : String(error));
    if (end.reason !== null) io.stderr(`mw-lua-standalone: ${end.reason.replace(/\s*\n\s*/g, ' ')}\n`);
    return end.status;
  }
}
