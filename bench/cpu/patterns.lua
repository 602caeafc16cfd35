-- Lua patterns over a ~0.5 MB string: gmatch, gsub with captures and with a
-- function replacement, and find.
local words = {}
for i = 1, 30000 do
  words[i] = "key" .. (i % 997) .. "=value" .. i
end
local text = table.concat(words, " ")

local count = 0
for key, value in text:gmatch("(%a+%d*)=(%w+)") do
  count = count + #key - #value
end

local swapped, swaps = text:gsub("(%w+)=(%w+)", "%2=%1")
local upper, uppers = text:gsub("key(%d+)", function(n) return "K" .. (n * 2) end)
local found, position = 0, 1
while true do
  local s, e = text:find("value9%d%d ", position)
  if not s then break end
  found, position = found + 1, e + 1
end

print(#text, count, swaps, #swapped, uppers, #upper, found)
