/**
 * Plain-script mode: lua.c 5.1's `pmain`, step for step. LUA_INIT runs first,
 * then the options are checked (usage and status 1 if bad), the version is
 * shown, `-e` and `-l` run in order, then the script with `arg` set, then the
 * prompt (`-i`, or nothing to run and a terminal on stdin) or standard input.
 *
 * One difference on purpose: the version line goes to standard output, where
 * MediaWiki's Special:Version reads it (lua.c writes it on standard error).
 */
import { createRequire } from 'node:module';
import tty from 'node:tty';
import { parseLuaCommandLine, scriptIsStandardInput } from './lua-command-line.js';
import { runPrompt } from './interactive.js';
import { fengari, lauxlib, lua } from './lua51/fengari.js';
import type { LuaState } from './lua51/fengari-api.js';
import { loadFile51, TEXT_MODE } from './lua51/lbaselib.js';
import { processStreams } from './lua51/lhost.js';
import { SessionEnd } from './lua51/session-end.js';
import { newLua51State } from './lua51/state.js';
import { docall, report } from './lua-docall.js';

const require = createRequire(import.meta.url);
const PACKAGE_VERSION = (require('../package.json') as { version: string }).version;

/** First line names Lua 5.1 so Scribunto's Special:Version regex `^Lua(?:JIT)? \S+` picks it up. */
export const VERSION_LINE = `Lua 5.1.5 (mw-lua-standalone ${PACKAGE_VERSION} on ${fengari.FENGARI_RELEASE})`;

/** lua.c's print_usage, word for word (its "." after the first line included). */
function usage(programName: string): string {
  return (
    `usage: ${programName} [options] [script [args]].\n` +
    'Available options are:\n' +
    "  -e stat  execute string 'stat'\n" +
    "  -l name  require library 'name'\n" +
    "  -i       enter interactive mode after executing 'script'\n" +
    '  -v       show version information\n' +
    '  --       stop handling options\n' +
    '  -        execute stdin and stop handling options\n'
  );
}

/** lua.c's writes to stdout (the version line, here). */
function writeOut(text: string): void {
  processStreams.stdout(Buffer.from(text));
}

function dofile(L: LuaState, filename: string | null, programName: string): number {
  let status = loadFile51(L, filename === null ? null : fengari.to_luastring(filename));
  if (status === lua.LUA_OK) status = docall(L, 0, false);
  return report(L, status, programName);
}

function dostring(L: LuaState, chunk: string, chunkname: string, programName: string): number {
  const code = fengari.to_luastring(chunk);
  let status = lauxlib.luaL_loadbufferx(L, code, code.length, chunkname, TEXT_MODE);
  if (status === lua.LUA_OK) status = docall(L, 0, false);
  return report(L, status, programName);
}

function dolibrary(L: LuaState, name: string, programName: string): number {
  lua.lua_getglobal(L, 'require');
  lua.lua_pushstring(L, name);
  return report(L, docall(L, 1, false), programName);
}

/**
 * lua.c's getargs and handle_script: the script's arguments on the stack, and
 * the global `arg` with every word of the command line, the script at 0
 * (so the program name and the options before it at negative indices).
 */
function handleScript(L: LuaState, argv: readonly string[], script: number, programName: string): number {
  const scriptArgs = argv.slice(script + 1);
  lauxlib.luaL_checkstack(L, scriptArgs.length + 3, 'too many arguments to script');
  for (const word of scriptArgs) lua.lua_pushstring(L, word);
  lua.lua_createtable(L, scriptArgs.length, script + 1);
  argv.forEach((word, i) => {
    lua.lua_pushstring(L, word);
    lua.lua_rawseti(L, -2, i - script);
  });
  lua.lua_setglobal(L, 'arg');
  const filename = scriptIsStandardInput(argv, script) ? null : fengari.to_luastring(argv[script]!);
  let status = loadFile51(L, filename);
  lua.lua_insert(L, -(scriptArgs.length + 1));
  if (status === lua.LUA_OK) status = docall(L, scriptArgs.length, false);
  else lua.lua_pop(L, scriptArgs.length);
  return report(L, status, programName);
}

/** lua.c's handle_luainit: LUA_INIT as a chunk, or `@file` as a file. */
function handleLuaInit(L: LuaState, programName: string): number {
  const init = process.env.LUA_INIT;
  if (init === undefined) return lua.LUA_OK;
  if (init.startsWith('@')) return dofile(L, init.slice(1), programName);
  return dostring(L, init, '=LUA_INIT', programName);
}

/** lua.c's pmain; returns its status (non-zero: exit status 1). */
function pmain(L: LuaState, argv: readonly string[]): number {
  const programName = argv[0]!;
  let status = handleLuaInit(L, programName);
  if (status !== lua.LUA_OK) return status;
  const commandLine = parseLuaCommandLine(argv);
  if (commandLine === null) {
    processStreams.stderr(Buffer.from(usage(programName)));
    return 1;
  }
  if (commandLine.version) writeOut(`${VERSION_LINE}\n`);
  for (const step of commandLine.steps) {
    status = step.kind === 'execute' ? dostring(L, step.text, '=(command line)', programName) : dolibrary(L, step.text, programName);
    if (status !== lua.LUA_OK) return status;
  }
  if (commandLine.script > 0) {
    status = handleScript(L, argv, commandLine.script, programName);
    if (status !== lua.LUA_OK) return status;
  }
  if (commandLine.interactive) {
    runPrompt(L);
  } else if (commandLine.script === 0 && !commandLine.execute && !commandLine.version) {
    if (tty.isatty(0)) {
      writeOut(`${VERSION_LINE}\n`);
      runPrompt(L);
    } else {
      return dofile(L, null, programName);
    }
  }
  return lua.LUA_OK;
}

/**
 * lua5.1 ends silently, killed by SIGPIPE, when it writes to a pipe whose
 * reader has gone (`... | head -1`). Node.js ignores SIGPIPE; adding and
 * removing a listener gives the signal back its default action (libuv's
 * uv_signal_stop sets SIG_DFL), so a write to a closed pipe ends us the same way.
 */
function restoreBrokenPipeSignal(): void {
  const ignore = (): void => {};
  process.on('SIGPIPE', ignore);
  process.off('SIGPIPE', ignore);
}

/**
 * Runs lua.c's main with `argv` (argv[0] the name the program was started by)
 * and returns its exit status: 1 after an error, os.exit's own.
 */
export function runScripts(argv: readonly string[]): number {
  restoreBrokenPipeSignal();
  const L = newLua51State({ hostIo: true });
  // lua.c runs everything in lua_cpcall(pmain): chunks load one C call deep and run
  // (docall's lua_pcall) two deep, called by a C function, as 5.1's limits and tracebacks see.
  let status = lua.LUA_OK;
  lua.lua_pushcfunction(L, (pmainL) => {
    status = pmain(pmainL, argv);
    return 0;
  });
  try {
    const cpcallStatus = report(L, lua.lua_pcall(L, 0, 0, 0), argv[0]!);
    return cpcallStatus !== lua.LUA_OK || status !== lua.LUA_OK ? 1 : 0;
  } catch (error) {
    if (error instanceof SessionEnd) return error.status;
    throw error;
  }
}
