/**
 * The structured backtrace that error replies carry, as
 * MWServer:getStructuredTrace collects it with debug.getinfo(level, 'nSl').
 *
 * Scribunto shows it to editors, so it reads as the reference's would: the
 * levels are 5.1's (lstack.ts), with the reference server's own frames where
 * ours are JavaScript (reference-frames.ts, installed by the server).
 */
import { lua } from '../lua51/fengari.js';
import type { LuaState, StringArg } from '../lua51/fengari-api.js';
import { stack51, TAIL_CALL_FRAME, type Frame51 } from '../lua51/lstack.js';

/**
 * The xpcall handler of handleCall: wraps the error value as
 * `{value = err, trace = frames}`, from the level that raised the error down.
 */
export function attachTrace(L: LuaState): number {
  lua.lua_createtable(L, 0, 2);
  lua.lua_pushvalue(L, 1);
  lua.lua_setfield(L, -2, 'value');
  lua.lua_newtable(L);
  // The reference's handler reaches attachTrace by a tail call, which 5.1 lists first.
  const frames = [TAIL_CALL_FRAME, ...stack51(L, 1)];
  frames.forEach((frame, i) => {
    pushFrame(L, frame);
    lua.lua_rawseti(L, -2, i + 1);
  });
  lua.lua_setfield(L, -2, 'trace');
  return 1;
}

/** The order lua5.1's `pairs` gives the reference's frame tables, so PHP receives the same arrays. */
const FRAME_KEYS = ['short_src', 'what', 'currentline', 'namewhat', 'linedefined', 'name'] as const;

function pushFrame(L: LuaState, frame: Frame51): void {
  lua.lua_createtable(L, 0, 6);
  for (const key of FRAME_KEYS) {
    const value = key === 'short_src' ? structuredSource(frame.short_src) : frame[key];
    if (value === undefined) continue;
    if (typeof value === 'number') lua.lua_pushnumber(L, value);
    else lua.lua_pushstring(L, value);
    lua.lua_setfield(L, -2, key);
  }
}

/** getStructuredTrace shortens the server's own files to their names, matching as Lua patterns do ('.' is any character). */
function structuredSource(shortSrc: StringArg): StringArg {
  const text = typeof shortSrc === 'string' ? shortSrc : Buffer.from(shortSrc).toString('latin1');
  if (/\/MWServer.lua$/s.test(text)) return 'MWServer.lua';
  if (/\/mw_main.lua$/s.test(text)) return 'mw_main.lua';
  return shortSrc;
}
