-- What mw.loadData pays for a large data module: compiling a big table
-- constructor, then walking the data with pairs and reading it by key.
local entries = {}
for i = 1, 3000 do
	entries[i] = ('["code%d"] = { name = "Language %d", native = "Език %d", rtl = %s, speakers = %d },'):format(i, i, i, tostring(i % 7 == 0), i * 1000)
end
local source = 'return {\n' .. table.concat(entries, '\n') .. '\n}'
local checksum = 0
for round = 1, 10 do
	local data = assert(loadstring(source, '=Module:Language/data'))()
	for code, info in pairs(data) do
		checksum = checksum + #code + #info.name + (info.rtl and 1 or 0)
	end
	for i = 1, 3000, 7 do checksum = checksum + data['code' .. i].speakers % 1000 end
end
print(checksum)
