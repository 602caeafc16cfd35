-- String building both ways Scribunto modules do it: repeated `..` (each step
-- copies the whole string) and collecting parts for table.concat.
local s = ""
for i = 1, 5000 do
  s = s .. "item" .. i .. ";"
end

local parts = {}
for i = 1, 100000 do
  parts[#parts + 1] = "<td>" .. i .. "</td>"
end
local joined = table.concat(parts, "\n")

print(#s, #joined)
