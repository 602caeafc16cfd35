/**
 * Plain-script mode: a Lua 5.1 interpreter with the `lua` binary's options
 * (`-e chunk`, `-v`, `script [args]`, `-` for standard input).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fengari, lauxlib, lua } from './lua51/fengari.js';
import type { LuaState } from './lua51/fengari-api.js';
import { SessionEnd } from './lua51/session-end.js';
import { newLua51State } from './lua51/state.js';

const require = createRequire(import.meta.url);
const PACKAGE_VERSION = (require('../package.json') as { version: string }).version;

/** First line names Lua 5.1 so Scribunto's Special:Version regex `^Lua(?:JIT)? \S+` picks it up. */
export const VERSION_LINE = `Lua 5.1.5 (mw-lua-standalone ${PACKAGE_VERSION} on ${fengari.FENGARI_RELEASE})`;

/** Runs what the arguments name and returns the exit status: 1 after an error, os.exit's own. */
export async function runScripts(args: readonly string[]): Promise<number> {
  const { default: yargs } = await import('yargs');
  const parsed = await yargs([...args])
    .scriptName('mw-lua-standalone')
    .usage(
      '$0 <dir>/mw_main.lua <includesDir> <interpreterId> <intSize>\n' +
        '    serve Scribunto (LuaStandalone protocol on stdin/stdout)\n' +
        '$0 [options] [script [args]]\n' +
        '    run Lua 5.1 code; "-" as script reads standard input',
    )
    .option('e', { type: 'string', array: true, describe: 'execute the string as Lua code' })
    .option('v', { type: 'boolean', describe: 'show version information' })
    .parserConfiguration({ 'halt-at-non-option': true, 'unknown-options-as-args': false })
    .version(false)
    .help('help')
    .alias('help', 'h')
    .strict()
    .parseAsync();

  const chunks = parsed.e ?? [];
  const [script, ...scriptArgs] = parsed._.map(String);
  if (parsed.v) process.stdout.write(`${VERSION_LINE}\n`);
  if (parsed.v && chunks.length === 0 && script === undefined) return 0;

  const L = newLua51State({ hostIo: true });
  // lua.c runs everything in lua_cpcall(pmain): chunks load one C call deep and run
  // (docall's lua_pcall) two deep, called by a C function, as 5.1's limits and tracebacks see.
  lua.lua_pushcfunction(L, (pmainL) => {
    runChunks(pmainL, chunks, script, scriptArgs);
    return 0;
  });
  try {
    if (lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) report(L);
  } catch (error) {
    if (error instanceof SessionEnd) return error.status;
    throw error;
  }
  return 0;
}

/** lua.c's pmain after its options: the -e chunks in order, then the script or standard input. */
function runChunks(L: LuaState, chunks: readonly string[], script: string | undefined, scriptArgs: readonly string[]): void {
  for (const chunk of chunks) {
    const code = Buffer.from(chunk, 'utf8');
    runProtected(L, lauxlib.luaL_loadbufferx(L, code, code.length, '=(command line)', 't'), 0);
  }
  if (script !== undefined || chunks.length === 0) {
    // lua.c sets `arg` only for a script, after the -e chunks ran (it is one more key in _G's layout).
    if (script !== undefined) setArgTable(L, script, scriptArgs);
    const source = script === undefined || script === '-' ? fs.readFileSync(0) : fs.readFileSync(script);
    const name = script === undefined || script === '-' ? '=stdin' : `@${script}`;
    const status = lauxlib.luaL_loadbufferx(L, stripShebang(source), null, name, 't');
    if (status === lua.LUA_OK) for (const arg of scriptArgs) lua.lua_pushstring(L, arg);
    runProtected(L, status, scriptArgs.length);
  }
}

/** `arg[0]` is the script, `arg[1..n]` its arguments, as the lua binary sets them. */
function setArgTable(L: LuaState, script: string, scriptArgs: readonly string[]): void {
  lua.lua_createtable(L, scriptArgs.length, 1);
  lua.lua_pushstring(L, script);
  lua.lua_rawseti(L, -2, 0);
  scriptArgs.forEach((arg, i) => {
    lua.lua_pushstring(L, arg);
    lua.lua_rawseti(L, -2, i + 1);
  });
  lua.lua_setglobal(L, 'arg');
}

/** lua.c's docall: runs the loaded chunk below `nargs` arguments; an error ends the run as lua's does, with status 1. */
function runProtected(L: LuaState, loadStatus: number, nargs: number): void {
  let status = loadStatus;
  if (status === lua.LUA_OK) {
    const base = lua.lua_gettop(L) - nargs;
    lua.lua_pushcfunction(L, traceback);
    lua.lua_insert(L, base);
    status = lua.lua_pcall(L, nargs, 0, base);
    lua.lua_remove(L, base);
  }
  if (status !== lua.LUA_OK) report(L);
}

/** lua.c's report, then exit status 1. */
function report(L: LuaState): never {
  const message = lua.lua_tolstring(L, -1) ?? fengari.to_luastring('(error object is not a string)');
  process.stderr.write(Buffer.concat([Buffer.from('mw-lua-standalone: '), message, Buffer.from('\n')]));
  throw new SessionEnd(1);
}

/** lua.c's message handler: a string message gets the global debug.traceback's, from the level below it. */
function traceback(L: LuaState): number {
  if (!lua.lua_isstring(L, 1)) return 1;
  lua.lua_getglobal(L, 'debug');
  if (!lua.lua_istable(L, -1)) {
    lua.lua_pop(L, 1);
    return 1;
  }
  lua.lua_getfield(L, -1, 'traceback');
  if (!lua.lua_isfunction(L, -1)) {
    lua.lua_pop(L, 2);
    return 1;
  }
  lua.lua_pushvalue(L, 1);
  lua.lua_pushinteger(L, 2);
  lua.lua_call(L, 2, 1);
  return 1;
}

function stripShebang(source: Buffer): Buffer {
  if (source[0] !== 0x23) return source;
  const newline = source.indexOf(0x0a);
  // Keep the newline so line numbers stay right.
  return newline < 0 ? Buffer.alloc(0) : source.subarray(newline);
}
