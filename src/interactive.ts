/**
 * lua.c 5.1's interactive prompt (`dotty`), as Debian's lua5.1 has it, built
 * with GNU readline: the prompt (`_PROMPT`, `_PROMPT2`) goes to standard
 * output, a line that leaves the chunk unfinished asks for the next one, a
 * first line starting with `=` is `return ...`, and the values a line returns
 * are printed with the global `print`.
 *
 * Lines are read from file descriptor 0 one byte at a time, as readline
 * reads, so a script's own `io.read` (which buffers on its own) sees the rest
 * of standard input as it does under lua5.1. On a terminal the terminal's
 * line discipline echoes and edits the line (there is no history, and
 * type-ahead shows when typed rather than when read); when standard input is
 * not a terminal, the line is echoed after the prompt, as readline echoes it.
 */
import fs from 'node:fs';
import tty from 'node:tty';
import { fengari, lauxlib, lua } from './lua51/fengari.js';
import type { LuaState } from './lua51/fengari-api.js';
import { TEXT_MODE } from './lua51/lbaselib.js';
import { processStreams } from './lua51/lhost.js';
import { docall, message, report } from './lua-docall.js';

const PROMPT = '> ';
const CONTINUATION_PROMPT = '>> ';
/** lua.c's `incomplete`: a syntax error whose message ends with this is a chunk cut short. */
const AT_END_OF_INPUT = "'<eof>'";

/** One line from fd 0 without its newline; null at end of input with nothing read. */
function readRawLine(): Buffer | null {
  const bytes: number[] = [];
  const byte = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, byte, 0, 1, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') n = 0;
      else throw e;
    }
    if (n === 0) return bytes.length === 0 ? null : Buffer.from(bytes);
    if (byte[0] === 10) return Buffer.from(bytes);
    bytes.push(byte[0]!);
  }
}

/** lua.c's get_prompt: the global `_PROMPT` / `_PROMPT2` if a string or number, else the default. */
function prompt(L: LuaState, firstLine: boolean): Uint8Array {
  lua.lua_getglobal(L, firstLine ? '_PROMPT' : '_PROMPT2');
  const text = lua.lua_tolstring(L, -1);
  lua.lua_pop(L, 1);
  return text === null ? Buffer.from(firstLine ? PROMPT : CONTINUATION_PROMPT) : Buffer.from(text);
}

/**
 * Readline (8.1 on) turns on bracketed paste on any terminal but a dumb one,
 * and on leaving it at end of input writes a newline: the prompt's line ends
 * there, which is what a user sees after typing Ctrl-D.
 */
function readlineEndsInputWithNewline(): boolean {
  const term = process.env.TERM;
  return term !== undefined && term !== '' && term !== 'dumb';
}

/** lua.c's pushline through readline: shows the prompt, reads a line (echoing it off a terminal). */
function pushLine(L: LuaState, firstLine: boolean, echo: boolean): boolean {
  processStreams.stdout(prompt(L, firstLine));
  const line = readRawLine();
  if (line === null) {
    if (!echo && readlineEndsInputWithNewline()) processStreams.stdout(Buffer.from('\n'));
    return false;
  }
  if (echo) processStreams.stdout(Buffer.concat([line, Buffer.from('\n')]));
  if (firstLine && line[0] === 0x3d /* = */) lua.lua_pushstring(L, Buffer.concat([Buffer.from('return '), line.subarray(1)]));
  else lua.lua_pushstring(L, line);
  return true;
}

function incomplete(L: LuaState, status: number): boolean {
  if (status !== lua.LUA_ERRSYNTAX) return false;
  const text = Buffer.from(lua.lua_tolstring(L, -1)!).toString('latin1');
  if (text.indexOf(AT_END_OF_INPUT) !== text.length - AT_END_OF_INPUT.length) return false;
  lua.lua_pop(L, 1);
  return true;
}

/** lua.c's loadline: lines until they make a chunk (or a real syntax error); null at end of input. */
function loadLine(L: LuaState, echo: boolean): number | null {
  lua.lua_settop(L, 0);
  if (!pushLine(L, true, echo)) return null;
  for (;;) {
    const source = lua.lua_tolstring(L, 1)!;
    const status = lauxlib.luaL_loadbufferx(L, source, source.length, '=stdin', TEXT_MODE);
    if (!incomplete(L, status)) {
      lua.lua_remove(L, 1);
      return status;
    }
    if (!pushLine(L, false, echo)) return null;
    lua.lua_pushliteral(L, '\n');
    lua.lua_insert(L, -2);
    lua.lua_concat(L, 3);
  }
}

/** lua.c's dotty: runs lines until end of input, errors reported without the program name. */
export function runPrompt(L: LuaState): void {
  const echo = !tty.isatty(0);
  let status: number | null;
  while ((status = loadLine(L, echo)) !== null) {
    if (status === lua.LUA_OK) status = docall(L, 0, true);
    report(L, status, null);
    if (status === lua.LUA_OK && lua.lua_gettop(L) > 0) {
      lua.lua_getglobal(L, 'print');
      lua.lua_insert(L, 1);
      if (lua.lua_pcall(L, lua.lua_gettop(L) - 1, 0, 0) !== lua.LUA_OK) {
        const reason = lua.lua_tolstring(L, -1) ?? fengari.to_luastring('(null)');
        message(null, Buffer.concat([Buffer.from("error calling 'print' ("), reason, Buffer.from(')')]));
      }
    }
  }
  lua.lua_settop(L, 0);
  processStreams.stdout(Buffer.from('\n'));
}
