/**
 * V8's compiled code for Fengari's modules, kept between runs. Node.js 20 has
 * no compile cache of its own, so every interpreter Scribunto spawns would
 * compile Fengari's ~40 files (most of them patched text) from source, and
 * compile each function again when it first runs. `npm run build` runs a
 * workload and saves V8's code for each module (src/build/code-cache.ts); the
 * interpreter reads the file once at start.
 *
 * An entry is only used for the exact source text it was compiled from: the
 * file holds that text whole and each lookup compares it byte for byte. The
 * whole file is only used by the Node.js and V8 versions, architecture and
 * command-line flags that wrote it. V8 checks its own version and flags again
 * and, with --verify-snapshot-checksum (which bin/mw-lua-standalone passes), a
 * checksum of the code; it rejects a bad entry and compiles from source. A
 * missing, unreadable or malformed file means compiling everything from source.
 *
 * Layout: MAGIC, a 4-byte little-endian header length, the header as JSON,
 * then each entry's source (UTF-8) and code, in the header's order.
 */
import fs from 'node:fs';
import type { Script } from 'node:vm';

const MAGIC = Buffer.from('mw-lua-standalone V8 code cache 1\n', 'latin1');

/** The file, in dist/ beside the entry point (src/, which vitest runs, has none). */
const CODE_CACHE_FILE = new URL('../fengari-code-cache.bin', import.meta.url);

interface Header {
  runtime: string;
  entries: Array<{ name: string; sourceBytes: number; codeBytes: number }>;
}

/** What makes V8's code valid: a different value anywhere here means recompiling. */
function runtimeKey(): string {
  return JSON.stringify([
    process.version,
    process.versions.v8,
    process.arch,
    process.platform,
    process.execArgv,
    process.env.NODE_OPTIONS ?? '',
  ]);
}

export interface CodeCache {
  /** V8's code for `source`, or undefined when the cache has none for exactly this text. */
  codeFor(name: string, source: string): Buffer | undefined;
}

const EMPTY: CodeCache = { codeFor: () => undefined };

/** Reads the cache; a missing, unreadable or malformed file, or another runtime's, gives an empty one. */
export function readCodeCache(file: URL = CODE_CACHE_FILE): CodeCache {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return EMPTY;
  }
  const entries = new Map<string, { source: Buffer; code: Buffer }>();
  try {
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) return EMPTY;
    const headerStart = MAGIC.length + 4;
    const headerEnd = headerStart + bytes.readUInt32LE(MAGIC.length);
    if (headerEnd > bytes.length) return EMPTY;
    const header = JSON.parse(bytes.toString('utf8', headerStart, headerEnd)) as Header;
    if (header.runtime !== runtimeKey() || !Array.isArray(header.entries)) return EMPTY;
    let at = headerEnd;
    for (const { name, sourceBytes, codeBytes } of header.entries) {
      if (!Number.isSafeInteger(sourceBytes) || !Number.isSafeInteger(codeBytes) || sourceBytes < 0 || codeBytes < 0) {
        return EMPTY;
      }
      const source = bytes.subarray(at, at + sourceBytes);
      const code = bytes.subarray(at + sourceBytes, at + sourceBytes + codeBytes);
      at += sourceBytes + codeBytes;
      if (at > bytes.length) return EMPTY;
      entries.set(name, { source, code });
    }
    if (at !== bytes.length) return EMPTY;
  } catch {
    return EMPTY;
  }
  return {
    codeFor(name, source) {
      const entry = entries.get(name);
      return entry && entry.source.equals(Buffer.from(source, 'utf8')) ? entry.code : undefined;
    },
  };
}

export interface CompiledModule {
  readonly name: string;
  readonly source: string;
  readonly script: Script;
}

/**
 * Writes V8's code for `modules` as they stand now, which includes every
 * function compiled so far. Written to a temporary file and renamed, so a
 * reader sees the old file or the whole new one.
 */
export function writeCodeCache(modules: readonly CompiledModule[], file: URL = CODE_CACHE_FILE): void {
  const header: Header = { runtime: runtimeKey(), entries: [] };
  const parts: Buffer[] = [];
  for (const { name, source, script } of modules) {
    const sourceBytes = Buffer.from(source, 'utf8');
    const code = script.createCachedData();
    header.entries.push({ name, sourceBytes: sourceBytes.length, codeBytes: code.length });
    parts.push(sourceBytes, code);
  }
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(headerBytes.length);
  const temporary = new URL(`${file.href}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, Buffer.concat([MAGIC, headerLength, headerBytes, ...parts]));
  fs.renameSync(temporary, file);
}

/** What `doctor` reports about the cache: absent, written by another Node.js, V8 or flags (or damaged), or usable here. */
export function codeCacheState(file: URL = CODE_CACHE_FILE): 'missing' | 'unusable' | 'usable' {
  if (!fs.existsSync(file)) return 'missing';
  return readCodeCache(file) === EMPTY ? 'unusable' : 'usable';
}
