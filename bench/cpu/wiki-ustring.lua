-- The pure-Lua ustring paths (byte-level UTF-8 walking), on Cyrillic and
-- mixed text as a Bulgarian or Russian wiki's modules see it.
dofile(arg[0]:match('^(.*)/') .. '/../wiki/scribunto-libs.lua')
local u = mw.ustring
local words = { 'Българската', 'Wikipedia', 'енциклопедия', 'е', 'свободна', 'Ünïcödé', 'текст', '2024' }
local checksum = 0
for i = 1, 400 do
	local text = table.concat(words, ' ', 1 + i % 4) .. ' ' .. i
	checksum = checksum + u.len(text)
	checksum = checksum + #u.upper(text) + #u.lower(text)
	checksum = checksum + #u.sub(text, 3, -3)
	checksum = checksum + (u.find(text, 'е', 1, true) or 0)
	for _, cp in ipairs({ u.codepoint(text, 1, 8) }) do checksum = checksum + cp end
	checksum = checksum + #u.char(1041, 1098, 1083, 1075 + i % 10)
end
print(checksum)
