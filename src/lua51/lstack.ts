/**
 * The call stack as Lua 5.1's debug API reports it, level by level: what
 * debug.traceback prints and Scribunto's structured traces list.
 *
 * It differs from Fengari's: a frame that tail calls replaced is followed by
 * one "(tail call)" level per replaced frame, and a host that runs in place
 * of Lua code of the reference interpreter (the Scribunto server) shows that
 * code's frames instead of its own JavaScript ones.
 */
import { lua } from './fengari.js';
import type { LuaDebug, LuaState, StringArg } from './fengari-api.js';
import { hostOf } from './host-context.js';
import { isMakingTailCallAt, lostTailCallsAt, stackFrom } from './lcallinfo.js';

/** One stack level, as 5.1's `debug.getinfo(level, 'nSl')` describes it. */
export interface Frame51 {
  readonly short_src: StringArg;
  readonly what: StringArg;
  readonly currentline: number;
  /** Absent where 5.1 finds no name. */
  readonly name?: StringArg;
  readonly namewhat: StringArg;
  readonly linedefined: number;
}

/** The level 5.1 shows for a frame a tail call replaced (its getinfo names it ""). */
export const TAIL_CALL_FRAME: Frame51 = {
  short_src: '(tail call)',
  what: 'tail',
  currentline: -1,
  name: '',
  namewhat: '',
  linedefined: -1,
};

/** A host whose JavaScript runs where the reference interpreter ran Lua code. */
export interface HostStack {
  /** The frames below the bottom of the main thread's stack, innermost first. */
  readonly below: readonly Frame51[];
  /**
   * The frames that stand for the host's own function at the level `ar`
   * describes, innermost first, or null for a function that stands for itself.
   * They end in a Lua function of the reference: a caller that tail-called
   * the host function was replaced by it there.
   */
  framesFor(L: LuaState, ar: LuaDebug): readonly Frame51[] | null;
}

/** The Scribunto server installs itself in its state; plain scripts have no host frames. */
export function setHostStack(L: LuaState, stack: HostStack): void {
  hostOf(L).hostStack = stack;
}

/** The 5.1 levels of the stack of `L` from Fengari's level `level` to the bottom, innermost first. */
export function stack51(L: LuaState, level: number): Frame51[] {
  const host = hostOf(L).hostStack;
  const frames: Frame51[] = [];
  const records = stackFrom(L, level);
  for (let i = 0; i < records.length; i++) {
    const ar = records[i]!;
    const standIns = host?.framesFor(L, ar) ?? null;
    if (standIns === null) {
      frames.push(frameAt(L, ar), ...tailCalls(lostTailCallsAt(ar)));
      continue;
    }
    frames.push(...standIns);
    // In 5.1 the caller's frame went to the tail call, so it is one "(tail call)" more.
    const caller = records[i + 1];
    if (caller !== undefined && isMakingTailCallAt(caller)) {
      frames.push(...tailCalls(1 + lostTailCallsAt(caller)));
      i++;
    }
  }
  if (host !== null && isMainThread(L)) frames.push(...host.below);
  return frames;
}

function tailCalls(count: number): Frame51[] {
  return Array<Frame51>(count).fill(TAIL_CALL_FRAME);
}

function isMainThread(L: LuaState): boolean {
  const main = lua.lua_pushthread(L);
  lua.lua_pop(L, 1);
  return main;
}

/** The frame `ar` describes, with its name where 5.1 finds one (ldebug.ts). */
function frameAt(L: LuaState, ar: LuaDebug): Frame51 {
  lua.lua_getinfo(L, 'nSl', ar);
  const frame = { short_src: ar.short_src, what: ar.what, currentline: ar.currentline, linedefined: ar.linedefined };
  if (ar.name === null) return { ...frame, namewhat: '' };
  return { ...frame, name: ar.name, namewhat: ar.namewhat };
}
