/**
 * Facts that differ between Scribunto versions, read from the installed
 * MWServer.lua beside the mw_main.lua that PHP names, so one binary serves
 * REL1_39 through master.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface InstalledScribunto {
  /** The folder holding engines/LuaStandalone (or Engines/ from REL1_40 on) and the lualib. */
  readonly includesDir: string;
  /** Path of mwInit.lua, which mw_main.lua loads before the server starts. */
  readonly mwInitPath: string;
  /** PHP class of function objects sent to PHP, as serialized by MWServer:serialize. */
  readonly functionClassName: string;
  /** Whether error replies carry the chunk environment's mw.getLogBuffer() (master after REL1_45). */
  readonly errorRepliesCarryLog: boolean;
  /** Where the reference server's own frames stand, for backtraces that read as the reference's. */
  readonly serverLines: ServerLines;
  /**
   * The "MWServer.lua:NNN: " prefix the reference's error() calls in serialize
   * put before a message PHP cannot take, or "" for a message it never raises.
   */
  serializationErrorPosition(message: string): string;
}

export interface FrameLines {
  readonly linedefined: number;
  readonly currentline: number;
}

export interface ServerLines {
  readonly execute: FrameLines;
  readonly call: FrameLines;
  /** MWServer:call where it raises the error PHP returned. */
  readonly callError: FrameLines;
  readonly handleCall: FrameLines;
  readonly dispatch: FrameLines;
  /** The line of mw_main.lua that starts the server. */
  readonly mainExecute: number;
  /** MWServer.lua's short_src under lua5.1: the path require found it by. */
  readonly serverShortSrc: string;
  /** mw_main.lua's short_src under lua5.1: the path PHP ran it by. */
  readonly mainShortSrc: string;
}

const CLASS_NAME = /return 'O:(\d+):"((?:[^"\\]|\\\\)+)":2:\{s:13:"interpreterId";i:' \.\./;

/** `mwMainPath` as PHP gave it, relative or not: lua5.1 names the file by it. */
export function readInstalledScribunto(mwMainPath: string, includesDir: string): InstalledScribunto {
  const serverDir = path.dirname(path.resolve(mwMainPath));
  const serverSource = fs.readFileSync(path.join(serverDir, 'MWServer.lua'), 'latin1');
  const classMatch = CLASS_NAME.exec(serverSource);
  if (!classMatch) {
    throw new Error(`cannot find the PHP function class name in ${path.join(serverDir, 'MWServer.lua')}`);
  }
  // The Lua source writes each backslash of the class name twice.
  const functionClassName = classMatch[2]!.replace(/\\\\/g, '\\');
  if (Buffer.byteLength(functionClassName, 'latin1') !== Number(classMatch[1])) {
    throw new Error(`the function class name in MWServer.lua does not match its declared length ${classMatch[1]}`);
  }
  const mainSource = fs.readFileSync(mwMainPath, 'latin1');
  const serverShortSrc = shortSource(requiredPath(mainSource, includesDir, 'MWServer'));
  const errorLines = serializeErrorLines(serverSource);
  return {
    includesDir,
    mwInitPath: path.join(serverDir, '..', 'LuaCommon', 'lualib', 'mwInit.lua'),
    functionClassName,
    errorRepliesCarryLog: /\blog = select\( 2, xpcall\(/.test(serverSource),
    serverLines: {
      execute: frameLines(serverSource, 'function MWServer:execute(', 'self:dispatch('),
      call: frameLines(serverSource, 'function MWServer:call(', 'self:dispatch('),
      callError: frameLines(serverSource, 'function MWServer:call(', 'error( result.value'),
      handleCall: frameLines(serverSource, 'function MWServer:handleCall(', 'xpcall('),
      dispatch: frameLines(serverSource, 'function MWServer:dispatch(', 'self:handleCall('),
      mainExecute: lineOf(mainSource, 'server:execute()', 1),
      serverShortSrc,
      mainShortSrc: shortSource(mwMainPath),
    },
    serializationErrorPosition(message) {
      const found = errorLines.find(({ literal }) => message.startsWith(literal));
      return found ? `${serverShortSrc}:${found.line}: ` : '';
    },
  };
}

/** The file `require(module)` loads under the package.path that mw_main.lua sets. */
function requiredPath(mainSource: string, includesDir: string, module: string): string {
  const template = /arg\[1\] \.\. '([^']*)\?\.lua;'/.exec(mainSource);
  if (!template) throw new Error('cannot find package.path in the installed mw_main.lua');
  return `${includesDir}${template[1]}${module}.lua`;
}

/** 5.1's luaO_chunkid for a "@file" chunk name: long paths keep their last 52 bytes after "...". */
function shortSource(file: string): string {
  const room = 60 - " '...' ".length - 1;
  return file.length > room ? `...${file.slice(file.length - room)}` : file;
}

/** The literal start of each message MWServer:serialize raises, with its line. */
function serializeErrorLines(serverSource: string): Array<{ literal: string; line: number }> {
  const serializeStart = lineOf(serverSource, 'function MWServer:serialize(', 1);
  return serverSource
    .split('\n')
    .map((text, i) => ({ match: /\berror\(\s*(["'])(.*?)\1/.exec(text), line: i + 1 }))
    .filter(({ match, line }) => match !== null && line > serializeStart)
    .map(({ match, line }) => ({ literal: match![2]!, line }));
}

/** The line a method is defined on and the line of the call inside it that the stack passes through. */
function frameLines(source: string, definition: string, callInside: string): FrameLines {
  const linedefined = lineOf(source, definition, 1);
  return { linedefined, currentline: lineOf(source, callInside, linedefined) };
}

function lineOf(source: string, needle: string, fromLine: number): number {
  const lines = source.split('\n');
  for (let i = fromLine - 1; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  throw new Error(`cannot find "${needle}" in the installed Scribunto server`);
}
