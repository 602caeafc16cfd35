/**
 * The chunk table: Lua functions PHP holds by id. The functions live in two
 * registry tables (id → function, function → id) so Lua's own references keep
 * them alive exactly as long as PHP does.
 */
import { lauxlib, lua } from '../lua51/fengari.js';
import type { LuaState } from '../lua51/fengari-api.js';

export class ChunkTable {
  private nextId = 1;
  private readonly byId: number;
  private readonly byFunction: number;

  constructor(private readonly L: LuaState) {
    lua.lua_newtable(L);
    lua.lua_newtable(L);
    this.byFunction = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    this.byId = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  }

  /** Pushes the function with this id, or nil when PHP names an id that does not exist. */
  push(id: number): void {
    // lua_rawgeti takes integers only; any other id (1.5, NaN, 1e300) names no chunk.
    if (!Number.isSafeInteger(id)) {
      lua.lua_pushnil(this.L);
      return;
    }
    lua.lua_rawgeti(this.L, lua.LUA_REGISTRYINDEX, this.byId);
    lua.lua_rawgeti(this.L, -1, id);
    lua.lua_remove(this.L, -2);
  }

  /** The id of the function at `idx`, registering it when PHP has not seen it yet. */
  idOf(idx: number): number {
    const L = this.L;
    const fn = lua.lua_absindex(L, idx);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.byFunction);
    lua.lua_pushvalue(L, fn);
    lua.lua_rawget(L, -2);
    const known = lua.lua_tointegerx(L, -1);
    lua.lua_pop(L, 1);
    if (known !== false) {
      lua.lua_pop(L, 1);
      return known;
    }
    const id = this.nextId++;
    lua.lua_pushvalue(L, fn);
    lua.lua_pushnumber(L, id);
    lua.lua_rawset(L, -3);
    lua.lua_pop(L, 1);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.byId);
    lua.lua_pushvalue(L, fn);
    lua.lua_rawseti(L, -2, id);
    lua.lua_pop(L, 1);
    return id;
  }

  /** Forgets every chunk whose id is not a key of the table at `idx` (the ids PHP still holds). */
  keepOnly(idx: number): void {
    const L = this.L;
    const keep = lua.lua_absindex(L, idx);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.byId);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.byFunction);
    const byId = lua.lua_absindex(L, -2);
    const byFunction = lua.lua_absindex(L, -1);
    const dropped: number[] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, byId)) {
      const id = lua.lua_tonumber(L, -2);
      lua.lua_rawgeti(L, keep, id);
      if (lua.lua_isnil(L, -1)) {
        dropped.push(id);
        lua.lua_pushvalue(L, -2);
        lua.lua_pushnil(L);
        lua.lua_rawset(L, byFunction);
      }
      lua.lua_pop(L, 2);
    }
    for (const id of dropped) {
      lua.lua_pushnil(L);
      lua.lua_rawseti(L, byId, id);
    }
    lua.lua_pop(L, 2);
  }
}
