-- table.insert and table.sort of 200k numbers with the default comparison,
-- then a sort of 50k of them with a Lua comparator (as modules sort rows).
-- The numbers come from a fixed linear congruential generator, not
-- math.random, so every interpreter sorts the same data.
local seed = 12345
local function nextNumber()
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
end

local numbers = {}
for _ = 1, 200000 do
  table.insert(numbers, nextNumber())
end
local slice = {}
for i = 1, 50000 do
  slice[i] = numbers[i]
end

table.sort(numbers)
table.sort(slice, function(a, b) return a > b end)

for i = 2, #numbers do
  assert(numbers[i - 1] <= numbers[i])
end
for i = 2, #slice do
  assert(slice[i - 1] >= slice[i])
end
print(#numbers, string.format("%.6f %.6f %.6f", numbers[1], numbers[100000], slice[1]))
