-- Closures and metatables: counters made by closures, a class with __index
-- inheritance, __add/__eq/__lt/__call/__newindex/__tostring metamethods.
local function counter()
  local n = 0
  return function(step)
    n = n + step
    return n
  end
end

local Vector = {}
Vector.__index = Vector
Vector.__add = function(a, b) return Vector.new(a.x + b.x, a.y + b.y) end
Vector.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vector.__lt = function(a, b) return a:length2() < b:length2() end
Vector.__call = function(self, k) return self.x * k + self.y end
Vector.__tostring = function(self) return "(" .. self.x .. "," .. self.y .. ")" end
function Vector.new(x, y) return setmetatable({ x = x, y = y }, Vector) end
function Vector:length2() return self.x * self.x + self.y * self.y end

local Point = setmetatable({}, { __index = Vector })
Point.__index = Point
Point.__add = Vector.__add

local log = setmetatable({}, { __newindex = function(t, k, v) rawset(t, k, v * 2) end })

local total, smaller = 0, 0
local sum = Vector.new(0, 0)
for i = 1, 50000 do
  local c = counter()
  c(i)
  total = total + c(1)
  local v = setmetatable({ x = i % 10, y = i % 7 }, Point)
  sum = sum + Vector.new(v.x, v.y)
  if Vector.new(1, 1) < Vector.new(v.x, v.y) then smaller = smaller + 1 end
  if Vector.new(v.x, v.y) == Vector.new(3, 3) then total = total + sum(2) % 3 end
  log[i % 100] = i
end
print(total, smaller, tostring(sum), log[42])
