/**
 * Where a Lua state's standard output and error go. 5.1 writes through C stdio
 * to fds 1 and 2; the CLI keeps that, tests capture the bytes instead.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { lua } from './fengari.js';
import type { LuaState, LuaString } from './fengari-api.js';

const require = createRequire(import.meta.url);

/** Loaded by io.popen and os.execute only: child_process pulls in net, dgram and streams, which every start would pay for. */
export function childProcess(): typeof import('node:child_process') {
  return require('node:child_process') as typeof import('node:child_process');
}

export interface HostStreams {
  stdout(bytes: LuaString): void;
  stderr(bytes: LuaString): void;
}

/** Writes every byte to a file descriptor, retrying while a non-blocking pipe is full. */
export function writeAllSync(fd: number, bytes: LuaString): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

export const processStreams: HostStreams = {
  stdout: (bytes) => writeAllSync(1, bytes),
  stderr: (bytes) => writeAllSync(2, bytes),
};

const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  EPERM: 'Operation not permitted',
  ENOTEMPTY: 'Directory not empty',
  EBADF: 'Bad file descriptor',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EMFILE: 'Too many open files',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  EXDEV: 'Invalid cross-device link',
  ESPIPE: 'Illegal seek',
};

/** glibc's strerror text for a Node system error, as 5.1's messages embed it. */
export function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && STRERROR[code]) ?? String((e as Error).message ?? e);
}

/** The errno number of a Node system error (positive, as C has it), 0 if unknown. */
export function errnoOf(e: unknown): number {
  const errno = (e as NodeJS.ErrnoException).errno;
  return typeof errno === 'number' ? Math.abs(errno) : 0;
}

/**
 * 5.1's `pushresult` of liolib.c and `os_pushresult` of loslib.c: true, or
 * nil, "filename: strerror" (the bare strerror without a name), errno.
 */
export function pushFileResult(L: LuaState, e: unknown, filename: LuaString | null): number {
  if (e === null) {
    lua.lua_pushboolean(L, true);
    return 1;
  }
  lua.lua_pushnil(L);
  if (filename) lua.lua_pushfstring(L, '%s: %s', filename, strerror(e));
  else lua.lua_pushstring(L, strerror(e));
  lua.lua_pushnumber(L, errnoOf(e));
  return 3;
}
