/**
 * The LuaStandalone protocol server: the dispatch loop and one small handler
 * per operation, in the shape of Scribunto's MWServer.lua.
 *
 * Messages are Lua tables on the Lua stack from the moment they are decoded
 * until they are encoded, exactly as the reference handles them.
 */
import { lauxlib, lua } from '../lua51/fengari.js';
import type { LuaDebug, LuaState } from '../lua51/fengari-api.js';
import { hostOf } from '../lua51/host-context.js';
import { countHostCallLevels, countHostCCalls, frameIdentity, isMakingTailCall } from '../lua51/lcallinfo.js';
import { setHostFramesBelowStack, type HostFrame } from '../lua51/lfenv.js';
import { setHostStack, type Frame51, type HostStack } from '../lua51/lstack.js';
import { lua51NumberToString } from '../lua51/lnumber.js';
import { SessionEnd } from '../lua51/session-end.js';
import { ChunkTable } from './chunks.js';
import { decodeMessage } from './decode.js';
import { encodeValue, IterationError, SerializationError, type EncodeOptions } from './encode.js';
import type { MessageChannel } from './framing.js';
import type { InstalledScribunto } from './installed-scribunto.js';
import { C_CALLS_BELOW_EXECUTE, callLevels, hostFramesOf, referenceFrames, type ReferenceFrames } from './reference-frames.js';
import { buildSandbox } from './sandbox.js';
import { readStatus } from './status.js';
import { attachTrace } from './trace.js';

export interface ServerOptions {
  readonly interpreterId: number;
  readonly intSize: 4 | 8;
  readonly scribunto: InstalledScribunto;
}

export class Server {
  private readonly chunks: ChunkTable;
  private readonly encodeOptions: EncodeOptions;
  /** Registry reference of the table of functions Scribunto protects from setfenv. */
  private readonly protectedFunctions: number;
  /** Registry reference of the base environment of loaded chunks. */
  private readonly baseEnv: number;
  /** The reference server's frames that stand where ours are JavaScript. */
  private readonly frames: ReferenceFrames;
  /** What getfenv finds past the bottom of the stack while a chunk runs. */
  private readonly hostFramesBelowACall: readonly HostFrame[];
  /** Stack levels as lua5.1 running MWServer.lua shows them while a chunk runs. */
  private readonly hostStack: HostStack;
  /** The same while a reply is serialized, with the reference's serializer frames left out. */
  private readonly replyHostStack: HostStack;
  /** Our Lua→PHP functions' frames that wait in dispatch for PHP's reply. */
  private readonly waitingForPhp = new Set<object>();
  /** The CallInfos the reference's frames take while a Lua→PHP function waits for PHP. */
  private readonly callLevelsWaitingForPhp: number;

  constructor(
    private readonly L: LuaState,
    private readonly channel: MessageChannel,
    private readonly options: ServerOptions,
  ) {
    this.chunks = new ChunkTable(L);
    this.encodeOptions = {
      intSize: options.intSize,
      interpreterId: options.interpreterId,
      functionClassName: options.scribunto.functionClassName,
    };
    const sandbox = buildSandbox(L, options.scribunto);
    this.baseEnv = sandbox.baseEnvRef;
    this.protectedFunctions = sandbox.protectedFunctionsRef;
    this.frames = referenceFrames(options.scribunto.serverLines);
    this.hostFramesBelowACall = hostFramesOf(this.frames.belowChunk);
    this.callLevelsWaitingForPhp = callLevels(this.frames.waitingForPhp);
    this.hostStack = { below: this.frames.belowChunk, framesFor: (L1, ar) => this.framesFor(L1, ar) };
    this.replyHostStack = { ...this.hostStack, below: [] };
    setHostFramesBelowStack(L, this.hostFramesBelowACall);
    setHostStack(L, this.hostStack);
  }

  /** Serves requests until PHP quits or closes the pipe, which ends the session (SessionEnd). */
  execute(): never {
    countHostCCalls(this.L, C_CALLS_BELOW_EXECUTE);
    countHostCallLevels(this.L, callLevels(this.frames.belowChunk));
    this.dispatch();
    return fatal('MWServer:execute: dispatch returned without a quit message');
  }

  /**
   * Reads and handles requests until a `return` or `error` message arrives,
   * which is left on the stack: the reply to our own pending call to PHP.
   */
  private dispatch(): void {
    const L = this.L;
    for (;;) {
      this.receiveMessage();
      const op = fieldString(L, -1, 'op');
      switch (op) {
        case 'return':
        case 'error':
          return;
        case 'call':
          this.handleCall();
          break;
        case 'loadString':
          this.handleLoadString();
          break;
        case 'registerLibrary':
          this.handleRegisterLibrary();
          break;
        case 'wrapPhpFunction':
          this.handleWrapPhpFunction();
          break;
        case 'cleanupChunks':
          this.handleCleanupChunks();
          break;
        case 'getStatus':
          this.handleGetStatus();
          break;
        case 'quit':
          throw new SessionEnd(0);
        case 'testquit':
          throw new SessionEnd(42);
        default:
          fatal(`Invalid message operation ${JSON.stringify(op)}`);
      }
      this.sendReply();
      lua.lua_pop(L, 1);
    }
  }

  /** Handle a "call" message from PHP: call the chunk and reply with its results or its error. */
  private handleCall(): void {
    const L = this.L;
    const message = lua.lua_gettop(L);
    const id = fieldNumber(L, message, 'id');
    this.chunks.push(id);
    if (lua.lua_isnil(L, -1)) {
      lua.lua_pop(L, 1);
      lua.lua_pushstring(L, `function id ${lua51NumberToString(id)} does not exist`);
      pushErrorReply(L, -1);
      lua.lua_remove(L, -2);
      return;
    }
    lua.lua_pushcfunction(L, attachTrace);
    lua.lua_insert(L, -2);
    const handler = lua.lua_gettop(L) - 1;
    const nargs = fieldNumber(L, message, 'nargs');
    lauxlib.luaL_checkstack(L, nargs + lua.LUA_MINSTACK, 'too many arguments');
    lua.lua_getfield(L, message, 'args');
    for (let i = 1; i <= nargs; i++) lua.lua_rawgeti(L, handler + 2, i);
    lua.lua_remove(L, handler + 2);
    const status = lua.lua_pcall(L, nargs, lua.LUA_MULTRET, handler);
    if (status === lua.LUA_OK) {
      pushReturnReply(L, handler + 1, lua.lua_gettop(L) - handler);
    } else {
      this.pushCallErrorReply(id);
    }
    lua.lua_replace(L, handler);
    lua.lua_settop(L, handler);
  }

  /** An error reply for a failed call, with the trace the handler attached when it could. */
  private pushCallErrorReply(id: number): void {
    const L = this.L;
    const caught = lua.lua_gettop(L);
    const traced =
      lua.lua_istable(L, caught) && rawFieldIsTrue(L, caught, 'value') && rawFieldIsTrue(L, caught, 'trace');
    if (!traced) {
      pushErrorReply(L, caught);
      lua.lua_remove(L, caught);
      return;
    }
    lua.lua_getfield(L, caught, 'value');
    pushErrorReply(L, -1);
    lua.lua_remove(L, -2);
    lua.lua_getfield(L, caught, 'trace');
    lua.lua_setfield(L, -2, 'trace');
    if (this.options.scribunto.errorRepliesCarryLog) {
      this.pushLogBuffer(id);
      lua.lua_setfield(L, -2, 'log');
    }
    lua.lua_remove(L, caught);
  }

  /** `getfenv(chunk).mw.getLogBuffer()` as master's MWServer sends it, or nil when that fails. */
  private pushLogBuffer(id: number): void {
    const L = this.L;
    lua.lua_pushcfunction(L, (L1) => {
      lua.lua_getglobal(L1, 'getfenv');
      lua.lua_pushvalue(L1, 1);
      lua.lua_call(L1, 1, 1);
      lua.lua_getfield(L1, -1, 'mw');
      lua.lua_getfield(L1, -1, 'getLogBuffer');
      lua.lua_call(L1, 0, 1);
      return 1;
    });
    this.chunks.push(id);
    if (lua.lua_pcall(L, 1, 1, 0) !== lua.LUA_OK) {
      lua.lua_pop(L, 1);
      lua.lua_pushnil(L);
    }
  }

  /** Handle a "loadString" message: compile the text in the base environment and reply with its chunk id. */
  private handleLoadString(): void {
    const L = this.L;
    const message = lua.lua_gettop(L);
    lua.lua_getfield(L, message, 'text');
    const text = lua.lua_tolstring(L, -1) ?? new Uint8Array();
    lua.lua_getfield(L, message, 'chunkName');
    const chunkName = lua.lua_tolstring(L, -1);
    lua.lua_pop(L, 2);
    if (containsBinaryChunkMarker(text)) {
      lua.lua_pushliteral(L, 'cannot load code with a Lua binary chunk marker escape sequence in it');
      pushErrorReply(L, -1);
      lua.lua_remove(L, -2);
      return;
    }
    if (lauxlib.luaL_loadbufferx(L, text, text.length, chunkName ?? text, 't') !== lua.LUA_OK) {
      pushErrorReply(L, -1);
      lua.lua_remove(L, -2);
      return;
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.baseEnv);
    lua.lua_setupvalue(L, -2, 1);
    const id = this.chunks.idOf(-1);
    lua.lua_pop(L, 1);
    lua.lua_pushnumber(L, id);
    pushReturnReply(L, lua.lua_gettop(L), 1);
    lua.lua_remove(L, -2);
  }

  /** Handle a "registerLibrary" message: add functions that call PHP to a table of the base environment. */
  private handleRegisterLibrary(): void {
    const L = this.L;
    const message = lua.lua_gettop(L);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.baseEnv);
    lua.lua_getfield(L, message, 'name');
    lua.lua_pushvalue(L, -1);
    lua.lua_gettable(L, -3);
    if (!lua.lua_toboolean(L, -1)) {
      lua.lua_pop(L, 1);
      lua.lua_newtable(L);
      lua.lua_pushvalue(L, -2);
      lua.lua_pushvalue(L, -2);
      lua.lua_settable(L, -5);
    }
    const library = lua.lua_gettop(L);
    lua.lua_getfield(L, message, 'functions');
    const functions = lua.lua_gettop(L);
    lua.lua_pushnil(L);
    while (lua.lua_next(L, functions)) {
      lua.lua_pushvalue(L, -2);
      this.pushPhpFunction(-2);
      lua.lua_settable(L, library);
      lua.lua_pop(L, 1);
    }
    lua.lua_settop(L, message);
    pushReturnReply(L, message + 1, 0);
  }

  /** Handle a "wrapPhpFunction" message: reply with one Lua function that calls the PHP callback. */
  private handleWrapPhpFunction(): void {
    const L = this.L;
    lua.lua_getfield(L, -1, 'id');
    this.pushPhpFunction(-1);
    lua.lua_remove(L, -2);
    pushReturnReply(L, lua.lua_gettop(L), 1);
    lua.lua_remove(L, -2);
  }

  /** Handle a "cleanupChunks" message: forget every chunk PHP no longer holds. */
  private handleCleanupChunks(): void {
    const L = this.L;
    lua.lua_getfield(L, -1, 'ids');
    this.chunks.keepOnly(-1);
    lua.lua_pop(L, 1);
    pushReturnReply(L, lua.lua_gettop(L) + 1, 0);
  }

  /** Handle a "getStatus" message: process id, CPU time in clock ticks, and memory. */
  private handleGetStatus(): void {
    const L = this.L;
    const status = readStatus(hostOf(L).cpuMicrosAtStart);
    if (!status) {
      pushReturnReply(L, lua.lua_gettop(L) + 1, 0);
      return;
    }
    lua.lua_createtable(L, 0, 4);
    for (const [key, value] of Object.entries(status)) {
      lua.lua_pushnumber(L, value);
      lua.lua_setfield(L, -2, key);
    }
    pushReturnReply(L, lua.lua_gettop(L), 1);
    lua.lua_remove(L, -2);
  }

  /** Pushes a Lua function that calls PHP callback `id` (the value at `idIndex`), protected from setfenv. */
  private pushPhpFunction(idIndex: number): void {
    const L = this.L;
    lua.lua_pushvalue(L, idIndex);
    lua.lua_pushcclosure(L, (L1) => this.callPhp(L1), 1);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.protectedFunctions);
    lua.lua_pushvalue(L, -2);
    lua.lua_pushboolean(L, true);
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
  }

  /** dispatch() for the Lua→PHP function running on `L`, which stands for MWServer:call meanwhile. */
  private dispatchAwaitingReply(L: LuaState): void {
    const ar = new lua.lua_Debug();
    lua.lua_getstack(L, 0, ar);
    const frame = frameIdentity(ar);
    this.waitingForPhp.add(frame);
    // This function's own CallInfo stands for the MWServer:call frame. A
    // caller that tail-called us keeps its CallInfo here, where the reference's
    // Lua closure replaced it.
    countHostCallLevels(L, this.callLevelsWaitingForPhp - 1 - (isMakingTailCall(L, 1) ? 1 : 0));
    try {
      this.dispatch();
    } finally {
      this.waitingForPhp.delete(frame);
    }
  }

  /** The reference's frames in place of the function at the level `ar` describes, if it is one of our Lua→PHP functions. */
  private framesFor(L: LuaState, ar: LuaDebug): readonly Frame51[] | null {
    lua.lua_getinfo(L, 'f', ar);
    const bridge = this.isPhpBridge(L);
    lua.lua_pop(L, 1);
    if (!bridge) return null;
    return this.waitingForPhp.has(frameIdentity(ar)) ? this.frames.waitingForPhp : this.frames.raisingPhpError;
  }

  /** Whether the function on top of the stack is one of ours that calls PHP. */
  private isPhpBridge(L: LuaState): boolean {
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.protectedFunctions);
    lua.lua_pushvalue(L, -2);
    lua.lua_rawget(L, -2);
    const bridge = lua.lua_toboolean(L, -1);
    lua.lua_pop(L, 2);
    return bridge;
  }

  /** Calls a PHP function with the Lua arguments; PHP's error is raised at the Lua caller's position. */
  private callPhp(L: LuaState): number {
    const nargs = lua.lua_gettop(L);
    lua.lua_createtable(L, nargs, 0);
    for (let i = 1; i <= nargs; i++) {
      lua.lua_pushvalue(L, i);
      lua.lua_rawseti(L, -2, i);
    }
    lua.lua_createtable(L, 0, 4);
    lua.lua_pushliteral(L, 'call');
    lua.lua_setfield(L, -2, 'op');
    lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
    lua.lua_setfield(L, -2, 'id');
    lua.lua_pushnumber(L, nargs);
    lua.lua_setfield(L, -2, 'nargs');
    lua.lua_insert(L, -2);
    lua.lua_setfield(L, -2, 'args');
    let body: Uint8Array;
    try {
      body = encodeValue(L, -1, this.chunks, this.encodeOptions);
    } catch (error) {
      this.pushEncodeError(error);
      return lua.lua_error(L);
    }
    lua.lua_pop(L, 1);
    this.send(body);
    this.dispatchAwaitingReply(L);
    const reply = lua.lua_gettop(L);
    if (fieldString(L, reply, 'op') === 'error') {
      lua.lua_getfield(L, reply, 'value');
      // The reference raises at level 3 of a Lua closure that tail-calls MWServer:call;
      // if our caller tail-called us, that level is a "(tail call)" with no position.
      if (lua.lua_isstring(L, -1) && !isMakingTailCall(L, 1)) {
        lauxlib.luaL_where(L, 1);
        lua.lua_insert(L, -2);
        lua.lua_concat(L, 2);
      }
      return lua.lua_error(L);
    }
    const nvalues = fieldNumber(L, reply, 'nvalues');
    lauxlib.luaL_checkstack(L, nvalues, 'too many results');
    lua.lua_getfield(L, reply, 'values');
    for (let i = 1; i <= nvalues; i++) lua.lua_rawgeti(L, reply + 1, i);
    return nvalues;
  }

  /**
   * Pushes the Lua error value of a failed serialization: the message as the
   * reference's error() in MWServer:serialize words it, with its position, or
   * whatever a table's __pairs raised.
   */
  private pushEncodeError(error: unknown): void {
    const L = this.L;
    if (error instanceof SerializationError) {
      lua.lua_pushstring(L, this.options.scribunto.serializationErrorPosition(error.message) + error.message);
    } else if (error instanceof IterationError) {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, error.ref);
      lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, error.ref);
    } else {
      throw error;
    }
  }

  /** Decodes the next message from PHP onto the stack; end of input ends the session cleanly. */
  private receiveMessage(): void {
    let body: Uint8Array | null;
    try {
      body = this.channel.read();
      if (body !== null) decodeMessage(this.L, body, this.chunks);
    } catch (error) {
      return fatal(describe(error));
    }
    if (body === null) throw new SessionEnd(0);
  }

  /** Writes one message; a broken pipe ends the conversation. */
  private send(body: Uint8Array): void {
    try {
      this.channel.write(body);
    } catch (error) {
      fatal(`Write error: ${describe(error)}`);
    }
  }

  /**
   * Sends the reply table on top of the stack and pops it. A value PHP cannot
   * take becomes an error reply, as in the reference.
   */
  private sendReply(): void {
    const L = this.L;
    let body: Uint8Array;
    // The reference's serializer frames, which a __pairs run here would see, are not
    // described: getfenv finds functions of the real globals past the stack, and
    // tracebacks and traces end there.
    setHostFramesBelowStack(L, FRAMES_BELOW_A_REPLY);
    setHostStack(L, this.replyHostStack);
    try {
      body = encodeValue(L, -1, this.chunks, this.encodeOptions);
    } catch (error) {
      this.pushEncodeError(error);
      pushErrorReply(L, -1);
      body = encodeValue(L, -1, this.chunks, this.encodeOptions);
      lua.lua_pop(L, 2);
    } finally {
      setHostFramesBelowStack(L, this.hostFramesBelowACall);
      setHostStack(L, this.hostStack);
    }
    lua.lua_pop(L, 1);
    this.send(body);
  }
}

/** Ends the session with status 1 and the reason on stderr: the conversation with PHP cannot go on. */
function fatal(reason: string): never {
  throw new SessionEnd(1, reason);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What getfenv/setfenv find past the bottom of our stack while a reply is
 * serialized: below a __pairs of the reply, the reference has recursiveEncode,
 * serialize, pcall, sendMessage, dispatch, execute, mw_main.lua and the C entry point.
 */
const FRAMES_BELOW_A_REPLY: readonly HostFrame[] = Array<HostFrame>(8).fill('global');

/** Pushes a reply table `{op=op}` with room for `fields` fields. */
function pushReply(L: LuaState, op: 'return' | 'error', fields: number): void {
  // The values may fill the stack a call left behind: room for the reply table, a field and a value.
  lauxlib.luaL_checkstack(L, 3, 'too many results');
  lua.lua_createtable(L, 0, fields);
  lua.lua_pushliteral(L, op);
  lua.lua_setfield(L, -2, 'op');
}

/** Pushes `{op='return', nvalues=count, values={...}}` from `count` values starting at `first`. */
function pushReturnReply(L: LuaState, first: number, count: number): void {
  pushReply(L, 'return', 3);
  lua.lua_pushnumber(L, count);
  lua.lua_setfield(L, -2, 'nvalues');
  lua.lua_createtable(L, count, 0);
  for (let i = 0; i < count; i++) {
    lua.lua_pushvalue(L, first + i);
    lua.lua_rawseti(L, -2, i + 1);
  }
  lua.lua_setfield(L, -2, 'values');
}

/** Pushes `{op='error', value=<the value at idx>}`. */
function pushErrorReply(L: LuaState, idx: number): void {
  const value = lua.lua_absindex(L, idx);
  pushReply(L, 'error', 4);
  lua.lua_pushvalue(L, value);
  lua.lua_setfield(L, -2, 'value');
}

function fieldString(L: LuaState, idx: number, key: string): string | null {
  lua.lua_getfield(L, idx, key);
  const value = lua.lua_type(L, -1) === lua.LUA_TSTRING ? lua.lua_tojsstring(L, -1) : null;
  lua.lua_pop(L, 1);
  return value;
}

function fieldNumber(L: LuaState, idx: number, key: string): number {
  lua.lua_getfield(L, idx, key);
  const value = lua.lua_tonumber(L, -1);
  lua.lua_pop(L, 1);
  return value;
}

function rawFieldIsTrue(L: LuaState, idx: number, key: string): boolean {
  lua.lua_pushstring(L, key);
  lua.lua_rawget(L, idx);
  const value = lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 1);
  return value;
}

const BINARY_CHUNK_MARKER = Buffer.from('\x1bLua', 'latin1');

function containsBinaryChunkMarker(text: Uint8Array): boolean {
  return Buffer.from(text.buffer, text.byteOffset, text.length).includes(BINARY_CHUNK_MARKER);
}
