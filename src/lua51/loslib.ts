/**
 * Lua 5.1's os library (loslib.c) over Fengari's: `date` and `time` as
 * glibc's strftime/mktime give them, `clock` is processor time as C's
 * clock() is, `execute`, `remove` and `rename` answer as C's system(),
 * remove() and rename() with glibc's messages, and `exit` exists only where
 * the process is the script's (the server must never be ended by a module).
 */
import fs from 'node:fs';
import os from 'node:os';
import { lauxlib, lua } from './fengari.js';
import type { LuaState } from './fengari-api.js';
import { hostOf, processCpuMicros } from './host-context.js';
import { childProcess, pushFileResult } from './lhost.js';
import { fengariFunction, optint, registerLibrary, toint } from './llibutil.js';
import type { LibraryFunctions } from './llibutil.js';
import { breakDown, strftimeConversion } from './lstrftime.js';
import { SessionEnd } from './session-end.js';

/** 5.1's `os.date([format [, time]])`: "!" for UTC, "*t" for a table, else strftime per conversion. */
function osDate(L: LuaState): number {
  let format = Buffer.from(lauxlib.luaL_optlstring(L, 1, '%c')!).toString('latin1');
  const time = lua.lua_isnoneornil(L, 2) ? Math.floor(Date.now() / 1000) : lauxlib.luaL_checknumber(L, 2);
  const utc = format.startsWith('!');
  if (utc) format = format.slice(1);
  const tm = breakDown(time, utc);
  if (tm === null) {
    lua.lua_pushnil(L);
  } else if (format === '*t') {
    lua.lua_createtable(L, 0, 9);
    const fields: Array<[string, number]> = [
      ['sec', tm.sec], ['min', tm.min], ['hour', tm.hour], ['day', tm.day], ['month', tm.month + 1],
      ['year', tm.year], ['wday', tm.wday + 1], ['yday', tm.yday + 1],
    ];
    for (const [key, value] of fields) {
      lua.lua_pushnumber(L, value);
      lua.lua_setfield(L, -2, key);
    }
    lua.lua_pushboolean(L, tm.isdst);
    lua.lua_setfield(L, -2, 'isdst');
  } else {
    let out = '';
    for (let i = 0; i < format.length; i++) {
      if (format[i] !== '%') out += format[i];
      else if (i + 1 < format.length) out += strftimeConversion(format[++i]!, tm);
      else out += '%'; // a lone trailing '%' reaches strftime as "%", which prints it
    }
    lua.lua_pushstring(L, Buffer.from(out, 'latin1'));
  }
  return 1;
}

/** A date-table field as 5.1's `getfield`: a number (a C int, as struct tm holds it), or the default, or an error. */
function dateField(L: LuaState, key: string, fallback: number | null): number {
  lua.lua_getfield(L, -1, key);
  const value = lua.lua_isnumber(L, -1) ? toint(L, -1) : null;
  lua.lua_pop(L, 1);
  if (value !== null) return value;
  if (fallback === null) return lauxlib.luaL_error(L, "field '%s' missing in date table", key);
  return fallback;
}

/** 5.1's `os.time([table])`: mktime in local time, fields normalised as C does. */
function osTime(L: LuaState): number {
  if (lua.lua_isnoneornil(L, 1)) {
    lua.lua_pushnumber(L, Math.floor(Date.now() / 1000));
    return 1;
  }
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lua.lua_settop(L, 1);
  const sec = dateField(L, 'sec', 0);
  const min = dateField(L, 'min', 0);
  const hour = dateField(L, 'hour', 12);
  const day = dateField(L, 'day', null);
  const month = dateField(L, 'month', null) - 1;
  const year = dateField(L, 'year', null);
  const date = new Date(2000, 0, 1, 0, 0, 0);
  date.setFullYear(year, month, day);
  date.setHours(hour, min, sec);
  const time = date.getTime();
  if (Number.isNaN(time)) lua.lua_pushnil(L);
  else lua.lua_pushnumber(L, Math.floor(time / 1000));
  return 1;
}

/** 5.1's `difftime(t2 [, t1])`: t1 defaults to 0. */
function osDifftime(L: LuaState): number {
  lua.lua_pushnumber(L, lauxlib.luaL_checknumber(L, 1) - lauxlib.luaL_optnumber(L, 2, 0));
  return 1;
}

/** 5.1's `os.clock()`: the CPU time of the session, which in direct mode is that of the process. */
function osClock(L: LuaState): number {
  lua.lua_pushnumber(L, (processCpuMicros() - hostOf(L).cpuMicrosAtStart) / 1e6);
  return 1;
}

/**
 * 5.1's `os.execute([command])`: C's system(), whose wait status it returns
 * as a number (exit status times 256, or the signal number); with no
 * command, 1 for "a shell is there".
 */
function osExecute(L: LuaState): number {
  const command = lauxlib.luaL_optlstring(L, 1, null);
  if (command === null) {
    lua.lua_pushinteger(L, 1);
    return 1;
  }
  // Node passes arguments as UTF-8 text; a command is text in practice.
  const result = childProcess().spawnSync('/bin/sh', ['-c', Buffer.from(command).toString('utf8')], { stdio: 'inherit' });
  let waitStatus: number;
  if (result.signal !== null) waitStatus = os.constants.signals[result.signal];
  else if (result.status !== null) waitStatus = result.status << 8;
  else waitStatus = -1; // the shell could not be started, where system() returns -1
  lua.lua_pushinteger(L, waitStatus);
  return 1;
}

/** 5.1's `os.remove`: C's remove(), which removes an empty directory too (glibc tries rmdir on EISDIR). */
function osRemove(L: LuaState): number {
  const filename = lauxlib.luaL_checklstring(L, 1);
  const target = Buffer.from(filename);
  try {
    fs.unlinkSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EISDIR') return pushFileResult(L, e, filename);
    try {
      fs.rmdirSync(target);
    } catch (rmdirError) {
      return pushFileResult(L, rmdirError, filename);
    }
  }
  return pushFileResult(L, null, null);
}

/** 5.1's `os.rename`: a failure names the old name. */
function osRename(L: LuaState): number {
  const fromname = lauxlib.luaL_checklstring(L, 1);
  const toname = lauxlib.luaL_checklstring(L, 2);
  try {
    fs.renameSync(Buffer.from(fromname), Buffer.from(toname));
  } catch (e) {
    return pushFileResult(L, e, fromname);
  }
  return pushFileResult(L, null, null);
}

/** 5.1's `os.exit([code])`: a number only (no booleans, no close flag); it ends the session, whatever pcall is around it. */
function osExit(L: LuaState): number {
  throw new SessionEnd(optint(L, 1, 0));
}

/**
 * Opens `os` as 5.1's (loslib.c's `syslib`, in its order); `exit` only with
 * host I/O. The table has 5.1's size either way.
 */
export function openOs51(L: LuaState, hostIo: boolean): void {
  const functions: LibraryFunctions = [
    ['clock', osClock],
    ['date', osDate],
    ['difftime', osDifftime],
    ['execute', osExecute],
    ['exit', osExit],
    ['getenv', fengariFunction('os', 'getenv')],
    ['remove', osRemove],
    ['rename', osRename],
    ['setlocale', fengariFunction('os', 'setlocale')],
    ['time', osTime],
    ['tmpname', fengariFunction('os', 'tmpname')],
  ];
  registerLibrary(L, 'os', hostIo ? functions : functions.filter(([name]) => name !== 'exit'), functions.length);
  lua.lua_pop(L, 1);
}
