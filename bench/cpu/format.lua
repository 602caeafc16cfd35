-- string.format in a loop, with the conversions modules use most.
local total = 0
for i = 1, 50000 do
  local line = string.format("%d|%5.2f|%s|%x|%q|%-8s|%g", i, i / 7, "name" .. i, i, "a\"b", "x", i * 0.5)
  total = total + #line
end
print(total)
