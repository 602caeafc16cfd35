-- Scribunto's pure-Lua libraries from Debian's mediawiki package, set up in a
-- minimal `mw` as the engine would set them up, so that a plain script runs the
-- code wiki modules spend their time in under any Lua 5.1 interpreter.
-- Only what needs no PHP: pure-Lua ustring, mw.text's Lua functions, mw.html.
local lualib = '/usr/share/mediawiki/extensions-core/Scribunto/includes/engines/LuaCommon/lualib'
package.path = lualib .. '/?.lua;' .. lualib .. '/ustring/?.lua;' .. package.path

mw = {}
mw.ustring = require('ustring')

mw_interface = {}
dofile(lualib .. '/mw.text.lua').setupInterface({})

mw_interface = {}
-- The strip-marker affixes Scribunto's parser gives mw.html.
dofile(lualib .. '/mw.html.lua').setupInterface({ uniqPrefix = '\127\'"`UNIQ-', uniqSuffix = '-QINU`"\'\127' })
