/**
 * What a Lua state keeps to itself when several live in one process (the
 * sessions of a pool worker), and how a session ends from inside one.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lauxlib, lua, to_luastring } from '../src/lua51/fengari.js';
import type { LuaState } from '../src/lua51/fengari-api.js';
import { SessionEnd } from '../src/lua51/session-end.js';
import { newLua51State, type Lua51StateOptions } from '../src/lua51/state.js';
import { OUR_BINARY } from './support/interpreters.js';

interface Script {
  L: LuaState;
  printed: string[];
}

function newScript(options: Partial<Lua51StateOptions> = {}): Script {
  const printed: string[] = [];
  const streams = { stdout: (bytes: Uint8Array) => printed.push(Buffer.from(bytes).toString('latin1')), stderr: () => {} };
  return { L: newLua51State({ hostIo: true, streams, ...options }), printed };
}

/** Runs `code` in the script's state: its results as strings, or "error: <message>". */
function run({ L }: Script, code: string): string[] {
  const top = lua.lua_gettop(L);
  const source = to_luastring(code);
  const status =
    lauxlib.luaL_loadbufferx(L, source, source.length, '=test', 't') === lua.LUA_OK
      ? lua.lua_pcall(L, 0, lua.LUA_MULTRET, 0)
      : lua.LUA_ERRSYNTAX;
  const results: string[] = [];
  for (let i = top + 1, end = lua.lua_gettop(L); i <= end; i++) {
    lauxlib.luaL_tolstring(L, i);
    results.push(lua.lua_tojsstring(L, -1));
    lua.lua_pop(L, 1);
  }
  lua.lua_settop(L, top);
  return status === lua.LUA_OK ? results : [`error: ${results[0]}`];
}

/** The status of the SessionEnd that running `code` throws, or null when it ends otherwise. */
function endStatus(script: Script, code: string): number | null {
  try {
    run(script, code);
    return null;
  } catch (error) {
    if (error instanceof SessionEnd) return error.status;
    throw error;
  }
}

const MIB = 1024 * 1024;

describe('Lua states in one process', () => {
  it('share no globals, string metatable, string library or package.loaded', () => {
    const first = newScript();
    const tamper =
      'leak = "global" string.leak = "string" getmetatable("").leak = "metatable" package.loaded.leak = "loaded" ' +
      'return leak, ("").leak, getmetatable("").leak, package.loaded.leak';
    expect(run(first, tamper)).toEqual(['global', 'string', 'metatable', 'loaded']);
    const second = newScript();
    expect(run(second, 'return leak, ("").leak, getmetatable("").leak, package.loaded.leak')).toEqual(['nil', 'nil', 'nil', 'nil']);
  });

  it('order keys that are library functions the same whatever another state hashed first', () => {
    const look =
      'local names = {} for _, name in pairs({[type] = "type", [print] = "print", [next] = "next", [select] = "select"}) do ' +
      'names[#names + 1] = name end print(table.concat(names, " "))';
    run(newScript(), 'local t = {} t[select] = 1 t[next] = 1 t[print] = 1 t[type] = 1');
    const script = newScript();
    run(script, look);
    const inANewProcess = spawnSync(OUR_BINARY, ['-e', look], { encoding: 'latin1' }).stdout;
    expect(script.printed.join('')).toBe(inANewProcess);
  });

  it('each have their own memory limit, which a state created later leaves alone', () => {
    // A limit below the process's size: the first checkpoint fails.
    const limited = newScript({ addressSpaceLimit: 0 });
    newScript({ addressSpaceLimit: null });
    expect(run(limited, 'for i = 1, 200000 do end')).toEqual(['error: not enough memory']);
  });

  it('each count their own large strings towards their next memory checkpoint', () => {
    // 3 MiB and then 2 MiB of strings: a checkpoint comes after 4 MiB, and fails in these states.
    const first = newScript({ addressSpaceLimit: 0 });
    const second = newScript({ addressSpaceLimit: 0 });
    expect(run(first, `big = string.rep("x", ${3 * MIB}) return #big`)).toEqual([String(3 * MIB)]);
    expect(run(second, `big = string.rep("y", ${2 * MIB}) return #big`)).toEqual([String(2 * MIB)]);
    expect(run(first, `more = string.rep("z", ${2 * MIB}) return #more`)).toEqual(['error: not enough memory']);
  });

  it('count os.clock from the CPU time they are given as their start', () => {
    const spent = process.cpuUsage();
    const fromNow = newScript({ cpuMicrosAtStart: spent.user + spent.system });
    const fromProcessStart = newScript();
    const [sinceStart] = run(fromNow, 'return os.clock()');
    const [sinceProcessStart] = run(fromProcessStart, 'return os.clock()');
    expect(Number(sinceStart)).toBeGreaterThanOrEqual(0);
    expect(Number(sinceStart)).toBeLessThan((spent.user + spent.system) / 1e6);
    expect(Number(sinceProcessStart)).toBeGreaterThanOrEqual((spent.user + spent.system) / 1e6);
  });
});

describe('os.exit in plain-script mode', () => {
  it.each([
    ['pcall', 'print(pcall(os.exit, 3))'],
    ['pcall of a function', 'print(pcall(function() os.exit(3) end))'],
    ['xpcall with a handler', 'print(xpcall(function() os.exit(3) end, function(m) print("handler", m) return m end))'],
    ['coroutine.resume', 'print(coroutine.resume(coroutine.create(function() os.exit(3) end)))'],
    ['coroutine.wrap inside pcall', 'print(pcall(coroutine.wrap(function() pcall(os.exit, 3) end)))'],
    ['an xpcall message handler', 'print(xpcall(error, function(m) os.exit(3) end))'],
  ])('ends the session through %s, as lua5.1 exits', (_, code) => {
    const script = newScript();
    expect(endStatus(script, `${code} print("after")`)).toBe(3);
    expect(script.printed).toEqual([]);
  });

  it('ends the session from the message handler that runs after a JavaScript exception', () => {
    const script = newScript();
    lua.lua_pushcfunction(script.L, () => {
      throw new TypeError('host failure');
    });
    lua.lua_setglobal(script.L, 'explode');
    expect(run(script, 'return xpcall(explode, function(m) return "handled: " .. m end)')).toEqual(['false', 'handled: host failure']);
    expect(endStatus(script, 'print(xpcall(explode, function(m) os.exit(5) end)) print("after")')).toBe(5);
    expect(script.printed).toEqual([]);
  });
});
