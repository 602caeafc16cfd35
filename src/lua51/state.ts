/**
 * A Lua state with exactly Lua 5.1's standard libraries, in the order 5.1's
 * `luaL_openlibs` opens them. `io` (and `os.exit`) only with host I/O: the
 * CLI's plain-script mode has them, the Scribunto server does its own I/O.
 */
import { lauxlib, lua } from './fengari.js';
import type { LuaState } from './fengari-api.js';
import { attachHostContext } from './host-context.js';
import { openBase51, pushWhere51 } from './lbaselib.js';
import { openCoroutine51 } from './lcorolib.js';
import { openDebug51 } from './ldblib.js';
import { processStreams } from './lhost.js';
import type { HostStreams } from './lhost.js';
import { openIo51 } from './liolib.js';
import { openMath51 } from './lmathlib.js';
import { addressSpaceLimit, installMemoryGuard, newMemoryGuard } from './lmem.js';
import { openPackage51 } from './loadlib.js';
import { openOs51 } from './loslib.js';
import { openString51 } from './lstrlib.js';
import { openTable51 } from './ltablib.js';
// Registers SessionEnd with ldo.js, so no protected call in any state catches it.
import './session-end.js';

export interface Lua51StateOptions {
  /** Open `io` and `os.exit` (plain-script mode). */
  hostIo: boolean;
  /** Where `print` and io's standard streams write; fds 1 and 2 by default. */
  streams?: HostStreams;
  /** The process's CPU time when the session began (host-context.ts); 0, the process start, by default. */
  cpuMicrosAtStart?: number;
  /** Lua's address-space limit in bytes, null for none; by default the one the process runs under. */
  addressSpaceLimit?: number | null;
}

const ALLOCATION_FAILURE = /allocation failed|Invalid (typed )?array length|Invalid string length|out of memory/i;

/**
 * A JavaScript exception thrown while Lua runs (a bug of ours, or V8's own
 * stack limit) becomes a Lua error string, positioned like a runtime error.
 * A SessionEnd never gets here: ldo.js rethrows it first (session-end.ts).
 */

function nativeErrorToLuaError(L: LuaState): number {
  const e = lua.lua_touserdata(L, 1);
  let message: string;
  // A buffer or string V8 cannot allocate is 5.1's allocation failure, which carries no position.
  if (e instanceof RangeError && ALLOCATION_FAILURE.test(e.message)) {
    lua.lua_pushliteral(L, 'not enough memory');
    return 1;
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) message = 'stack overflow';
  else if (e instanceof Error) message = e.message;
  else message = String(e);
  pushWhere51(L, 1);
  lua.lua_pushstring(L, message);
  lua.lua_concat(L, 2);
  return 1;
}

export function newLua51State(options: Lua51StateOptions): LuaState {
  const streams = options.streams ?? processStreams;
  const L = lauxlib.luaL_newstate();
  attachHostContext(L, {
    cpuMicrosAtStart: options.cpuMicrosAtStart ?? 0,
    memory: newMemoryGuard(options.addressSpaceLimit === undefined ? addressSpaceLimit() : options.addressSpaceLimit),
    hostStack: null,
    hostFramesBelowStack: [],
    spareMatchState: null,
  });
  lua.lua_atnativeerror(L, nativeErrorToLuaError);
  installMemoryGuard(L);
  openBase51(L, streams);
  openCoroutine51(L);
  openPackage51(L);
  openTable51(L);
  if (options.hostIo) openIo51(L, streams);
  openOs51(L, options.hostIo);
  openString51(L);
  openMath51(L);
  openDebug51(L);
  return L;
}
