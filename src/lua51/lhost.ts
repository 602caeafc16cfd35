/**
 * Where a Lua state's standard output and error go. 5.1 writes through C stdio
 * to fds 1 and 2; the CLI keeps that, tests capture the bytes instead.
 */
import fs from 'node:fs';
import type { LuaString } from './fengari-api.js';

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
