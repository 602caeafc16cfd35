-- Argument handling as Module:Arguments does it: walk frame.args with pairs,
-- trim, drop blanks, and read the result through an __index fallback, then
-- build output with gsub callbacks and table.concat.
local function getArgs(args)
	local clean = {}
	for key, value in pairs(args) do
		value = value:match('^%s*(.-)%s*$')
		if value ~= '' then clean[key] = value end
	end
	return setmetatable({}, { __index = function(_, key) return clean[key] end, __pairs = function() return pairs(clean) end })
end
local raw = {}
for i = 1, 30 do raw[i] = '  value ' .. i .. '  ' end
for _, name in ipairs({ 'title', 'author', 'date', 'url', 'publisher', 'access-date', 'language', 'pages', 'isbn', 'doi' }) do
	raw[name] = ' ' .. name .. ' text '
end
raw.empty = '   '
local checksum = 0
for round = 1, 2000 do
	local args = getArgs(raw)
	local out = {}
	for i = 1, 30 do out[#out + 1] = args[i] end
	local cite = ('{title}. {author} ({date}). {publisher}. p. {pages}.'):gsub('{(%w+)}', function(name) return args[name] or '' end)
	out[#out + 1] = cite
	checksum = checksum + #table.concat(out, '|') + (args.empty and 1 or 0)
end
print(checksum)
