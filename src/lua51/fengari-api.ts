/**
 * Types for the part of Fengari this project uses. Fengari ships no type
 * declarations; these follow its sources (which follow the Lua 5.3 C API).
 * Add a declaration here when you need another function.
 */

/** A Lua string: raw bytes, never decoded. */
export type LuaString = Uint8Array;
/** Fengari accepts JS strings (converted as UTF-8) wherever the C API takes `const char *`. */
export type StringArg = LuaString | string;

/** An opaque `lua_State *`. */
export interface LuaState {
  readonly __brand: 'lua_State';
}

export type LuaJsFunction = (L: LuaState) => number;

export interface LuaDebug {
  event: number;
  name: LuaString | null;
  namewhat: LuaString;
  what: LuaString;
  source: LuaString;
  currentline: number;
  linedefined: number;
  lastlinedefined: number;
  nups: number;
  nparams: number;
  isvararg: boolean;
  istailcall: boolean;
  short_src: LuaString;
}

/** Fengari's internal TValue: what an upvalue cell is. */
export interface TValue {
  type: number;
  value: unknown;
}

export interface LuaProtoUpvalueDesc {
  name: { getstr(): LuaString } | null;
}

/** Fengari's internal Lua closure (what `lua_topointer` returns for one). */
export interface LClosure {
  p: { upvalues: LuaProtoUpvalueDesc[] };
  upvals: TValue[];
}

export interface LuaApi {
  LUA_OK: number;
  LUA_YIELD: number;
  LUA_ERRRUN: number;
  LUA_ERRSYNTAX: number;
  LUA_ERRMEM: number;
  LUA_ERRERR: number;
  LUA_ERRFILE: number;
  LUA_OPEQ: number;
  LUA_OPLT: number;
  LUA_OPLE: number;
  LUA_MULTRET: number;
  LUA_MINSTACK: number;
  LUA_REGISTRYINDEX: number;
  LUA_RIDX_GLOBALS: number;
  LUA_TNONE: number;
  LUA_TNIL: number;
  LUA_TBOOLEAN: number;
  LUA_TLIGHTUSERDATA: number;
  LUA_TNUMBER: number;
  LUA_TSTRING: number;
  LUA_TTABLE: number;
  LUA_TFUNCTION: number;
  LUA_TUSERDATA: number;
  LUA_TTHREAD: number;
  lua_Debug: new () => LuaDebug;
  lua_upvalueindex(i: number): number;
  lua_absindex(L: LuaState, idx: number): number;
  lua_atnativeerror(L: LuaState, handler: LuaJsFunction): void;
  lua_call(L: LuaState, nargs: number, nresults: number): void;
  lua_compare(L: LuaState, a: number, b: number, op: number): boolean;
  lua_checkstack(L: LuaState, n: number): boolean;
  lua_concat(L: LuaState, n: number): void;
  lua_copy(L: LuaState, from: number, to: number): void;
  lua_createtable(L: LuaState, narr: number, nrec: number): void;
  lua_error(L: LuaState): never;
  /** Writes a Lua function's binary chunk through `writer`; non-zero for a host function. */
  lua_dump(
    L: LuaState,
    writer: (L: LuaState, b: LuaString, size: number, data: unknown) => number,
    data: unknown,
    strip: boolean | number,
  ): number;
  lua_getfield(L: LuaState, idx: number, k: StringArg): number;
  lua_getglobal(L: LuaState, name: StringArg): number;
  lua_geti(L: LuaState, idx: number, n: number): number;
  lua_getinfo(L: LuaState, what: StringArg, ar: LuaDebug): boolean;
  /** Pushes the local's value and returns its name, or null (nothing pushed) where there is none. */
  lua_getlocal(L: LuaState, ar: LuaDebug, n: number): LuaString | null;
  lua_getmetatable(L: LuaState, idx: number): boolean;
  lua_getstack(L: LuaState, level: number, ar: LuaDebug): boolean;
  lua_gettable(L: LuaState, idx: number): number;
  lua_gettop(L: LuaState): number;
  lua_getupvalue(L: LuaState, funcindex: number, n: number): LuaString | null;
  lua_insert(L: LuaState, idx: number): void;
  lua_iscfunction(L: LuaState, idx: number): boolean;
  lua_isfunction(L: LuaState, idx: number): boolean;
  lua_isnone(L: LuaState, idx: number): boolean;
  lua_isnil(L: LuaState, idx: number): boolean;
  lua_isnoneornil(L: LuaState, idx: number): boolean;
  lua_isnumber(L: LuaState, idx: number): boolean;
  lua_isstring(L: LuaState, idx: number): boolean;
  lua_isthread(L: LuaState, idx: number): boolean;
  lua_istable(L: LuaState, idx: number): boolean;
  lua_load(
    L: LuaState,
    reader: (L: LuaState, data: unknown) => LuaString | null,
    data: unknown,
    chunkname: StringArg,
    mode: StringArg | null,
  ): number;
  lua_newtable(L: LuaState): void;
  /** Fengari ignores the size; the result is a plain object the host may store properties on. */
  lua_newuserdata(L: LuaState, size: number): object;
  lua_newthread(L: LuaState): LuaState;
  lua_next(L: LuaState, idx: number): boolean;
  lua_pcall(L: LuaState, nargs: number, nresults: number, errfunc: number): number;
  lua_pop(L: LuaState, n: number): void;
  lua_pushboolean(L: LuaState, b: boolean | number): void;
  lua_pushcclosure(L: LuaState, fn: LuaJsFunction, n: number): void;
  lua_pushcfunction(L: LuaState, fn: LuaJsFunction): void;
  lua_pushfstring(L: LuaState, fmt: StringArg, ...args: unknown[]): LuaString;
  lua_pushglobaltable(L: LuaState): void;
  lua_pushinteger(L: LuaState, n: number): void;
  lua_pushlightuserdata(L: LuaState, p: unknown): void;
  lua_pushliteral(L: LuaState, s: string): LuaString;
  lua_pushlstring(L: LuaState, s: StringArg, len: number): LuaString;
  lua_pushnil(L: LuaState): void;
  lua_pushnumber(L: LuaState, n: number): void;
  lua_pushstring(L: LuaState, s: StringArg | null): LuaString;
  lua_pushthread(L: LuaState): boolean;
  lua_pushvalue(L: LuaState, idx: number): void;
  lua_rawequal(L: LuaState, a: number, b: number): boolean;
  lua_rawget(L: LuaState, idx: number): number;
  lua_rawgeti(L: LuaState, idx: number, n: number): number;
  lua_rawgetp(L: LuaState, idx: number, p: unknown): number;
  lua_rawlen(L: LuaState, idx: number): number;
  lua_rawset(L: LuaState, idx: number): void;
  lua_rawseti(L: LuaState, idx: number, n: number): void;
  lua_rawsetp(L: LuaState, idx: number, p: unknown): void;
  lua_remove(L: LuaState, idx: number): void;
  lua_replace(L: LuaState, idx: number): void;
  /** Resumes `co` from `from` with `narg` arguments on its stack; returns a status code. */
  lua_resume(co: LuaState, from: LuaState | null, narg: number): number;
  lua_rotate(L: LuaState, idx: number, n: number): void;
  lua_setfield(L: LuaState, idx: number, k: StringArg): void;
  lua_setglobal(L: LuaState, name: StringArg): void;
  lua_seti(L: LuaState, idx: number, n: number): void;
  lua_setmetatable(L: LuaState, idx: number): void;
  lua_settable(L: LuaState, idx: number): void;
  lua_settop(L: LuaState, idx: number): void;
  lua_status(L: LuaState): number;
  lua_sethook(L: LuaState, hook: ((L: LuaState, ar: LuaDebug) => void) | null, mask: number, count: number): void;
  /** Pops the top into the local and returns its name; null (nothing popped) where there is none. */
  lua_setlocal(L: LuaState, ar: LuaDebug, n: number): LuaString | null;
  lua_setupvalue(L: LuaState, funcindex: number, n: number): LuaString | null;
  lua_toboolean(L: LuaState, idx: number): boolean;
  lua_tointeger(L: LuaState, idx: number): number;
  lua_tointegerx(L: LuaState, idx: number): number | false;
  lua_tocfunction(L: LuaState, idx: number): LuaJsFunction | null;
  lua_tojsstring(L: LuaState, idx: number): string;
  lua_tolstring(L: LuaState, idx: number): LuaString | null;
  lua_tonumber(L: LuaState, idx: number): number;
  lua_tonumberx(L: LuaState, idx: number): number | false;
  lua_topointer(L: LuaState, idx: number): unknown;
  lua_tostring(L: LuaState, idx: number): LuaString | null;
  lua_tothread(L: LuaState, idx: number): LuaState | null;
  /** A full userdata's data object, or a light userdata's value. */
  lua_touserdata(L: LuaState, idx: number): unknown;
  lua_type(L: LuaState, idx: number): number;
  lua_typename(L: LuaState, t: number): LuaString;
  lua_xmove(from: LuaState, to: LuaState, n: number): void;
}

export interface LauxlibApi {
  luaL_Buffer: new () => unknown;
  luaL_argcheck(L: LuaState, cond: boolean, arg: number, extramsg: StringArg): void;
  luaL_argerror(L: LuaState, arg: number, extramsg: StringArg): never;
  luaL_callmeta(L: LuaState, obj: number, e: StringArg): boolean;
  luaL_checkany(L: LuaState, arg: number): void;
  luaL_checkinteger(L: LuaState, arg: number): number;
  luaL_checklstring(L: LuaState, arg: number): LuaString;
  luaL_checknumber(L: LuaState, arg: number): number;
  /** `lst` must hold Lua strings: Fengari compares them byte by byte. */
  luaL_checkoption(L: LuaState, arg: number, def: StringArg | null, lst: readonly LuaString[]): number;
  luaL_checkstack(L: LuaState, sz: number, msg: StringArg | null): void;
  luaL_checkstring(L: LuaState, arg: number): LuaString;
  luaL_checktype(L: LuaState, arg: number, t: number): void;
  luaL_checkudata(L: LuaState, ud: number, tname: StringArg): object;
  luaL_error(L: LuaState, fmt: StringArg, ...args: unknown[]): never;
  luaL_getmetafield(L: LuaState, obj: number, e: StringArg): number;
  luaL_len(L: LuaState, idx: number): number;
  luaL_loadbuffer(L: LuaState, buff: LuaString, sz: number | null, name: StringArg | null): number;
  luaL_loadbufferx(L: LuaState, buff: LuaString, sz: number | null, name: StringArg | null, mode: StringArg | null): number;
  luaL_loadfilex(L: LuaState, filename: StringArg | null, mode: StringArg | null): number;
  luaL_loadstring(L: LuaState, s: StringArg): number;
  luaL_newstate(): LuaState;
  luaL_optinteger(L: LuaState, arg: number, def: number): number;
  luaL_optlstring(L: LuaState, arg: number, def: StringArg | null): LuaString | null;
  luaL_optnumber(L: LuaState, arg: number, def: number): number;
  luaL_optstring(L: LuaState, arg: number, def: StringArg | null): LuaString | null;
  luaL_ref(L: LuaState, t: number): number;
  luaL_unref(L: LuaState, t: number, ref: number): void;
  luaL_setmetatable(L: LuaState, tname: StringArg): void;
  luaL_testudata(L: LuaState, ud: number, tname: StringArg): object | null;
  luaL_tolstring(L: LuaState, idx: number): LuaString;
  luaL_traceback(L: LuaState, L1: LuaState, msg: LuaString | null, level: number): void;
  luaL_typename(L: LuaState, i: number): LuaString;
  luaL_where(L: LuaState, level: number): void;
}

export interface LualibApi {
  luaL_openlibs(L: LuaState): void;
}

export interface FengariApi {
  FENGARI_RELEASE: string;
  lua: LuaApi;
  lauxlib: LauxlibApi;
  lualib: LualibApi;
  to_luastring(s: string, cache?: boolean): LuaString;
  to_jsstring(s: LuaString, from?: number, to?: number, replacement_char?: boolean): string;
  lobject: { TValue: new (type: number, value: unknown) => TValue };
  /** The functions each Fengari library opens, by name (exported by a patch, see fengari-patches.ts). */
  libraryFunctions: Readonly<Record<FengariLibrary, Readonly<Record<string, LuaJsFunction>>>>;
}

/** The Fengari libraries whose functions 5.1's libraries partly keep. */
export type FengariLibrary = 'base' | 'coroutine' | 'math' | 'os' | 'debug';
