/**
 * Lua 5.1's io library (liolib.c) for the CLI's plain-script mode, on
 * synchronous file descriptors: io.write/read/lines/open/close/input/output/
 * type, the standard files, and file methods read/write/lines/seek/close.
 * Writes go straight to the descriptor (or the host streams for stdout and
 * stderr), so output order matches 5.1's line-buffered terminal behaviour.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lauxlib, lua, to_luastring } from './fengari.js';
import type { LuaJsFunction, LuaState, LuaString } from './fengari-api.js';
import { childProcess, pushFileResult, strerror } from './lhost.js';
import type { HostStreams } from './lhost.js';
import { newMetatable, registerLibrary, setFunctions } from './llibutil.js';
import type { LibraryFunctions } from './llibutil.js';
import { strtod } from './lstrtod.js';

const { LUA_TNUMBER, LUA_REGISTRYINDEX } = lua;

const FILE_HANDLE = 'FILE*';
const IO_INPUT = 'io.input';
const IO_OUTPUT = 'io.output';
const CHUNK = 65536;

/** An open (or closed) file behind a Lua file handle. */
interface LuaFile {
  fd: number | null;
  /** Writes to stdout/stderr go to the host streams. */
  sink: ((bytes: LuaString) => void) | null;
  standard: boolean;
  append: boolean;
  /** Logical position for positioned reads and writes (null for pipes/terminals). */
  position: number | null;
  buffer: Uint8Array;
  bufferStart: number;
  eof: boolean;
  /** A `io.popen(cmd, "w")` pipe: the command and what was written, run on close. */
  pipeTo: { command: string; written: LuaString[] } | null;
}

/** The descriptor of files that live in memory (the output of `io.popen(cmd, "r")`). */
const IN_MEMORY = -1;

interface HandleData {
  file?: LuaFile;
}

function newFile(fd: number, sink: LuaFile['sink'], standard: boolean, append: boolean): LuaFile {
  let position: number | null = null;
  if (!standard) {
    try {
      // Reads start at the beginning even in append mode ("a+"), as with fopen.
      if (fs.fstatSync(fd).isFile()) position = 0;
    } catch {
      position = null;
    }
  }
  return { fd, sink, standard, append, position, buffer: new Uint8Array(0), bufferStart: 0, eof: false, pipeTo: null };
}

function pushHandle(L: LuaState, file: LuaFile): void {
  const data = lua.lua_newuserdata(L, 0) as HandleData;
  data.file = file;
  lauxlib.luaL_setmetatable(L, FILE_HANDLE);
}

function toFile(L: LuaState, idx: number): LuaFile {
  const data = lauxlib.luaL_checkudata(L, idx, FILE_HANDLE) as HandleData;
  const file = data.file!;
  if (file.fd === null) lauxlib.luaL_error(L, 'attempt to use a closed file');
  return file;
}

/** Reads more bytes into the buffer; false at end of file. */
function fill(file: LuaFile): boolean {
  if (file.eof || file.fd === null || file.fd === IN_MEMORY) return false;
  const chunk = new Uint8Array(CHUNK);
  let n = 0;
  for (;;) {
    try {
      n = fs.readSync(file.fd, chunk, 0, CHUNK, file.position);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
  }
  if (n === 0) {
    file.eof = true;
    return false;
  }
  if (file.position !== null) file.position += n;
  const rest = file.buffer.subarray(file.bufferStart);
  const joined = new Uint8Array(rest.length + n);
  joined.set(rest);
  joined.set(chunk.subarray(0, n), rest.length);
  file.buffer = joined;
  file.bufferStart = 0;
  return true;
}

function available(file: LuaFile): number {
  return file.buffer.length - file.bufferStart;
}

function take(file: LuaFile, n: number): Uint8Array {
  const bytes = file.buffer.subarray(file.bufferStart, file.bufferStart + n);
  file.bufferStart += n;
  return bytes;
}

/** "*l": a line without its newline; false at end of file with nothing read. */
function readLine(L: LuaState, file: LuaFile): boolean {
  let scanned = 0;
  for (;;) {
    const newline = file.buffer.indexOf(10, file.bufferStart + scanned);
    if (newline >= 0) {
      const line = take(file, newline - file.bufferStart);
      file.bufferStart++;
      lua.lua_pushlstring(L, line, line.length);
      return true;
    }
    scanned = available(file);
    if (!fill(file)) {
      const line = take(file, available(file));
      lua.lua_pushlstring(L, line, line.length);
      return line.length > 0;
    }
  }
}

function readAll(L: LuaState, file: LuaFile): void {
  while (fill(file));
  const all = take(file, available(file));
  lua.lua_pushlstring(L, all, all.length);
}

function readChars(L: LuaState, file: LuaFile, n: number): boolean {
  while (available(file) < n && fill(file));
  const bytes = take(file, Math.min(n, available(file)));
  lua.lua_pushlstring(L, bytes, bytes.length);
  return bytes.length > 0;
}

/** "*n": fscanf's "%lf" — skips whitespace, then the longest numeral prefix. */
function readNumber(L: LuaState, file: LuaFile): boolean {
  for (;;) {
    while (available(file) > 0 && /\s/.test(String.fromCharCode(file.buffer[file.bufferStart]!))) file.bufferStart++;
    if (available(file) > 0 || !fill(file)) break;
  }
  while (available(file) < 512 && fill(file));
  const parsed = strtod(file.buffer.subarray(file.bufferStart), Math.min(available(file), 512));
  if (parsed.end === 0) {
    lua.lua_pushnil(L);
    return false;
  }
  file.bufferStart += parsed.end;
  lua.lua_pushnumber(L, parsed.value);
  return true;
}

/** Whether a JavaScript exception is a failed system call (C's ferror), not a Lua error passing through. */
function isSystemError(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code !== undefined;
}

/**
 * 5.1's `g_read`: formats from argument `first` on, stopping at the first
 * failure (which yields nil); a read error (a directory opened for reading)
 * gives nil, strerror, errno.
 */
function gRead(L: LuaState, file: LuaFile, first: number): number {
  try {
    return readFormats(L, file, first);
  } catch (e) {
    if (!isSystemError(e)) throw e;
    return pushFileResult(L, e, null);
  }
}

function readFormats(L: LuaState, file: LuaFile, first: number): number {
  let nargs = lua.lua_gettop(L) - first + 1;
  if (nargs <= 0) {
    if (!readLine(L, file)) {
      lua.lua_pop(L, 1);
      lua.lua_pushnil(L);
    }
    return 1;
  }
  lauxlib.luaL_checkstack(L, nargs + 20, 'too many arguments');
  let ok = true;
  let n = first;
  for (; nargs-- > 0 && ok; n++) {
    if (lua.lua_type(L, n) === LUA_TNUMBER) {
      const count = lua.lua_tointeger(L, n);
      if (count === 0) {
        ok = available(file) > 0 || fill(file);
        lua.lua_pushliteral(L, '');
      } else {
        ok = readChars(L, file, count);
      }
      continue;
    }
    const format = lua.lua_tolstring(L, n);
    lauxlib.luaL_argcheck(L, format !== null && format[0] === 42 /* * */, n, 'invalid option');
    switch (format![1]) {
      case 110 /* n */:
        ok = readNumber(L, file);
        break;
      case 108 /* l */:
        ok = readLine(L, file);
        break;
      case 97 /* a */:
        readAll(L, file);
        break;
      default:
        return lauxlib.luaL_argerror(L, n, 'invalid format');
    }
  }
  if (!ok) {
    lua.lua_pop(L, 1);
    lua.lua_pushnil(L);
  }
  return n - first;
}

function gWrite(L: LuaState, file: LuaFile, first: number): number {
  const top = lua.lua_gettop(L);
  try {
    for (let arg = first; arg <= top; arg++) {
      const s = lua.lua_type(L, arg) === LUA_TNUMBER ? lua.lua_tolstring(L, arg)! : lauxlib.luaL_checklstring(L, arg);
      writeBytes(file, s);
    }
  } catch (e) {
    if (!isSystemError(e)) throw e;
    return pushFileResult(L, e, null);
  }
  return pushFileResult(L, null, null);
}

function writeBytes(file: LuaFile, bytes: LuaString): void {
  if (file.sink) {
    file.sink(bytes);
    return;
  }
  if (file.pipeTo) {
    file.pipeTo.written.push(Uint8Array.from(bytes));
    return;
  }
  let offset = 0;
  while (offset < bytes.length) {
    const position = file.append ? null : file.position;
    try {
      offset += fs.writeSync(file.fd!, bytes, offset, bytes.length - offset, position === null ? undefined : position + offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
  if (file.position !== null) file.position = file.append ? fs.fstatSync(file.fd!).size : file.position + bytes.length;
}

function closeFile(L: LuaState, idx: number): number {
  const file = toFile(L, idx);
  if (file.standard) {
    lua.lua_pushnil(L);
    lua.lua_pushliteral(L, 'cannot close standard file');
    return 2;
  }
  const fd = file.fd!;
  file.fd = null;
  if (file.pipeTo) {
    childProcess().spawnSync('/bin/sh', ['-c', file.pipeTo.command], { input: Buffer.concat(file.pipeTo.written.map((bytes) => Buffer.from(bytes))), stdio: ['pipe', 'inherit', 'inherit'] });
  }
  if (fd === IN_MEMORY) return pushFileResult(L, null, null);
  try {
    fs.closeSync(fd);
  } catch (e) {
    return pushFileResult(L, e, null);
  }
  return pushFileResult(L, null, null);
}

function getIoFile(L: LuaState, key: string): LuaFile {
  lua.lua_getfield(L, LUA_REGISTRYINDEX, key);
  const data = lua.lua_touserdata(L, -1) as HandleData;
  lua.lua_pop(L, 1);
  const file = data.file!;
  if (file.fd === null) lauxlib.luaL_error(L, 'standard %s file is closed', key.slice(3));
  return file;
}

/**
 * The open(2) flags glibc's fopen takes from a mode: its first character
 * decides (r, w or a, anything else is EINVAL); of the next six, '+' means
 * read and write and 'x' exclusive creation, and the rest are ignored, so
 * "rw" opens for reading as under lua5.1. Null for EINVAL.
 */
function fopenFlags(mode: Uint8Array): { flags: number; append: boolean } | null {
  const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_EXCL } = fs.constants;
  const end = mode.indexOf(0) < 0 ? mode.length : mode.indexOf(0); // C sees the mode up to a NUL
  const kind = String.fromCharCode(mode[0] ?? 0);
  if (end === 0 || !'rwa'.includes(kind)) return null;
  let access = kind === 'r' ? O_RDONLY : O_WRONLY;
  let flags = kind === 'w' ? O_CREAT | O_TRUNC : kind === 'a' ? O_CREAT | O_APPEND : 0;
  for (let i = 1; i < Math.min(end, 7); i++) {
    if (mode[i] === 0x2b /* + */) access = O_RDWR;
    else if (mode[i] === 0x78 /* x */) flags |= O_EXCL;
  }
  return { flags: access | flags, append: kind === 'a' };
}

function openFile(L: LuaState, filename: LuaString, mode: Uint8Array): unknown {
  const open = fopenFlags(mode);
  if (open === null) return Object.assign(new Error('Invalid argument'), { code: 'EINVAL', errno: 22 });
  try {
    const fd = fs.openSync(Buffer.from(filename), open.flags, 0o666);
    pushHandle(L, newFile(fd, null, false, open.append));
    return null;
  } catch (e) {
    return e;
  }
}

function ioOpen(L: LuaState): number {
  const filename = lauxlib.luaL_checklstring(L, 1);
  const error = openFile(L, filename, lauxlib.luaL_optlstring(L, 2, 'r')!);
  return error === null ? 1 : pushFileResult(L, error, filename);
}

/**
 * `io.popen` on a synchronous host: a read pipe runs the command to the end
 * and serves its output; a write pipe collects what is written and feeds it
 * to the command when closed.
 */
function ioPopen(L: LuaState): number {
  // Node passes arguments as UTF-8 text; a command is text in practice.
  const command = Buffer.from(lauxlib.luaL_checklstring(L, 1)).toString('utf8');
  const mode = lauxlib.luaL_optlstring(L, 2, 'r')!;
  const file = newFile(IN_MEMORY, null, false, false);
  if (mode[0] === 119 /* w */) {
    file.pipeTo = { command, written: [] };
  } else {
    const result = childProcess().spawnSync('/bin/sh', ['-c', command], { stdio: ['inherit', 'pipe', 'inherit'], maxBuffer: 1 << 30 });
    file.buffer = new Uint8Array(result.stdout ?? new Uint8Array(0));
  }
  pushHandle(L, file);
  return 1;
}

/** `io.tmpfile`: an anonymous file, removed as soon as it is open. */
function ioTmpfile(L: LuaState): number {
  const name = path.join(os.tmpdir(), `lua_${process.pid}_${Math.random().toString(36).slice(2)}`);
  try {
    const fd = fs.openSync(name, 'w+');
    fs.unlinkSync(name);
    pushHandle(L, newFile(fd, null, false, false));
    return 1;
  } catch (e) {
    return pushFileResult(L, e, null);
  }
}

function ioClose(L: LuaState): number {
  if (lua.lua_isnone(L, 1)) lua.lua_getfield(L, LUA_REGISTRYINDEX, IO_OUTPUT);
  return closeFile(L, 1);
}

function ioType(L: LuaState): number {
  lauxlib.luaL_checkany(L, 1);
  const data = lauxlib.luaL_testudata(L, 1, FILE_HANDLE) as HandleData | null;
  if (data === null) lua.lua_pushnil(L);
  else lua.lua_pushliteral(L, data.file!.fd === null ? 'closed file' : 'file');
  return 1;
}

/** io.input / io.output: set from a file name or handle, return the current one. */
function gIoFile(key: string, mode: LuaString): LuaJsFunction {
  return (L) => {
    if (!lua.lua_isnoneornil(L, 1)) {
      const filename = lua.lua_tolstring(L, 1);
      if (filename !== null) {
        const error = openFile(L, filename, mode);
        if (error !== null) lauxlib.luaL_argerror(L, 1, lua.lua_pushfstring(L, '%s: %s', filename, strerror(error)));
      } else {
        toFile(L, 1);
        lua.lua_pushvalue(L, 1);
      }
      lua.lua_setfield(L, LUA_REGISTRYINDEX, key);
    }
    lua.lua_getfield(L, LUA_REGISTRYINDEX, key);
    return 1;
  };
}

/** The iterator of io.lines / f:lines: upvalue 1 the handle, 2 whether to close at the end. */
function linesIterator(L: LuaState): number {
  const data = lua.lua_touserdata(L, lua.lua_upvalueindex(1)) as HandleData;
  const file = data.file!;
  if (file.fd === null) return lauxlib.luaL_error(L, 'file is already closed');
  let gotLine: boolean;
  try {
    gotLine = readLine(L, file);
  } catch (e) {
    if (!isSystemError(e)) throw e;
    return lauxlib.luaL_error(L, '%s', strerror(e));
  }
  if (gotLine) return 1;
  if (lua.lua_toboolean(L, lua.lua_upvalueindex(2))) {
    lua.lua_settop(L, 0);
    lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
    closeFile(L, 1);
  }
  return 0;
}

function pushLines(L: LuaState, handleIdx: number, close: boolean): void {
  lua.lua_pushvalue(L, handleIdx);
  lua.lua_pushboolean(L, close);
  lua.lua_pushcclosure(L, linesIterator, 2);
}

function ioLines(L: LuaState): number {
  if (lua.lua_isnoneornil(L, 1)) {
    // As 5.1: the default input is pushed, and checked at index 1 (so `io.lines(nil)` is a bad argument).
    lua.lua_getfield(L, LUA_REGISTRYINDEX, IO_INPUT);
    toFile(L, 1);
    pushLines(L, 1, false);
    return 1;
  }
  const filename = lauxlib.luaL_checklstring(L, 1);
  const error = openFile(L, filename, to_luastring('r'));
  if (error !== null) lauxlib.luaL_argerror(L, 1, lua.lua_pushfstring(L, '%s: %s', filename, strerror(error)));
  lua.lua_replace(L, 1);
  pushLines(L, 1, true);
  return 1;
}

const SEEK_OPTIONS = ['set', 'cur', 'end'].map((option) => to_luastring(option));

function fSeek(L: LuaState): number {
  const file = toFile(L, 1);
  const whence = lauxlib.luaL_checkoption(L, 2, 'cur', SEEK_OPTIONS);
  const offset = lauxlib.luaL_optinteger(L, 3, 0);
  if (file.position === null) return pushFileResult(L, Object.assign(new Error(), { code: 'ESPIPE', errno: 29 }), null);
  const current = file.position - available(file);
  const base = whence === 0 ? 0 : whence === 1 ? current : fs.fstatSync(file.fd!).size;
  if (base + offset < 0) return pushFileResult(L, Object.assign(new Error(), { code: 'EINVAL', errno: 22 }), null);
  file.position = base + offset;
  file.buffer = new Uint8Array(0);
  file.bufferStart = 0;
  file.eof = false;
  lua.lua_pushnumber(L, file.position);
  return 1;
}

function fToString(L: LuaState): number {
  const data = lauxlib.luaL_checkudata(L, 1, FILE_HANDLE) as HandleData;
  if (data.file!.fd === null) lua.lua_pushliteral(L, 'file (closed)');
  else lua.lua_pushfstring(L, 'file (%p)', lua.lua_topointer(L, 1));
  return 1;
}

function succeed(L: LuaState): number {
  lua.lua_pushboolean(L, true);
  return 1;
}

/** 5.1's `__gc` of a file handle, which Lua code can call too: closes an open file (a standard one stays open). */
function fGc(L: LuaState): number {
  const data = lauxlib.luaL_checkudata(L, 1, FILE_HANDLE) as HandleData;
  if (data.file!.fd !== null) closeFile(L, 1);
  return 0;
}

/** liolib.c's `flib`, in its order: the metatable's fields after `__index`. */
const FILE_METHODS: LibraryFunctions = [
  ['close', (L) => closeFile(L, 1)],
  ['flush', (L) => (toFile(L, 1), succeed(L))],
  ['lines', (L) => (toFile(L, 1), pushLines(L, 1, false), 1)],
  ['read', (L) => gRead(L, toFile(L, 1), 2)],
  ['seek', fSeek],
  ['setvbuf', (L) => (toFile(L, 1), succeed(L))],
  ['write', (L) => gWrite(L, toFile(L, 1), 2)],
  ['__gc', fGc],
  ['__tostring', fToString],
];

function ioRead(L: LuaState): number {
  return gRead(L, getIoFile(L, IO_INPUT), 1);
}

function ioWrite(L: LuaState): number {
  return gWrite(L, getIoFile(L, IO_OUTPUT), 1);
}

/** Opens `io` as 5.1's `luaopen_io`, with stdin/stdout/stderr on the host. */
export function openIo51(L: LuaState, streams: HostStreams): void {
  newMetatable(L, FILE_HANDLE);
  lua.lua_pushvalue(L, -1);
  lua.lua_setfield(L, -2, '__index');
  setFunctions(L, FILE_METHODS);
  lua.lua_pop(L, 1);

  registerLibrary(L, 'io', [
    ['close', ioClose],
    ['flush', (L) => succeed(L)],
    ['input', gIoFile(IO_INPUT, to_luastring('r'))],
    ['lines', ioLines],
    ['open', ioOpen],
    ['output', gIoFile(IO_OUTPUT, to_luastring('w'))],
    ['popen', ioPopen],
    ['read', ioRead],
    ['tmpfile', ioTmpfile],
    ['type', ioType],
    ['write', ioWrite],
  ]);
  const standard: Array<[string, LuaFile, string | null]> = [
    ['stdin', newFile(0, null, true, false), IO_INPUT],
    ['stdout', newFile(1, streams.stdout, true, false), IO_OUTPUT],
    ['stderr', newFile(2, streams.stderr, true, false), null],
  ];
  for (const [name, file, registryKey] of standard) {
    pushHandle(L, file);
    if (registryKey) {
      lua.lua_pushvalue(L, -1);
      lua.lua_setfield(L, LUA_REGISTRYINDEX, registryKey);
    }
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pop(L, 1);
}
