/**
 * Lua 5.1's package library (loadlib.c): `require` over `package.loaders`,
 * `module`, `package.seeall`. Modules load from Lua source files only: the C
 * loaders search `package.cpath` so that "module not found" messages list
 * what 5.1 lists, but a native library is never loaded, and nothing here can
 * reach a JavaScript module.
 */
import fs from 'node:fs';
import { lauxlib, lua, to_luastring } from './fengari.js';
import type { LuaJsFunction, LuaState, LuaString } from './fengari-api.js';
import { loadFile51 } from './lbaselib.js';
import { resolveLevel, setFunctionEnv } from './lfenv.js';
import { registerLibrary } from './llibutil.js';

const { LUA_OK, LUA_REGISTRYINDEX, LUA_TNIL, LUA_TTABLE } = lua;

/** Debian's lua5.1 defaults (its luaconf.h). */
const DEFAULT_PATH =
  './?.lua;/usr/local/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?/init.lua;/usr/local/lib/lua/5.1/?.lua;' +
  '/usr/local/lib/lua/5.1/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua';
const DEFAULT_CPATH =
  './?.so;/usr/local/lib/lua/5.1/?.so;/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;/usr/lib/lua/5.1/?.so;' +
  '/usr/local/lib/lua/5.1/loadall.so';
const NO_DYNAMIC_LIBRARIES = 'dynamic libraries not enabled; check your Lua installation';
const LOADED_TABLE = '_LOADED';

/** Upvalue 1 of every package function: the package table (5.1 uses their environment). */
const PACKAGE = lua.lua_upvalueindex(1);

/** Marks a module being loaded, to detect require loops as 5.1 does. */
const loadingSentinel = { loading: true };

/** Where the Lua and C loaders found nothing, or a found file name. */
function findFile(L: LuaState, name: LuaString, pathField: string): LuaString | null {
  const fileName = Buffer.from(name).toString('latin1').replaceAll('.', '/');
  lua.lua_getfield(L, PACKAGE, pathField);
  const path = lua.lua_tolstring(L, -1);
  if (path === null) lauxlib.luaL_error(L, "'package.%s' must be a string", pathField);
  lua.lua_pop(L, 1);
  let tried = '';
  for (const template of Buffer.from(path!).toString('latin1').split(';')) {
    if (template === '') continue;
    const candidate = template.replaceAll('?', fileName);
    const bytes = Buffer.from(candidate, 'latin1');
    if (isReadable(bytes)) return new Uint8Array(bytes);
    tried += `\n\tno file '${candidate}'`;
  }
  lua.lua_pushstring(L, Buffer.from(tried, 'latin1'));
  return null;
}

/** C's `fopen(name, "r") != NULL`. */
function isReadable(file: Buffer): boolean {
  try {
    fs.closeSync(fs.openSync(file, 'r'));
    return true;
  } catch {
    return false;
  }
}

function loadError(L: LuaState, filename: LuaString): never {
  return lauxlib.luaL_error(
    L, "error loading module '%s' from file '%s':\n\t%s", lua.lua_tolstring(L, 1), filename, lua.lua_tolstring(L, -1),
  );
}

function loaderPreload(L: LuaState): number {
  const name = lauxlib.luaL_checklstring(L, 1);
  if (lua.lua_getfield(L, PACKAGE, 'preload') !== LUA_TTABLE) lauxlib.luaL_error(L, "'package.preload' must be a table");
  if (lua.lua_getfield(L, -1, name) === LUA_TNIL) lua.lua_pushfstring(L, "\n\tno field package.preload['%s']", name);
  return 1;
}

function loaderLua(L: LuaState): number {
  const name = lauxlib.luaL_checklstring(L, 1);
  const filename = findFile(L, name, 'path');
  if (filename === null) return 1;
  if (loadFile51(L, filename) !== LUA_OK) loadError(L, filename);
  return 1;
}

/** Finds native libraries as 5.1 would, and refuses to load them. */
function loaderC(L: LuaState): number {
  const name = lauxlib.luaL_checklstring(L, 1);
  const filename = findFile(L, name, 'cpath');
  if (filename === null) return 1;
  lua.lua_pushliteral(L, NO_DYNAMIC_LIBRARIES);
  return loadError(L, filename);
}

function loaderCroot(L: LuaState): number {
  const name = lauxlib.luaL_checklstring(L, 1);
  const dot = name.indexOf(46);
  if (dot < 0) return 0;
  const filename = findFile(L, name.subarray(0, dot), 'cpath');
  if (filename === null) return 1;
  lua.lua_pushliteral(L, NO_DYNAMIC_LIBRARIES);
  return loadError(L, filename);
}

function llRequire(L: LuaState): number {
  const name = lauxlib.luaL_checklstring(L, 1);
  lua.lua_settop(L, 1);
  lua.lua_getfield(L, LUA_REGISTRYINDEX, LOADED_TABLE);
  lua.lua_getfield(L, 2, name);
  if (lua.lua_toboolean(L, -1)) {
    if (lua.lua_touserdata(L, -1) === loadingSentinel) {
      lauxlib.luaL_error(L, "loop or previous error loading module '%s'", name);
    }
    return 1;
  }
  if (lua.lua_getfield(L, PACKAGE, 'loaders') !== LUA_TTABLE) lauxlib.luaL_error(L, "'package.loaders' must be a table");
  lua.lua_pushliteral(L, '');
  for (let i = 1; ; i++) {
    if (lua.lua_rawgeti(L, -2, i) === LUA_TNIL) {
      lauxlib.luaL_error(L, "module '%s' not found:%s", name, lua.lua_tolstring(L, -2));
    }
    lua.lua_pushstring(L, name);
    lua.lua_call(L, 1, 1);
    if (lua.lua_isfunction(L, -1)) break;
    if (lua.lua_isstring(L, -1)) lua.lua_concat(L, 2);
    else lua.lua_pop(L, 1);
  }
  lua.lua_pushlightuserdata(L, loadingSentinel);
  lua.lua_setfield(L, 2, name);
  lua.lua_pushstring(L, name);
  lua.lua_call(L, 1, 1);
  if (!lua.lua_isnil(L, -1)) lua.lua_setfield(L, 2, name);
  lua.lua_getfield(L, 2, name);
  if (lua.lua_touserdata(L, -1) === loadingSentinel) {
    lua.lua_pushboolean(L, true);
    lua.lua_pushvalue(L, -1);
    lua.lua_setfield(L, 2, name);
  }
  return 1;
}

/**
 * `luaL_findtable` on the global table: walks (and creates) the dotted
 * name, leaving the table on the stack; false if a part is not a table.
 */
function findGlobalTable(L: LuaState, dottedName: LuaString): boolean {
  lua.lua_pushglobaltable(L);
  let start = 0;
  for (;;) {
    let end = dottedName.indexOf(46, start);
    const last = end < 0;
    if (last) end = dottedName.length;
    const part = dottedName.subarray(start, end);
    lua.lua_pushlstring(L, part, part.length);
    lua.lua_rawget(L, -2);
    if (lua.lua_isnil(L, -1)) {
      lua.lua_pop(L, 1);
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushlstring(L, part, part.length);
      lua.lua_pushvalue(L, -2);
      lua.lua_settable(L, -4);
    } else if (!lua.lua_istable(L, -1)) {
      lua.lua_pop(L, 2);
      return false;
    }
    lua.lua_remove(L, -2);
    if (last) return true;
    start = end + 1;
  }
}

function llModule(L: LuaState): number {
  const modname = lauxlib.luaL_checklstring(L, 1);
  const loaded = lua.lua_gettop(L) + 1;
  lua.lua_getfield(L, LUA_REGISTRYINDEX, LOADED_TABLE);
  lua.lua_getfield(L, loaded, modname);
  if (!lua.lua_istable(L, -1)) {
    lua.lua_pop(L, 1);
    if (!findGlobalTable(L, modname)) return lauxlib.luaL_error(L, "name conflict for module '%s'", modname);
    lua.lua_pushvalue(L, -1);
    lua.lua_setfield(L, loaded, modname);
  }
  lua.lua_getfield(L, -1, '_NAME');
  const initialised = !lua.lua_isnil(L, -1);
  lua.lua_pop(L, 1);
  if (!initialised) {
    lua.lua_pushvalue(L, -1);
    lua.lua_setfield(L, -2, '_M');
    lua.lua_pushstring(L, modname);
    lua.lua_setfield(L, -2, '_NAME');
    const dot = modname.lastIndexOf(46);
    lua.lua_pushlstring(L, modname, dot + 1);
    lua.lua_setfield(L, -2, '_PACKAGE');
  }
  const level = resolveLevel(L, 1);
  const callerInfo = new lua.lua_Debug();
  if (level < 0 || !lua.lua_getstack(L, level, callerInfo) || !lua.lua_getinfo(L, 'f', callerInfo) ||
      !setFunctionEnv(L, -1, -2)) {
    lauxlib.luaL_error(L, "'module' not called from a Lua function");
  }
  lua.lua_pop(L, 1);
  for (let i = 2; i < loaded; i++) {
    lua.lua_pushvalue(L, i);
    lua.lua_pushvalue(L, -2);
    lua.lua_call(L, 1, 0);
  }
  return 0;
}

function llSeeall(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, LUA_TTABLE);
  if (!lua.lua_getmetatable(L, 1)) {
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushvalue(L, -1);
    lua.lua_setmetatable(L, 1);
  }
  lua.lua_pushglobaltable(L);
  lua.lua_setfield(L, -2, '__index');
  return 0;
}

function llLoadlib(L: LuaState): number {
  lauxlib.luaL_checklstring(L, 1);
  lauxlib.luaL_checklstring(L, 2);
  lua.lua_pushnil(L);
  lua.lua_pushliteral(L, NO_DYNAMIC_LIBRARIES);
  lua.lua_pushliteral(L, 'absent');
  return 3;
}

/** `LUA_PATH`-style variable with ";;" standing for the default, as 5.1's `setpath`. */
function pathFromEnvironment(variable: string, fallback: string): string {
  const value = process.env[variable];
  if (value === undefined) return fallback;
  return value.replaceAll(';;', `;${fallback};`);
}

function pushClosureWithPackage(L: LuaState, packageIdx: number, fn: LuaJsFunction): void {
  lua.lua_pushvalue(L, packageIdx);
  lua.lua_pushcclosure(L, fn, 1);
}

/**
 * Opens `package` (and the globals `module` and `require`) as 5.1's
 * `luaopen_package`, in its order: a table registered for `loadlib` and
 * `seeall`, then `loaders`, `path`, `cpath`, `config`, `loaded`, `preload`.
 */
export function openPackage51(L: LuaState): void {
  registerLibrary(L, 'package', [
    ['loadlib', llLoadlib],
    ['seeall', llSeeall],
  ]);
  const pkg = lua.lua_gettop(L);
  const loaders = [loaderPreload, loaderLua, loaderC, loaderCroot];
  lua.lua_createtable(L, loaders.length, 0);
  loaders.forEach((loader, i) => {
    pushClosureWithPackage(L, pkg, loader);
    lua.lua_rawseti(L, -2, i + 1);
  });
  lua.lua_setfield(L, pkg, 'loaders');
  lua.lua_pushstring(L, to_luastring(pathFromEnvironment('LUA_PATH', DEFAULT_PATH)));
  lua.lua_setfield(L, pkg, 'path');
  lua.lua_pushstring(L, to_luastring(pathFromEnvironment('LUA_CPATH', DEFAULT_CPATH)));
  lua.lua_setfield(L, pkg, 'cpath');
  lua.lua_pushliteral(L, '/\n;\n?\n!\n-');
  lua.lua_setfield(L, pkg, 'config');
  lua.lua_getfield(L, LUA_REGISTRYINDEX, LOADED_TABLE);
  lua.lua_setfield(L, pkg, 'loaded');
  lua.lua_newtable(L);
  lua.lua_setfield(L, pkg, 'preload');
  lua.lua_pushglobaltable(L);
  pushClosureWithPackage(L, pkg, llModule);
  lua.lua_setfield(L, -2, 'module');
  pushClosureWithPackage(L, pkg, llRequire);
  lua.lua_setfield(L, -2, 'require');
  lua.lua_pop(L, 2);
}
