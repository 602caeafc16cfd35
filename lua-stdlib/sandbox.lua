-- The base environment of every chunk PHP loads, built as Scribunto's
-- MWServer:newEnvironment builds it: a deep copy of the safe globals, the shared
-- string library without dump, a tostring that hides addresses, and the
-- protected setfenv/getfenv of the installed mwInit.lua.
--
-- Arguments: the table of protected environments and the table of protected
-- functions, both kept by the server. Returns the environment.
local protectedEnvironments, protectedFunctions = ...

local allowedGlobals = {
	'assert', 'error', 'getmetatable', 'ipairs', 'next', 'pairs', 'pcall',
	'rawequal', 'rawget', 'rawset', 'select', 'setmetatable', 'tonumber',
	'type', 'unpack', 'xpcall', '_VERSION', 'table', 'math',
}

local addressFreeTypes = { number = true, string = true, boolean = true, ['nil'] = true }

local env = {}
for i = 1, #allowedGlobals do
	env[allowedGlobals[i]] = mw.clone( _G[allowedGlobals[i]] )
end

-- Strings index the real string table through their metatable, so a copy
-- would not be what string methods see.
env.string = string
-- A tostring that shows no addresses. Like the reference's, it is a closure
-- that tail-calls the function doing the work, so a __tostring that fails
-- leaves the same "(tail call)" levels in the backtrace.
local function addressFreeTostring( val )
	local mt = getmetatable( val )
	if mt and mt.__tostring then
		return mt.__tostring( val )
	end
	local typeName = type( val )
	if addressFreeTypes[typeName] then
		return tostring( val )
	end
	return typeName
end

env._G = env
env.tostring = function ( val )
	return addressFreeTostring( val )
end
env.string.dump = nil
env.setfenv, env.getfenv = mw.makeProtectedEnvFuncs( protectedEnvironments, protectedFunctions )
env.debug = {
	traceback = debug.traceback,
}
env.os = {
	date = os.date,
	difftime = os.difftime,
	time = os.time,
	clock = os.clock,
}
protectedEnvironments[_G] = true
return env
