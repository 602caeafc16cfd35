-- mw.text.split, gsplit and trim over separator-heavy text, as modules that
-- parse lists from template arguments use them.
dofile(arg[0]:match('^(.*)/') .. '/../wiki/scribunto-libs.lua')
local parts = {}
for i = 1, 60 do parts[i] = '  item ' .. i .. ' ' end
local list = table.concat(parts, ',')
local checksum = 0
for round = 1, 10 do
	local items = mw.text.split(list, ',', true)
	for _, item in ipairs(items) do checksum = checksum + #mw.text.trim(item) end
	for item in mw.text.gsplit(list, '%s*,%s*') do checksum = checksum + #item end
	checksum = checksum + #mw.text.split('a;b;;c;' .. round, ';')
end
print(checksum)
