/**
 * The reference server's own Lua frames, which ours are JavaScript for,
 * described once for everything that shows stack levels to module code:
 * debug.traceback and the structured trace of error replies (through
 * lstack.ts), and getfenv/setfenv at levels past the chunk (lfenv.ts).
 *
 * Under lua5.1 a chunk PHP calls runs in mw_main.lua → MWServer:execute →
 * dispatch → handleCall → xpcall → a closure that tail-calls the chunk; a Lua
 * function that calls PHP is a closure tail-calling MWServer:call, which
 * dispatches (and so handles PHP's nested calls) until PHP replies.
 */
import type { HostFrame } from '../lua51/lfenv.js';
import { TAIL_CALL_FRAME, type Frame51 } from '../lua51/lstack.js';
import type { FrameLines, ServerLines } from './installed-scribunto.js';

export interface ReferenceFrames {
  /** Below a chunk that PHP called at the top level, innermost first. */
  readonly belowChunk: readonly Frame51[];
  /** In place of one of our Lua→PHP functions while PHP handles its call (and calls back into Lua). */
  readonly waitingForPhp: readonly Frame51[];
  /** In place of one of our Lua→PHP functions while it raises the error PHP returned. */
  readonly raisingPhpError: readonly Frame51[];
}

/**
 * The C calls lua5.1 makes below MWServer:execute (lua.c's lua_cpcall of
 * pmain, and docall's lua_pcall of mw_main.lua), which count towards 5.1's
 * limit of 200 nested C calls like the xpcall of every call op.
 */
export const C_CALLS_BELOW_EXECUTE = 2;

export function referenceFrames(lines: ServerLines): ReferenceFrames {
  const method = (name: string, at: FrameLines): Frame51 => ({
    short_src: lines.serverShortSrc,
    what: 'Lua',
    currentline: at.currentline,
    name,
    namewhat: 'method',
    linedefined: at.linedefined,
  });
  // MWServer:call is tail-called by an anonymous closure, so 5.1 cannot name it.
  const callAt = (at: FrameLines): Frame51[] => [
    { short_src: lines.serverShortSrc, what: 'Lua', currentline: at.currentline, namewhat: '', linedefined: at.linedefined },
    TAIL_CALL_FRAME,
  ];
  const cFunction = (name: string): Frame51 => ({
    short_src: '[C]',
    what: 'C',
    currentline: -1,
    name,
    namewhat: 'global',
    linedefined: -1,
  });
  const callBoundary = [TAIL_CALL_FRAME, cFunction('xpcall'), method('handleCall', lines.handleCall), method('dispatch', lines.dispatch)];
  const serverStart: Frame51[] = [
    method('execute', lines.execute),
    { short_src: lines.mainShortSrc, what: 'main', currentline: lines.mainExecute, namewhat: '', linedefined: 0 },
    { short_src: '[C]', what: 'C', currentline: -1, namewhat: '', linedefined: -1 },
  ];
  return {
    belowChunk: [...callBoundary, ...serverStart],
    waitingForPhp: [...callBoundary, ...callAt(lines.call)],
    raisingPhpError: [cFunction('error'), ...callAt(lines.callError)],
  };
}

/** What getfenv finds at each of these levels: a tail call, or a function of the real globals. */
export function hostFramesOf(frames: readonly Frame51[]): HostFrame[] {
  return frames.map((frame) => (frame.what === 'tail' ? 'tail' : 'global'));
}

/** How many of 5.1's CallInfos these frames take: a "(tail call)" level takes none. */
export function callLevels(frames: readonly Frame51[]): number {
  return frames.filter((frame) => frame.what !== 'tail').length;
}
