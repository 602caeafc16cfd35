/**
 * `npm run build` step: writes dist/fengari-code-cache.bin (see
 * src/lua51/fengari-code-cache.ts). It loads Fengari as the interpreter does,
 * runs a workload so that V8 has compiled the functions a start-up and a page
 * use (the lexer, parser, code generator, VM and libraries), then saves V8's
 * code. The cache is only valid under the exact Node.js flags of
 * bin/mw-lua-standalone, so this script re-runs itself under them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { binaryNodeFlags } from './node-flags.js';

/**
 * Lua that passes through most of the lexer, parser and code generator and
 * through the VM's and libraries' common paths; what it computes is checked
 * so that a broken build does not go unnoticed here.
 */
const WORKLOAD = `
local t, s = {}, "a\\tb\\n\\065\\"" .. 'c\\'' .. [[long
string]] .. [==[ ]] ]==]
-- a comment
--[[ a long
comment ]]
local n = 0x1F + 1e3 + .5 + 3.25e-1 - -2 * 3 / 4 % 5 ^ 2
local function fib(k) if k < 2 then return k elseif k == 2 then return 1 else return fib(k - 1) + fib(k - 2) end end
local M = {}
M.__index = M
function M.new(x) return setmetatable({ x = x, [1] = true, "list", n = #s }, M) end
function M:get() return self.x end
M.__add = function(a, b) return M.new(a.x + b.x) end
M.__eq = function(a, b) return a.x == b.x end
M.__lt = function(a, b) return a.x < b.x end
M.__le = function(a, b) return a.x <= b.x end
M.__concat = function(a, b) return tostring(a) .. tostring(b) end
M.__tostring = function(a) return "M(" .. a.x .. ")" end
M.__call = function(self, y) return self.x * y end
M.__len = function() return 7 end
local a, b = M.new(1), M.new(2)
local c = a + b
assert(c:get() == 3 and c == M.new(3) and a < b and a <= b and not (b < a) and a(5) == 5)
assert(a .. b == "M(1)M(2)")
for i = 1, 200, 3 do t[#t + 1] = string.format("%d:%s:%5.2f:%q:%x", i, tostring(i), i / 7, "q\\n", i) end
for i = 10, 1, -1 do table.insert(t, 1, i) end
table.remove(t, 1)
table.sort(t, function(x, y) return tostring(x) < tostring(y) end)
local joined = table.concat(t, ",")
local count = 0
for k, v in pairs({ a = 1, b = 2, 3, 4 }) do count = count + v end
for i, v in ipairs(t) do if i > 3 then break end end
while count > 0 do count = count - 3 end
repeat count = count + 1 until count >= 2
local words = {}
for w in string.gmatch("one two three", "%a+") do words[#words + 1] = w:upper():lower() end
local replaced, hits = joined:gsub("(%d+)", function(d) return "<" .. d .. ">" end)
local replaced2 = ("x-y-z"):gsub("-", { ["-"] = "+" })
assert(("hello world"):find("o w", 1, true) == 5 and ("key = value"):match("^(%w+)%s*=%s*(%w+)$") == "key")
assert(s:sub(2, 3) and s:byte(1) == 97 and string.char(72, 105) == "Hi" and ("ab"):rep(3) == "ababab")
assert(#words == 3 and hits > 0 and replaced2 == "x+y+z" and fib(15) == 610)
local function va(...) local x, y = ... return select("#", ...), x, y, { ... } end
assert(va(1, nil, 3) == 3 and select(2, "a", "b") == "b" and unpack({ 1, 2 }) == 1)
local ok, err = pcall(error, { code = 1 })
assert(not ok and err.code == 1)
ok, err = pcall(function() local z = nil; return z.field end)
assert(not ok and type(err) == "string")
assert(xpcall(function() return true end, debug.traceback))
local co = coroutine.create(function(p) local q = coroutine.yield(p + 1) return q * 2 end)
local _, first = coroutine.resume(co, 1)
local _, second = coroutine.resume(co, 10)
assert(first == 2 and second == 20 and coroutine.status(co) == "dead")
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
assert(gen() + gen() + gen() == 6)
assert(math.floor(3.7) == 3 and math.max(1, 5, 2) == 5 and math.abs(-2) == 2 and math.huge > 0)
assert(tonumber("0x10") == 16 and tonumber("  12  ") == 12 and tonumber("z", 36) == 35 and tostring(nil) == "nil")
assert(rawget(setmetatable({}, { __index = function() return 1 end }), "k") == nil and rawequal(t, t))
assert(type(os.time()) == "number" and type(os.clock()) == "number" and os.date("!%Y", 0) == "1970")
local env = setmetatable({}, { __index = _G })
local f = loadstring("x = 1 return x + (...)")
setfenv(f, env)
assert(f(1) == 2 and getfenv(f) == env and env.x == 1)
local big = {}
for i = 1, 1000 do big[i] = i; big["k" .. i] = i end
for i = 1, 1000 do big[i] = nil end
assert(next(big) ~= nil and n > 1000)
return #joined
`;

async function writeCache(): Promise<void> {
  const { compiledFengariModules, lauxlib, lua } = await import('../lua51/fengari.js');
  const { writeCodeCache } = await import('../lua51/fengari-code-cache.js');
  const { newLua51State } = await import('../lua51/state.js');
  const L = newLua51State({ hostIo: false });
  const load = (chunk: Uint8Array, name: string): void => {
    if (lauxlib.luaL_loadbufferx(L, chunk, chunk.length, name, 't') !== lua.LUA_OK) {
      throw new Error(`code cache workload: ${lua.lua_tojsstring(L, -1)}`);
    }
  };
  // Every server start compiles the sandbox (it only runs with Scribunto's mw.* in place).
  load(fs.readFileSync(new URL('../../lua-stdlib/sandbox.lua', import.meta.url)), '@sandbox.lua');
  load(Buffer.from(WORKLOAD), '=workload');
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) throw new Error(`code cache workload: ${lua.lua_tojsstring(L, -1)}`);
  writeCodeCache(compiledFengariModules);
}

const flags = binaryNodeFlags();
if (JSON.stringify(process.execArgv) === JSON.stringify(flags)) {
  await writeCache();
} else {
  const run = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
}
