/**
 * The text of `--help`: it and `doctor` are the words lua.c does not know (it would print its
 * usage on stderr and exit 1): lua.c's options, what differs, and server mode.
 */
export function helpText(programName: string): string {
  return (
    `usage: ${programName} [options] [script [args]]\n` +
    '    a Lua 5.1 interpreter with the options of lua5.1:\n' +
    "  -e stat  execute string 'stat'\n" +
    "  -l name  require library 'name'\n" +
    "  -i       enter interactive mode after executing 'script'\n" +
    '  -v       show version information, on standard output on purpose (lua5.1 writes it\n' +
    "           on standard error): MediaWiki's Special:Version reads it there\n" +
    '  --       stop handling options\n' +
    '  -        execute stdin and stop handling options\n' +
    '  LUA_INIT in the environment runs first: a chunk, or @file for a file\n' +
    `usage: ${programName} <dir>/mw_main.lua <includesDir> <interpreterId> <intSize>\n` +
    "    serve Scribunto's LuaStandalone protocol on stdin/stdout: what Scribunto runs\n" +
    '    (exactly these four arguments, and an MWServer.lua beside that mw_main.lua)\n' +
    `usage: ${programName} doctor [--mw-main PATH] [--mediawiki DIR] [path/to/LocalSettings.php]\n` +
    "    check this interpreter (Node.js, build, code cache, a session through Scribunto's\n" +
    "    mw_main.lua) and, given a wiki's LocalSettings.php, its Scribunto settings, one line\n" +
    '    per check; exits 0 when none fails. A Lua script named doctor runs as ./doctor or -- doctor\n'
  );
}
