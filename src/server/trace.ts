/**
 * The structured backtrace that error replies carry, as
 * MWServer:getStructuredTrace collects it with debug.getinfo(level, 'nSl').
 *
 * Scribunto shows it to editors, so it reads as the reference's would: the
 * server's own Lua frames (handleCall, dispatch, call, execute, mw_main.lua)
 * stand where ours are JavaScript, and 5.1's "(tail call)" pseudo-frames follow
 * every frame that was entered by a tail call.
 */
import { isMakingTailCall, lostTailCalls } from '../lua51/lcallinfo.js';
import { lua, to_luastring } from '../lua51/fengari.js';
import type { LuaDebug, LuaState } from '../lua51/fengari-api.js';
import type { ServerLines } from './installed-scribunto.js';

interface Frame {
  short_src: string | Uint8Array;
  what: string | Uint8Array;
  currentline: number;
  name?: string | Uint8Array;
  namewhat: string | Uint8Array;
  linedefined: number;
}

const INFO_FIELDS = to_luastring('nSltf');
const SERVER_SRC = 'MWServer.lua';
const TAIL_CALL: Frame = { short_src: '(tail call)', what: 'tail', currentline: -1, name: '', namewhat: '', linedefined: -1 };

/**
 * Returns the xpcall handler of handleCall: it wraps the error value as
 * `{value = err, trace = frames}`. `isPhpBridge` tells whether the function on
 * top of the stack is one of the server's Lua→PHP functions.
 */
export function makeTraceHandler(lines: ServerLines, isPhpBridge: (L: LuaState) => boolean): (L: LuaState) => number {
  const serverFrame = (name: string, at: { linedefined: number; currentline: number }): Frame => ({
    short_src: SERVER_SRC,
    what: 'Lua',
    currentline: at.currentline,
    name,
    namewhat: 'method',
    linedefined: at.linedefined,
  });
  const callBoundary: Frame[] = [
    TAIL_CALL,
    { short_src: '[C]', what: 'C', currentline: -1, name: 'xpcall', namewhat: 'global', linedefined: -1 },
    serverFrame('handleCall', lines.handleCall),
    serverFrame('dispatch', lines.dispatch),
  ];
  const phpCallAt = (at: { linedefined: number; currentline: number }): Frame[] => [
    { short_src: SERVER_SRC, what: 'Lua', currentline: at.currentline, namewhat: '', linedefined: at.linedefined },
    TAIL_CALL,
  ];
  const phpCall = phpCallAt(lines.call);
  const phpError: Frame[] = [
    { short_src: '[C]', what: 'C', currentline: -1, name: 'error', namewhat: 'global', linedefined: -1 },
    ...phpCallAt(lines.callError),
  ];
  const serverStart: Frame[] = [
    serverFrame('execute', lines.execute),
    { short_src: 'mw_main.lua', what: 'main', currentline: lines.mainExecute, namewhat: '', linedefined: 0 },
    { short_src: '[C]', what: 'C', currentline: -1, namewhat: '', linedefined: -1 },
  ];

  return (L) => {
    lua.lua_createtable(L, 0, 2);
    lua.lua_pushvalue(L, 1);
    lua.lua_setfield(L, -2, 'value');
    lua.lua_newtable(L);
    let count = 0;
    const push = (frames: readonly Frame[]): void => {
      for (const frame of frames) {
        pushFrame(L, frame);
        lua.lua_rawseti(L, -2, ++count);
      }
    };
    // The reference's handler reaches attachTrace by a tail call, which 5.1 lists first.
    push([TAIL_CALL]);
    const ar: LuaDebug = new lua.lua_Debug();
    for (let level = 1; ; level++) {
      if (!lua.lua_getstack(L, level, ar)) {
        push(callBoundary);
        push(serverStart);
        break;
      }
      lua.lua_getinfo(L, INFO_FIELDS, ar);
      const bridge = isPhpBridge(L);
      lua.lua_pop(L, 1);
      if (bridge) {
        // At level 1 the PHP function itself raised the error PHP returned.
        if (level === 1) {
          push(phpError);
        } else {
          push(callBoundary);
          push(phpCall);
        }
        // A caller that tail-called the PHP function is a lost frame in 5.1.
        if (isMakingTailCall(L, level + 1)) {
          level++;
          push(Array<Frame>(1 + lostTailCalls(L, level)).fill(TAIL_CALL));
        }
        continue;
      }
      const frame: Frame = {
        short_src: ar.short_src,
        what: ar.what,
        currentline: ar.currentline,
        namewhat: ar.namewhat,
        linedefined: ar.linedefined,
      };
      if (ar.name) frame.name = ar.name;
      push([frame]);
      push(Array<Frame>(lostTailCalls(L, level)).fill(TAIL_CALL));
    }
    lua.lua_setfield(L, -2, 'trace');
    return 1;
  };
}

/** The order lua5.1's `pairs` gives the reference's frame tables, so PHP receives the same arrays. */
const FRAME_KEYS = ['short_src', 'what', 'currentline', 'namewhat', 'linedefined', 'name'] as const;

function pushFrame(L: LuaState, frame: Frame): void {
  lua.lua_createtable(L, 0, 6);
  for (const key of FRAME_KEYS) {
    const value = frame[key];
    if (value === undefined) continue;
    if (typeof value === 'number') lua.lua_pushnumber(L, value);
    else lua.lua_pushstring(L, value);
    lua.lua_setfield(L, -2, key);
  }
}
