/**
 * What the host keeps for one Lua state. It hangs off the state's
 * global_State, where PUC-Rio Lua keeps everything a state owns: every
 * coroutine of the state reaches it, and two states in one process (the
 * sessions a pool worker runs one after another) never share any of it.
 */
import type { LuaState } from './fengari-api.js';
import type { HostFrame } from './lfenv.js';
import type { MemoryGuard } from './lmem.js';
import type { HostStack } from './lstack.js';
import type { MatchState } from './lstrlib.js';

export interface HostContext {
  /**
   * The process's CPU time in microseconds when the state's session began:
   * os.clock and getStatus count from here. 0 where the process is the
   * session, as lua5.1's clock() counts from the start of its process.
   */
  readonly cpuMicrosAtStart: number;
  /** The memory limit and the allocation counted towards its next check (lmem.ts). */
  readonly memory: MemoryGuard;
  /** A host whose frames stand in 5.1 stack listings (lstack.ts); null for plain scripts. */
  hostStack: HostStack | null;
  /** What getfenv/setfenv find past the bottom of the stack (lfenv.ts). */
  hostFramesBelowStack: readonly HostFrame[];
  /** One pattern-matching state kept for re-use (lstrlib.ts). */
  spareMatchState: MatchState | null;
}

interface GlobalStateOfOurs {
  hostContext?: HostContext;
}

function globalStateOf(L: LuaState): GlobalStateOfOurs {
  return (L as unknown as { l_G: GlobalStateOfOurs }).l_G;
}

/** Gives a new state its context; newLua51State does it before anything runs in it. */
export function attachHostContext(L: LuaState, context: HostContext): void {
  globalStateOf(L).hostContext = context;
}

/** The context of the state L (the main thread or any coroutine of it) belongs to. */
export function hostOf(L: LuaState): HostContext {
  const context = globalStateOf(L).hostContext;
  if (context === undefined) throw new Error('mw-lua-standalone: a Lua state without a host context');
  return context;
}

/** The process's user and system CPU time, in microseconds. */
export function processCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
