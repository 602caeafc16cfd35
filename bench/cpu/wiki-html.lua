-- An mw.html builder making a wikitable, as infobox and navbox modules do.
dofile(arg[0]:match('^(.*)/') .. '/../wiki/scribunto-libs.lua')
local checksum = 0
for round = 1, 30 do
	local root = mw.html.create('table'):addClass('wikitable'):css('width', '100%')
	root:tag('caption'):wikitext('Table ' .. round)
	for row = 1, 60 do
		local tr = root:tag('tr'):attr('data-row', row)
		tr:tag('th'):attr('scope', 'row'):wikitext('Row ' .. row)
		for col = 1, 4 do
			tr:tag('td'):css('text-align', col % 2 == 0 and 'right' or 'left'):addClass('c' .. col):wikitext(row * col)
		end
	end
	checksum = checksum + #tostring(root)
end
print(checksum)
