/**
 * What our Lua 5.1 state guarantees at the host boundary, where lua5.1 is not
 * the reference: chunks load only as text, a JavaScript exception becomes a
 * Lua error string, `require` never reaches a JavaScript module.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lua } from '../src/lua51/fengari.js';
import { newLua51State } from '../src/lua51/state.js';
import { runOurs } from './lua51/differential.js';

describe('Lua 5.1 state at the host boundary', () => {
  it('refuses binary chunks in loadstring', () => {
    expect(runOurs('local f, e = loadstring(string.dump(function() end)) print(f, e)').stdout).toMatch(
      /^nil\t.*binary chunk/,
    );
  });

  it('turns a JavaScript exception into a Lua error string', () => {
    const out: string[] = [];
    const L = newLua51State({ hostIo: true, streams: { stdout: (b) => out.push(Buffer.from(b).toString()), stderr: () => {} } });
    let thrown = 0;
    lua.lua_pushcfunction(L, () => {
      thrown++;
      throw new TypeError('host failure');
    });
    lua.lua_setglobal(L, 'explode');
    lua.lua_getglobal(L, 'loadstring');
    lua.lua_pushstring(L, 'local ok, e = pcall(explode) print(ok, type(e), e)');
    lua.lua_call(L, 1, 1);
    lua.lua_call(L, 0, 0);
    expect(thrown).toBe(1);
    expect(out.join('')).toBe('false\tstring\thost failure\n');
  });

  it('turns JavaScript stack exhaustion into "stack overflow"', () => {
    const { stdout } = runOurs(
      'local t = setmetatable({}, {}) getmetatable(t).__index = function(s, k) return s[k] end print(pcall(function() return t.x end))',
    );
    expect(stdout).toMatch(/^false\t.*(stack overflow|C stack overflow)/);
  });

  it('never loads a JavaScript module through require', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mwlua-'));
    fs.writeFileSync(path.join(dir, 'jsmod.js'), 'module.exports = () => 0;');
    try {
      const { stdout } = runOurs(
        `package.path = ${JSON.stringify(`${dir}/?.lua`)} package.cpath = ${JSON.stringify(`${dir}/?.js`)} print(pcall(require, "jsmod"))`,
      );
      expect(stdout).toMatch(/^false\t.*dynamic libraries not enabled/s);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('has no io and no os.exit without host I/O', () => {
    const L = newLua51State({ hostIo: false });
    expect(lua.lua_getglobal(L, 'io')).toBe(lua.LUA_TNIL);
    lua.lua_getglobal(L, 'os');
    expect(lua.lua_getfield(L, -1, 'exit')).toBe(lua.LUA_TNIL);
    expect(lua.lua_getfield(L, -2, 'date')).toBe(lua.LUA_TFUNCTION);
  });
});
