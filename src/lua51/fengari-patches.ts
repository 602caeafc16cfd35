/**
 * Load-time source substitutions that turn Fengari's Lua 5.3 core into the
 * Lua 5.1 that wiki modules observe, where no public API reaches.
 *
 * Every substitution names the exact text it replaces in Fengari 0.1.5 and how
 * often that text occurs; if Fengari changes under us the loader throws at
 * start-up instead of silently running a 5.3 behaviour.
 */
import { formatG, lua51Modulo, lua51NumberToInteger, lua51NumberToString } from './lnumber.js';
import { getobjname51 } from './ldebug.js';
import { luaO_chunkid51 } from './lobject.js';
import { SPEEDUP_FILES, speedupPatches } from './fengari-speedups.js';
import { digitValue, isCSpace, isHexStart, matchesWord, parseHexFloat, roundBinary, str2number, strtod } from './lstrtod.js';

export const PINNED_FENGARI_VERSION = '0.1.5';

export interface SourcePatch {
  /** Why the substitution exists, shown when it no longer applies. */
  readonly why: string;
  readonly find: string;
  readonly replace: string;
  /** How many times `find` occurs in the pinned version; all are replaced. */
  readonly occurrences: number;
}

/** Injects self-contained functions of ours as declarations in Fengari's module scope. */
function declare(...fns: Array<(...args: never[]) => unknown>): string {
  return fns.map((fn) => `${fn.toString()}\n`).join('');
}

/**
 * Exports the table of functions a Fengari library file opens (as
 * `library_functions`), so that src/lua51 can build 5.1's library table, in
 * 5.1's size and order, from the functions it keeps (llibutil.ts).
 */
function exportLibraryFunctions(library: string, table: string): { patches: readonly SourcePatch[] } {
  const line = `module.exports.luaopen_${library} = luaopen_${library};`;
  return {
    patches: [
      {
        why: `5.1's ${library} library is built from the Fengari functions it keeps, which only the library's own table holds`,
        find: line,
        replace: `${line}\nmodule.exports.library_functions = ${table};`,
        occurrences: 1,
      },
    ],
  };
}

/** Patches by file name inside `fengari/src`. A `prepend` is module-scope code placed before the file. */
export const FENGARI_PATCHES: Readonly<Record<string, { prepend?: string; patches: readonly SourcePatch[] }>> = {
  'lbaselib.js': exportLibraryFunctions('base', 'base_funcs'),
  'lcorolib.js': exportLibraryFunctions('coroutine', 'co_funcs'),
  'lmathlib.js': exportLibraryFunctions('math', 'mathlib'),
  'loslib.js': {
    patches: [
      ...exportLibraryFunctions('os', 'syslib').patches,
      {
        why: 'os.tmpname loads tmp (and with it crypto) when called, not on every start; child_process, needed only by the os.execute that loslib.ts replaces, is never loaded',
        find: "    const tmp = require('tmp');\n    const child_process = require('child_process');\n",
        replace:
          "    const tmp = { tmpNameSync: () => require('tmp').tmpNameSync() };\n" +
          "    const child_process = { execSync: (...args) => require('child_process').execSync(...args) };\n",
        occurrences: 1,
      },
    ],
  },
  'ldblib.js': {
    patches: [
      ...exportLibraryFunctions('debug', 'dblib').patches,
      {
        why: 'debug.debug loads readline-sync (and with it child_process) when called, not on every start',
        find:
          "    const readlineSync = require('readline-sync');\n    readlineSync.setDefaultOptions({\n        prompt: 'lua_debug> '\n    });\n    getinput = function() {\n        return readlineSync.prompt();\n    };",
        replace:
          "    getinput = function() {\n        const readlineSync = require('readline-sync');\n        readlineSync.setDefaultOptions({\n            prompt: 'lua_debug> '\n        });\n        return readlineSync.prompt();\n    };",
        occurrences: 1,
      },
    ],
  },
  'luaconf.js': {
    prepend: declare(lua51NumberToString, formatG),
    patches: [
      {
        why: '5.1 prints numbers with %.14g as glibc does (inf, -nan, 1e+15)',
        find: 'return String(Number(n.toPrecision(14))); /* should match behaviour of LUA_NUMBER_FMT */',
        replace: 'return lua51NumberToString(n);',
        occurrences: 1,
      },
      {
        why: 'integral floats print without ".0" in 5.1',
        find: 'const LUA_COMPAT_FLOATSTRING = conf.LUA_COMPAT_FLOATSTRING || false;',
        replace: 'const LUA_COMPAT_FLOATSTRING = true;',
        occurrences: 1,
      },
    ],
  },
  'lobject.js': {
    prepend: declare(luaO_chunkid51, str2number, strtod, isCSpace, matchesWord, digitValue, isHexStart, parseHexFloat, roundBinary),
    patches: [
      {
        why: "chunk names are cut to 5.1's lengths and shapes (a `@file` keeps its last 52 bytes, `[string \"...\"]` stops at \\r too)",
        find: 'const luaO_chunkid = function(source, bufflen) {',
        replace: 'const luaO_chunkid = luaO_chunkid51;\nconst luaO_chunkid53 = function(source, bufflen) {',
        occurrences: 1,
      },
      {
        why: 'every 5.1 number is a double: setivalue must never make an integer subtype',
        find: '    setivalue(x) {\n        this.type = LUA_TNUMINT;',
        replace: '    setivalue(x) {\n        this.type = LUA_TNUMFLT;',
        occurrences: 1,
      },
      {
        why:
          "numerals and string coercions are 5.1's luaO_str2d: doubles as glibc's strtod reads them (0xffffffff is " +
          "4294967295, not -1; '0x1p4', 'inf', ' nan ', '1e500' are numbers), up to a NUL, spaces around allowed",
        find: 'const luaO_str2num = function(s, o) {',
        replace:
          'const luaO_str2num = function(s, o) {\n' +
          '    const n = str2number(s);\n' +
          '    if (n === null) return 0;\n' +
          '    o.setfltvalue(n);\n' +
          '    return s.length + 1;\n' +
          '};\n' +
          'const luaO_str2num53 = function(s, o) {',
        occurrences: 1,
      },
    ],
  },
  'lapi.js': {
    prepend: declare(lua51NumberToInteger),
    patches: [
      {
        why: 'lua_createtable pre-sizes both parts as 5.1 does, which decides the pairs order of library tables',
        find: '    let t = new lobject.TValue(LUA_TTABLE, ltable.luaH_new(L));',
        replace: '    let t = new lobject.TValue(LUA_TTABLE, ltable.luaH_new(L, narray, nrec));',
        occurrences: 1,
      },
      {
        why: 'values pushed by the C API (lua_pushinteger, lua_geti keys) are doubles in 5.1',
        find: 'new TValue(LUA_TNUMINT, n)',
        replace: 'new TValue(LUA_TNUMFLT, n)',
        occurrences: 3,
      },
      {
        why: '5.1 lua_tointeger truncates fractions (("abc"):sub(1, 2.7) is "ab") instead of failing',
        find: 'const lua_tointegerx = function(L, idx) {\n    return lvm.tointeger(index2addr(L, idx));',
        replace:
          'const lua_tointegerx = function(L, idx) {\n    const n = lvm.tonumber(index2addr(L, idx));\n    return n === false ? false : lua51NumberToInteger(n);',
        occurrences: 1,
      },
    ],
  },
  'lstring.js': {
    prepend: 'let largeStringHook = null;\nmodule.exports.setLargeStringHook = function(hook) { largeStringHook = hook; };\n',
    patches: [
      {
        why: 'every new string passes through luaS_bless: strings of 4 KiB and more count towards the next memory checkpoint (lmem.ts)',
        find: 'const luaS_bless = function(L, str) {\n    lua_assert(str instanceof Uint8Array);',
        replace: 'const luaS_bless = function(L, str) {\n    lua_assert(str instanceof Uint8Array);\n    if (largeStringHook !== null && str.length >= 4096) largeStringHook(L, str.length);',
        occurrences: 1,
      },
      {
        why:
          'luaS_new copies every name and string the lexer reads and every string the API pushes; Uint8Array.from walks ' +
          'its argument as an iterable, ten times slower in cold code than copying a Uint8Array, which every caller passes',
        find: '    return luaS_bless(L, luastring_from(str));',
        replace: '    return luaS_bless(L, new Uint8Array(str));',
        occurrences: 1,
      },
      {
        why: 'every TString carries a slot for its Lua 5.1 hash (ltable.ts computes it on first use as a key)',
        find: '        this.hash = null;',
        replace: '        this.hash = null;\n        this.h51 = -1;',
        occurrences: 1,
      },
    ],
  },
  'llex.js': {
    patches: [
      {
        why: "5.1's lexer names the chunk in syntax errors with up to 80 bytes (MAXSRC), not LUA_IDSIZE's 60",
        find: '    msg = ldebug.luaG_addinfo(ls.L, msg, ls.source, ls.linenumber);',
        replace:
          '    msg = lobject.luaO_pushfstring(ls.L, to_luastring("%s:%d: %s", true), lobject.luaO_chunkid(ls.source.getstr(), 80 - 1), ls.linenumber, msg);',
        occurrences: 1,
      },
      {
        why:
          "5.1 reads a numeral as digits and dots, an optional exponent sign after an E, then any letters, digits and " +
          "'_' (read_numeral), so 0xA.8 is 0xA then .8, 0x1p-4 is \"malformed number near '0x1p'\", 1e5x one malformed numeral",
        find:
          '    let expo = "Ee";\n' +
          '    let first = ls.current;\n' +
          '    lua_assert(lisdigit(ls.current));\n' +
          '    save_and_next(ls);\n' +
          '    if (first === 48 /* (\'0\').charCodeAt(0) */ && check_next2(ls, "xX"))  /* hexadecimal? */\n' +
          '        expo = "Pp";\n' +
          '\n' +
          '    for (;;) {\n' +
          '        if (check_next2(ls, expo))  /* exponent part? */\n' +
          '            check_next2(ls, "-+");  /* optional exponent sign */\n' +
          '        if (lisxdigit(ls.current))\n' +
          '            save_and_next(ls);\n' +
          '        else if (ls.current === 46 /* (\'.\').charCodeAt(0) */)\n' +
          '            save_and_next(ls);\n' +
          '        else break;\n' +
          '    }\n',
        replace:
          '    lua_assert(lisdigit(ls.current));\n' +
          '    do {\n' +
          '        save_and_next(ls);\n' +
          '    } while (lisdigit(ls.current) || ls.current === 46 /* (\'.\').charCodeAt(0) */);\n' +
          '    if (check_next2(ls, "Ee"))  /* exponent part? */\n' +
          '        check_next2(ls, "+-");  /* optional exponent sign */\n' +
          '    while (lislalnum(ls.current))  /* letters, digits and \'_\' */\n' +
          '        save_and_next(ls);\n',
        occurrences: 1,
      },
      {
        why: "5.1's LUA_COMPAT_LSTR: a [[ inside a [[...]] string or comment is \"nesting of [[...]] is deprecated near '['\"",
        find:
          "            case 93 /* (']').charCodeAt(0) */: {\n" +
          '                if (skip_sep(ls) === sep) {\n' +
          "                    save_and_next(ls);  /* skip 2nd ']' */\n" +
          '                    skip = true;\n',
        replace:
          "            case 91 /* ('[').charCodeAt(0) */: {\n" +
          '                if (skip_sep(ls) === sep) {\n' +
          "                    save_and_next(ls);  /* skip 2nd '[' */\n" +
          '                    if (sep === 0)\n' +
          '                        lexerror(ls, to_luastring("nesting of [[...]] is deprecated", true), 91);\n' +
          '                }\n' +
          '                break;\n' +
          '            }\n' +
          "            case 93 /* (']').charCodeAt(0) */: {\n" +
          '                if (skip_sep(ls) === sep) {\n' +
          "                    save_and_next(ls);  /* skip 2nd ']' */\n" +
          '                    skip = true;\n',
        occurrences: 1,
      },
      {
        why: '5.1 says "unfinished long string/comment" without 5.3\'s "(starting at line N)"',
        find: '                let msg = `unfinished long ${what} (starting at line ${line})`;',
        replace: '                let msg = `unfinished long ${what}`;',
        occurrences: 1,
      },
      {
        why: "5.1's parser reports its limits through luaX_lexerror with no token, so without \"near ...\"",
        find: 'module.exports.luaX_syntaxerror = luaX_syntaxerror;',
        replace: 'module.exports.luaX_syntaxerror = luaX_syntaxerror;\nmodule.exports.luaX_lexerror = lexerror;',
        occurrences: 1,
      },
      {
        why: "the lexer read ltable.js's Map to re-use an anchored string; ltable.ts has no Map",
        find: 'let tpair = ls.h.strong.get(luaS_hashlongstr(ts));',
        replace: 'let tpair = ltable.luaH_getstrnode(ls.h, ts);',
        occurrences: 1,
      },
      {
        why: '5.1 reports a decimal escape above 255 as "escape sequence too large" near the string read so far',
        find: '    esccheck(ls, r <= 255, to_luastring("decimal escape too large", true));\n    luaZ_buffremove(ls.buff, i);  /* remove read digits from buffer */',
        replace: '    luaZ_buffremove(ls.buff, i + 1);  /* remove the digits and the backslash, as 5.1 never saved them */\n    if (r > 255) lexerror(ls, to_luastring("escape sequence too large", true), TK_STRING);\n    save(ls, 92 /* (\'\\\\\').charCodeAt(0) */);  /* read_string removes it again */',
        occurrences: 1,
      },
      {
        why: '5.1 has no <<, >>, // or :: tokens: each character stands alone, so 5.2+ syntax is an error near it',
        find: '                else if (check_next1(ls, 60 /* (\'<\').charCodeAt(0) */)) return TK_SHL;\n',
        replace: '',
        occurrences: 1,
      },
      {
        why: '5.1 has no <<, >>, // or :: tokens: each character stands alone, so 5.2+ syntax is an error near it',
        find: '                else if (check_next1(ls, 62 /* (\'>\').charCodeAt(0) */)) return TK_SHR;\n',
        replace: '',
        occurrences: 1,
      },
      {
        why: '5.1 has no <<, >>, // or :: tokens: each character stands alone, so 5.2+ syntax is an error near it',
        find: '                if (check_next1(ls, 47 /* (\'/\').charCodeAt(0) */)) return TK_IDIV;\n                else return 47 /* (\'/\').charCodeAt(0) */;',
        replace: '                return 47 /* (\'/\').charCodeAt(0) */;',
        occurrences: 1,
      },
      {
        why: '5.1 has no <<, >>, // or :: tokens: each character stands alone, so 5.2+ syntax is an error near it',
        find: '                if (check_next1(ls, 58 /* (\':\').charCodeAt(0) */)) return TK_DBCOLON;\n                else return 58 /* (\':\').charCodeAt(0) */;',
        replace: '                return 58 /* (\':\').charCodeAt(0) */;',
        occurrences: 1,
      },
      {
        why: 'goto is an ordinary name in 5.1',
        find: 'kidx !== void 0 && kidx <= 22',
        replace: 'kidx !== void 0 && kidx <= 22 && kidx + FIRST_RESERVED !== TK_GOTO',
        occurrences: 2,
      },
      {
        why: '5.1 strings have no \\x, \\u or \\z escapes, and an unknown escape stands for the character itself',
        find: '                    case 120 /* (\'x\').charCodeAt(0) */: c = readhexaesc(ls); will = \'read_save\'; break;\n                    case 117 /* (\'u\').charCodeAt(0) */: utf8esc(ls); will = \'no_save\'; break;\n',
        replace: '',
        occurrences: 1,
      },
      {
        why: '5.1 strings have no \\x, \\u or \\z escapes, and an unknown escape stands for the character itself',
        find: '                    case 122 /* (\'z\').charCodeAt(0) */: {  /* zap following span of spaces */\n                        luaZ_buffremove(ls.buff, 1);  /* remove \'\\\\\' */\n                        next(ls);  /* skip the \'z\' */\n                        while (lisspace(ls.current)) {\n                            if (currIsNewline(ls)) inclinenumber(ls);\n                            else next(ls);\n                        }\n                        will = \'no_save\'; break;\n                    }\n',
        replace: '',
        occurrences: 1,
      },
      {
        why: '5.1 strings have no \\x, \\u or \\z escapes, and an unknown escape stands for the character itself',
        find: '                        esccheck(ls, lisdigit(ls.current), to_luastring("invalid escape sequence", true));\n                        c = readdecesc(ls);  /* digital escape \'\\ddd\' */\n                        will = \'only_save\'; break;',
        replace: '                        if (!lisdigit(ls.current)) { c = ls.current; will = \'read_save\'; break; }\n                        c = readdecesc(ls);  /* digital escape \'\\ddd\' */\n                        will = \'only_save\'; break;',
        occurrences: 1,
      },
      {
        why:
          "5.1 quotes every token in syntax errors (near '<eof>', '<name>' expected), shows control characters as char(N) " +
          'and any other byte as itself (a raw \\255, where Fengari printed <\\255>)',
        find:
          '    if (token < FIRST_RESERVED) {  /* single-byte symbols? */\n        return lobject.luaO_pushfstring(ls.L, to_luastring("\'%c\'", true), token);\n    } else {\n        let s = luaX_tokens[token - FIRST_RESERVED];\n        if (token < TK_EOS)  /* fixed format (symbols and reserved words)? */\n            return lobject.luaO_pushfstring(ls.L, to_luastring("\'%s\'", true), s);\n        else  /* names, strings, and numerals */\n            return s;\n    }',
        replace:
          '    if (token < FIRST_RESERVED) {\n        if (token < 32 || token === 127)\n            return lobject.luaO_pushfstring(ls.L, to_luastring("\'char(%d)\'", true), token);\n        return lobject.luaO_pushfstring(ls.L, to_luastring("\'%s\'", true), Uint8Array.of(token));\n    } else {\n        return lobject.luaO_pushfstring(ls.L, to_luastring("\'%s\'", true), luaX_tokens[token - FIRST_RESERVED]);\n    }',
        occurrences: 1,
      },
    ],
  },
  'lstate.js': {
    patches: [
      {
        why: 'every CallInfo knows its depth, for 5.1\'s limit on nested calls (ldo.js)',
        find: '    constructor() {\n        this.func = null;',
        replace: '    constructor() {\n        this.depth = 0;\n        this.func = null;',
        occurrences: 1,
      },
      {
        why: 'every CallInfo knows its depth, for 5.1\'s limit on nested calls (ldo.js)',
        find: '    let ci = new CallInfo();\n    L.ci.next = ci;',
        replace: '    let ci = new CallInfo();\n    ci.depth = L.ci.depth + 1;\n    L.ci.next = ci;',
        occurrences: 1,
      },
      {
        why: '5.1 creates the globals table with room for 2 hash keys (lstate.c f_luaopen), which decides pairs(_G) order',
        find: 'new lobject.TValue(LUA_TTABLE, ltable.luaH_new(L)));',
        replace: 'new lobject.TValue(LUA_TTABLE, ltable.luaH_new(L, 0, 2)));',
        occurrences: 1,
      },
    ],
  },
  'ltm.js': {
    patches: [
      {
        why:
          "5.1 (call_orderTM) calls __lt/__le only when both operands' handlers are raw-equal; 5.3 takes either operand's",
        find:
          'const luaT_callorderTM = function(L, p1, p2, event) {\n    let res = new lobject.TValue();\n    if (!luaT_callbinTM(L, p1, p2, res, event))\n        return null;\n    else\n        return !res.l_isfalse();\n};',
        replace:
          'const luaT_callorderTM = function(L, p1, p2, event) {\n    const tm1 = luaT_gettmbyobj(L, p1, event);\n    if (tm1.ttisnil())\n        return null;\n    const tm2 = luaT_gettmbyobj(L, p2, event);\n    if (!lvm.luaV_equalobj(null, tm1, tm2))\n        return null;\n    let res = new lobject.TValue();\n    luaT_callTM(L, tm1, p1, p2, res, 1);\n    return !res.l_isfalse();\n};',
        occurrences: 1,
      },
      {
        why: '5.1 calls every metamethod through a C-level call, so a yield inside one is "attempt to yield across metamethod/C-call boundary"',
        find: '    if (L.ci.callstatus & lstate.CIST_LUA)\n        ldo.luaD_call(L, func, hasres);\n    else\n        ldo.luaD_callnoyield(L, func, hasres);',
        replace: '    ldo.luaD_callnoyield(L, func, hasres);',
        occurrences: 1,
      },
    ],
  },
  'llimits.js': {
    prepend: declare(lua51Modulo),
    patches: [
      {
        why: "5.1's % is a - floor(a/b)*b (5 % math.huge is nan)",
        find: 'const luai_nummod = function(L, a, b) {\n    let m = a % b;\n    if ((m*b) < 0)\n        m += b;\n    return m;\n};',
        replace: 'const luai_nummod = function(L, a, b) {\n    return lua51Modulo(a, b);\n};',
        occurrences: 1,
      },
    ],
  },
  'lvm.js': {
    patches: [
      {
        why:
          '5.1 (get_compTM) calls __eq on two tables or userdata only when both metatables hold raw-equal handlers; 5.3 takes either operand\'s',
        find:
          '            tm = ltm.fasttm(L, t1.value.metatable, ltm.TMS.TM_EQ);\n            if (tm === null)\n                tm = ltm.fasttm(L, t2.value.metatable, ltm.TMS.TM_EQ);\n            break;',
        replace:
          '            tm = ltm.fasttm(L, t1.value.metatable, ltm.TMS.TM_EQ);\n            if (tm !== null && t1.value.metatable !== t2.value.metatable) {\n                const tm2 = ltm.fasttm(L, t2.value.metatable, ltm.TMS.TM_EQ);\n                if (tm2 === null || !luaV_equalobj(null, tm, tm2))\n                    tm = null;\n            }\n            break;',
        occurrences: 1,
      },
      {
        why: '5.1 never calls __lt or __le for operands of different types: "attempt to compare number with table"',
        find:
          '    else {\n        let res = ltm.luaT_callorderTM(L, l, r, ltm.TMS.TM_LT);\n        if (res === null)\n            ldebug.luaG_ordererror(L, l, r);',
        replace:
          '    else {\n        if (l.ttnov() !== r.ttnov())\n            ldebug.luaG_ordererror(L, l, r);\n        let res = ltm.luaT_callorderTM(L, l, r, ltm.TMS.TM_LT);\n        if (res === null)\n            ldebug.luaG_ordererror(L, l, r);',
        occurrences: 1,
      },
      {
        why: '5.1 never calls __le (or __lt in its place) for operands of different types: "attempt to compare number with table"',
        find: '    else {\n        res = ltm.luaT_callorderTM(L, l, r, ltm.TMS.TM_LE);',
        replace:
          '    else {\n        if (l.ttnov() !== r.ttnov())\n            ldebug.luaG_ordererror(L, l, r);\n        res = ltm.luaT_callorderTM(L, l, r, ltm.TMS.TM_LE);',
        occurrences: 1,
      },
      {
        why: '5.1 shows one "(tail call)" level per frame a chain of tail calls replaced: count them on the reused CallInfo',
        find: '                    oci.callstatus |= lstate.CIST_TAIL;',
        replace: '                    oci.tailcalls = (oci.callstatus & lstate.CIST_TAIL ? oci.tailcalls : 0) + 1;\n                    oci.callstatus |= lstate.CIST_TAIL;',
        occurrences: 1,
      },
      {
        why: 'strings compare byte by byte as 5.1\'s strcoll does in the C locale ("\\10" < "\\16", "\\t" < "a"); Fengari compared hash keys',
        find: '    let l = luaS_hashlongstr(ls);\n    let r = luaS_hashlongstr(rs);\n    /* In fengari we assume string hash has same collation as byte values */\n    if (l === r)\n        return 0;\n    else if (l < r)\n        return -1;\n    else\n        return 1;',
        replace: '    const l = ls.getstr();\n    const r = rs.getstr();\n    const n = Math.min(l.length, r.length);\n    for (let i = 0; i < n; i++)\n        if (l[i] !== r[i]) return l[i] < r[i] ? -1 : 1;\n    return l.length === r.length ? 0 : l.length < r.length ? -1 : 1;',
        occurrences: 1,
      },
      {
        why: '# on a table ignores __len in 5.1',
        find: '            tm = ltm.fasttm(L, h.metatable, ltm.TMS.TM_LEN);\n            if (tm !== null) break; /* metamethod? break switch to call it */\n            ra.setivalue(ltable.luaH_getn(h)); /* else primitive len */',
        replace: '            ra.setivalue(ltable.luaH_getn(h));',
        occurrences: 1,
      },
      {
        why: 'OP_SETLIST grows the array part to the last index first (5.1 luaH_resizearray), which re-lays the hash part',
        find: '                for (; n > 0; n--) {\n                    ltable.luaH_setint(h, last--, L.stack[ra + n]);\n                }',
        replace:
          '                if (last > h.sizearray) ltable.luaH_resizearray(L, h, last);\n                for (; n > 0; n--) {\n                    ltable.luaH_setint(h, last--, L.stack[ra + n]);\n                }',
        occurrences: 1,
      },
      {
        why: '5.1 calls the iterator of a generic for through a C-level call (luaD_call in OP_TFORLOOP), so it cannot yield',
        find: '                ldo.luaD_call(L, cb, i.C);',
        replace: '                ldo.luaD_callnoyield(L, cb, i.C);',
        occurrences: 1,
      },
      {
        why: 'OP_NEWTABLE pre-sizes the array and hash parts from B and C, which decides the pairs order of a constructor',
        find: 'L.stack[ra].sethvalue(ltable.luaH_new(L));',
        replace: 'L.stack[ra].sethvalue(ltable.luaH_new(L, ltable.luaO_fb2int(i.B), ltable.luaO_fb2int(i.C)));',
        occurrences: 1,
      },
      {
        why: '5.1 luaV_settable creates the node (luaH_set) before looking at __newindex, and t[nil]=v fails even with one',
        find: '            let slot = ltable.luaH_get(L, h, key);\n            if (!slot.ttisnil() || (tm = ltm.fasttm(L, h.metatable, ltm.TMS.TM_NEWINDEX)) === null) {\n                ltable.luaH_setfrom(L, h, key, val);',
        replace:
          '            let slot = ltable.luaH_set(L, h, key);\n            if (!slot.ttisnil() || (tm = ltm.fasttm(L, h.metatable, ltm.TMS.TM_NEWINDEX)) === null) {\n                slot.setfrom(val);',
        occurrences: 1,
      },
      {
        why: '5.1 makes a new closure every time (f ~= g in a loop, and setfenv on one must not reach the others)',
        find: 'let ncl = getcached(p, cl.upvals, L.stack, base);  /* cached closure */',
        replace: 'let ncl = null;',
        occurrences: 1,
      },
      {
        why:
          "5.1's LUA_COMPAT_VARARG: a tail call moves the callee's `arg` local down with its fixed parameters, " +
          'or the register keeps the caller\'s value',
        find: '                    let lim = nci.l_base + nfunc.value.p.numparams;\n',
        replace:
          '                    let lim = nci.l_base + nfunc.value.p.numparams + (nfunc.value.p.vararg51 !== 0 ? 1 : 0);\n',
        occurrences: 1,
      },
    ],
  },
  'ldebug.js': {
    prepend: declare(getobjname51),
    patches: [
      {
        why:
          "5.1 names a value by the last instruction that set its register on the path that takes every forward jump " +
          "(symbexec), without 5.3's \"constant\" kind: `(mt and mt.__ipairs or old_ipairs)(t)` calls upvalue 'old_ipairs'",
        find: 'const getobjname = function(p, lastpc, reg) {',
        replace: 'const getobjname = getobjname51;\nconst getobjname53 = function(p, lastpc, reg) {',
        occurrences: 1,
      },
      {
        why:
          "5.1 (getfuncname) names only functions a call instruction calls, a generic for's iterator after its hidden " +
          "local '(for generator)', and never a metamethod",
        find: 'const funcnamefromcode = function(L, ci) {',
        replace:
          'const funcnamefromcode = function(L, ci) {\n' +
          '    const p = ci.func.value.p;\n' +
          '    const pc = currentpc(ci);\n' +
          '    const i = p.code[pc];\n' +
          '    const OCi = lopcodes.OpCodesI;\n' +
          '    if (i.opcode === OCi.OP_CALL || i.opcode === OCi.OP_TAILCALL || i.opcode === OCi.OP_TFORCALL)\n' +
          '        return getobjname(p, pc, i.A);\n' +
          '    return null;\n' +
          '};\n' +
          'const funcnamefromcode53 = function(L, ci) {',
        occurrences: 1,
      },
      {
        why:
          '5.1 names compared types by their basic type names (no __name), and calls them "two X values" when the third ' +
          'letters agree (so a string compared with a thread is "attempt to compare two string values")',
        find:
          '    let t1 = ltm.luaT_objtypename(L, p1);\n    let t2 = ltm.luaT_objtypename(L, p2);\n    if (luastring_eq(t1, t2))\n        luaG_runerror(L, to_luastring("attempt to compare two %s values", true), t1);',
        replace:
          '    let t1 = ltm.ttypename(p1.ttnov());\n    let t2 = ltm.ttypename(p2.ttnov());\n    if (t1[2] === t2[2])\n        luaG_runerror(L, to_luastring("attempt to compare two %s values", true), t1);',
        occurrences: 1,
      },
      {
        why: '5.1 describes host functions as C functions: what="C", source "=[C]", short_src "[C]"',
        find: '        ar.source = to_luastring("=[JS]", true);\n        ar.linedefined = -1;\n        ar.lastlinedefined = -1;\n        ar.what = to_luastring("J", true);',
        replace:
          '        ar.source = to_luastring("=[C]", true);\n        ar.linedefined = -1;\n        ar.lastlinedefined = -1;\n        ar.what = to_luastring("C", true);',
        occurrences: 1,
      },
      {
        why: "5.1 words type errors \"attempt to index local 't' (a nil value)\", 5.3 \"attempt to index a nil value (local 't')\"",
        find:
          '    return kind ? lobject.luaO_pushfstring(L, to_luastring(" (%s \'%s\')", true), kind.funcname, kind.name) : to_luastring("", true);\n};\n\nconst luaG_typeerror = function(L, o, op) {\n    let t = ltm.luaT_objtypename(L, o);\n    luaG_runerror(L, to_luastring("attempt to %s a %s value%s", true), op, t, varinfo(L, o));',
        replace:
          '    return kind;\n};\n\nconst luaG_typeerror = function(L, o, op) {\n    let t = ltm.luaT_objtypename(L, o);\n    let kind = varinfo(L, o);\n    if (kind)\n        luaG_runerror(L, to_luastring("attempt to %s %s \'%s\' (a %s value)", true), op, kind.funcname, kind.name, t);\n    luaG_runerror(L, to_luastring("attempt to %s a %s value", true), op, t);',
        occurrences: 1,
      },
    ],
  },
  'lauxlib.js': {
    patches: [
      {
        why: '5.1 names the function in "bad argument" errors only from call-site debug info ("?" under pcall), never by searching package.loaded',
        find: 'ar.name = pushglobalfuncname(L, ar) ? lua_tostring(L, -1) : to_luastring("?");',
        replace: 'ar.name = to_luastring("?");',
        occurrences: 1,
      },
      {
        why: '5.1 names the type in "X expected, got Y" by luaL_typename alone: no __name metafield, no "light userdata"',
        find: '    if (luaL_getmetafield(L, arg, __name) === LUA_TSTRING)\n        typearg = lua_tostring(L, -1);\n    else if (lua_type(L, arg) === LUA_TLIGHTUSERDATA)\n        typearg = to_luastring("light userdata", true);\n    else\n        typearg = luaL_typename(L, arg);',
        replace: '    typearg = luaL_typename(L, arg);',
        occurrences: 1,
      },
    ],
  },
  'ldo.js': {
    prepend:
      'let SessionEnd = null;\n' +
      'module.exports.setSessionEndClass = function(errorClass) { SessionEnd = errorClass; };\n',
    patches: [
      {
        why:
          'a session ends with an exception no protected call may catch (session-end.ts): it leaves before the ' +
          'native-error handler could make it a Lua error, whose call could itself fail at the C-call limit',
        find: '    } catch (e) {\n        if (lj.status === LUA_OK) {',
        replace: '    } catch (e) {\n        if (SessionEnd !== null && e instanceof SessionEnd)\n            throw e;\n        if (lj.status === LUA_OK) {',
        occurrences: 1,
      },
      {
        why: 'a session end raised by the message handler that runs after a native error (xpcall\'s) leaves as well',
        find: '                } catch (e2) {\n                    if (lj.status === LUA_OK) {',
        replace:
          '                } catch (e2) {\n                    if (SessionEnd !== null && e2 instanceof SessionEnd)\n                        throw e2;\n                    if (lj.status === LUA_OK) {',
        occurrences: 1,
      },
      {
        why: 'the nested host-call limit is 5.1\'s "C stack overflow"',
        find: 'ldebug.luaG_runerror(L, to_luastring("JS stack overflow", true));',
        replace: 'ldebug.luaG_runerror(L, to_luastring("C stack overflow", true));',
        occurrences: 1,
      },
      {
        why: 'the nested host-call limit is 5.1\'s "C stack overflow"',
        find: 'return resume_error(L, "JS stack overflow", nargs);',
        replace: 'return resume_error(L, "C stack overflow", nargs);',
        occurrences: 1,
      },
      {
        why: '5.1 words every yield it cannot do, in a coroutine or on the main thread, as "attempt to yield across metamethod/C-call boundary"',
        find: '        if (L !== L.l_G.mainthread)\n            ldebug.luaG_runerror(L, to_luastring("attempt to yield across a JS-call boundary", true));\n        else\n            ldebug.luaG_runerror(L, to_luastring("attempt to yield from outside a coroutine", true));',
        replace: '        ldebug.luaG_runerror(L, to_luastring("attempt to yield across metamethod/C-call boundary", true));',
        occurrences: 1,
      },
      {
        why: '5.1 stops nested calls at about 16,380 (its CallInfo array may not outgrow LUAI_MAXCALLS) with "stack overflow"; Fengari allowed a million',
        find: '                base = off + 1;\n            }\n\n            let ci = lstate.luaE_extendCI(L);',
        replace: '                base = off + 1;\n            }\n\n            if (L.ci.depth >= 16383)\n                ldebug.luaG_runerror(L, to_luastring("stack overflow", true));\n            let ci = lstate.luaE_extendCI(L);',
        occurrences: 1,
      },
      {
        why:
          'a JavaScript exception (such as a failed buffer allocation in a concatenation) can come from a Lua frame whose ' +
          'stack is full; the native-error handler needs two slots there, or its own push fails and the error value ' +
          'becomes the handler function instead of "not enough memory"',
        find: '                    lapi.lua_pushcfunction(L, atnativeerror);',
        replace:
          '                    luaD_checkstack(L, 2);\n                    if (L.ci.top < L.top + 2) L.ci.top = L.top + 2;\n                    lapi.lua_pushcfunction(L, atnativeerror);',
        occurrences: 1,
      },
      {
        why: "5.1's LUA_COMPAT_VARARG: adjust_varargs builds the implicit `arg` local of a vararg function, which needs the table constructor",
        find: "const { luaS_newliteral } = require('./lstring.js');\n",
        replace: "const { luaS_newliteral } = require('./lstring.js');\nconst ltable = require('./ltable.js');\n",
        occurrences: 1,
      },
      {
        why:
          "5.1's LUA_COMPAT_VARARG: a vararg function's `arg` local (register numparams, after the fixed parameters) " +
          'is a new table {extra args..., n = their count} (luaH_new(L, nvar, 1)) when the body never uses `...`, ' +
          'else nil; it is always pushed so the register never keeps an old value',
        find:
          '    for (; i < nfixargs; i++)\n        L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null);\n\n    return base;\n};',
        replace:
          '    for (; i < nfixargs; i++)\n        L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null);\n\n' +
          '    if (p.vararg51 !== 0) {  /* 5.1 LUA_COMPAT_VARARG: the `arg` local */\n' +
          '        if (p.vararg51 & 4) {  /* VARARG_NEEDSARG */\n' +
          '            const nvar = actual > nfixargs ? actual - nfixargs : 0;\n' +
          '            const htab = ltable.luaH_new(L, nvar, 1);\n' +
          '            for (let k = 0; k < nvar; k++)\n' +
          '                ltable.luaH_setint(htab, k + 1, L.stack[fixed + nfixargs + k]);\n' +
          '            const key = new lobject.TValue(LUA_TNIL, null);\n' +
          '            key.setsvalue(luaS_newliteral(L, "n"));\n' +
          '            const count = new lobject.TValue(LUA_TNIL, null);\n' +
          '            count.setfltvalue(nvar);\n' +
          '            ltable.luaH_setfrom(L, htab, key, count);\n' +
          '            const t = new lobject.TValue(LUA_TNIL, null);\n' +
          '            t.sethvalue(htab);\n' +
          '            L.stack[L.top++] = t;\n' +
          '        } else\n' +
          '            L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null);\n' +
          '    }\n\n    return base;\n};',
        occurrences: 1,
      },
    ],
  },
  'lcode.js': {
    patches: [
      {
        why: '5.1 gives a function at most 250 registers (MAXSTACK), past which it is "function or expression too complex"',
        find: '        if (newstack >= MAXREGS)\n            llex.luaX_syntaxerror(fs.ls, to_luastring("function or expression needs too many registers", true));',
        replace: '        if (newstack >= 250)\n            llex.luaX_syntaxerror(fs.ls, to_luastring("function or expression too complex", true));',
        occurrences: 1,
      },
      {
        why: '5.1 folds constant expressions that give zero (-0 becomes a constant, merged with 0 like any equal constant); 5.3 left them to run time',
        find: '        if (isNaN(n) || n === 0)\n            return false;',
        replace: '        if (isNaN(n))\n            return false;',
        occurrences: 1,
      },
    ],
  },
  'lparser.js': {
    patches: [
      {
        why: '5.1 words a parser limit "main function has more than 200 local variables", with no "near ..."',
        find:
          '    let msg = lobject.luaO_pushfstring(L, to_luastring("too many %s (limit is %d) in %s", true),\n' +
          '        what, limit, where);\n' +
          '    llex.luaX_syntaxerror(fs.ls, msg);',
        replace:
          '    let msg = lobject.luaO_pushfstring(L, to_luastring("%s has more than %d %s", true), where, limit, what);\n' +
          '    llex.luaX_lexerror(fs.ls, msg, 0);',
        occurrences: 1,
      },
      {
        why:
          "5.1 allows 60 upvalues (LUAI_MAXUPVALUES), 5.3 255; every function here has _ENV as one more, its first, " +
          'so the 61st of the others is "function at line N has more than 60 upvalues"',
        find: '    checklimit(fs, fs.nups + 1, lfunc.MAXUPVAL, to_luastring("upvalues", true));',
        replace: '    checklimit(fs, fs.nups, 60, to_luastring("upvalues", true));',
        occurrences: 1,
      },
      {
        why: '5.1 says "chunk has too many syntax levels" (no "near ...") past 200 nested C calls and syntax levels',
        find: '    checklimit(ls.fs, L.nCcalls, LUAI_MAXCCALLS, to_luastring("JS levels", true));',
        replace:
          '    if (L.nCcalls > LUAI_MAXCCALLS)\n' +
          '        llex.luaX_lexerror(ls, to_luastring("chunk has too many syntax levels", true), 0);',
        occurrences: 1,
      },
      {
        why: '5.1 limits the targets of an assignment to the C levels left: "main function has more than 197 variables in assignment"',
        find: '        checklimit(ls.fs, nvars + ls.L.nCcalls, LUAI_MAXCCALLS, to_luastring("JS levels", true));',
        replace: '        checklimit(ls.fs, nvars, LUAI_MAXCCALLS - ls.L.nCcalls, to_luastring("variables in assignment", true));',
        occurrences: 1,
      },
      {
        why: 'a 5.1 statement that is not a call is an assignment, so a stray token reads "\'=\' expected", not "syntax error"',
        find: '    if (ls.t.token === 61 /* (\'=\').charCodeAt(0) */ || ls.t.token === 44 /* (\',\').charCodeAt(0) */) { /* stat . assignment ? */',
        replace: '    if (v.v.k !== expkind.VCALL) {',
        occurrences: 1,
      },
      {
        why: '5.1 has no bitwise or integer-division operators',
        find: '        case 126 /* (\'~\').charCodeAt(0) */: return OPR_BNOT;\n',
        replace: '',
        occurrences: 1,
      },
      {
        why: '5.1 has no bitwise or integer-division operators',
        find: '        case R.TK_IDIV:   return OPR_IDIV;\n        case 38 /* (\'&\').charCodeAt(0) */: return OPR_BAND;\n        case 124 /* (\'|\').charCodeAt(0) */: return OPR_BOR;\n        case 126 /* (\'~\').charCodeAt(0) */: return OPR_BXOR;\n        case R.TK_SHL:    return OPR_SHL;\n        case R.TK_SHR:    return OPR_SHR;\n',
        replace: '',
        occurrences: 1,
      },
      {
        why: 'every 5.1 function has an environment: give each one _ENV as upvalue 1 so setfenv/getfenv can reach it',
        find: '    open_func(ls, new_fs, bl);\n    checknext(ls, 40 /* (\'(\').charCodeAt(0) */);',
        replace:
          '    open_func(ls, new_fs, bl);\n    singlevaraux(new_fs, ls.envn, new expdesc(), 1);\n    checknext(ls, 40 /* (\'(\').charCodeAt(0) */);',
        occurrences: 1,
      },
      {
        why:
          "5.1's LUA_COMPAT_VARARG: a parameter list with `...` declares a local `arg` after the fixed parameters " +
          '(not a parameter itself); vararg51 holds 5.1\'s VARARG_HASARG | VARARG_NEEDSARG until the body uses `...`',
        find:
          '                    llex.luaX_next(ls);\n                    f.is_vararg = true;  /* declared vararg */\n',
        replace:
          '                    llex.luaX_next(ls);\n                    new_localvarliteral(ls, "arg");\n                    nparams++;\n' +
          '                    f.vararg51 = 2 | 4;  /* VARARG_HASARG | VARARG_NEEDSARG */\n' +
          '                    f.is_vararg = true;  /* declared vararg */\n',
        occurrences: 1,
      },
      {
        why: "5.1's LUA_COMPAT_VARARG: the implicit `arg` local is not counted among the fixed parameters",
        find: '    adjustlocalvars(ls, nparams);\n    f.numparams = fs.nactvar;\n',
        replace: '    adjustlocalvars(ls, nparams);\n    f.numparams = fs.nactvar - (f.vararg51 !== 0 ? 1 : 0);\n',
        occurrences: 1,
      },
      {
        why: "5.1's LUA_COMPAT_VARARG: a body that uses `...` gets no `arg` table (5.1 clears VARARG_NEEDSARG), its `arg` is nil",
        find:
          '            check_condition(ls, fs.f.is_vararg, to_luastring("cannot use \'...\' outside a vararg function", true));\n',
        replace:
          '            check_condition(ls, fs.f.is_vararg, to_luastring("cannot use \'...\' outside a vararg function", true));\n' +
          '            fs.f.vararg51 &= ~4;  /* VARARG_NEEDSARG */\n',
        occurrences: 1,
      },
      {
        why:
          "5.1's chunk(): `return` and `break` end their block, and each statement may be followed by one ';' " +
          "(so `while 1 do break print(1) end` is \"'end' expected near 'print'\")",
        find:
          '    while (!block_follow(ls, 1)) {\n        if (ls.t.token === R.TK_RETURN) {\n            statement(ls);\n            return;  /* \'return\' must be last statement */\n        }\n        statement(ls);\n    }',
        replace:
          '    while (!block_follow(ls, 1)) {\n        const islast = ls.t.token === R.TK_RETURN || ls.t.token === R.TK_BREAK;\n        statement(ls);\n        testnext(ls, 59 /* (\';\').charCodeAt(0) */);  /* one optional \';\' after each statement */\n        if (islast) return;  /* \'return\' and \'break\' must be last statements */\n    }',
        occurrences: 1,
      },
      {
        why:
          "5.1 counts a syntax level per block (chunk()), empty ones too, where 5.3 counts one per statement: " +
          '197 nested `do` blocks load, 198 are "chunk has too many syntax levels"',
        find: '        if (islast) return;  /* \'return\' and \'break\' must be last statements */\n    }',
        replace: '        if (islast) break;  /* \'return\' and \'break\' must be last statements */\n    }\n    leavelevel(ls);',
        occurrences: 1,
      },
      {
        why: '5.1 counts a syntax level per block (chunk()), where 5.3 counts one per statement',
        find: "const statlist = function(ls) {\n    /* statlist -> { stat [';'] } */\n",
        replace: "const statlist = function(ls) {\n    /* statlist -> { stat [';'] } */\n    enterlevel(ls);\n",
        occurrences: 1,
      },
      {
        why: '5.1 counts a syntax level per block (chunk()), where 5.3 counts one per statement',
        find: '    let line = ls.linenumber;  /* may be needed for error messages */\n    enterlevel(ls);\n',
        replace: '    let line = ls.linenumber;  /* may be needed for error messages */\n',
        occurrences: 1,
      },
      {
        why: '5.1 counts a syntax level per block (chunk()), where 5.3 counts one per statement',
        find: '    ls.fs.freereg = ls.fs.nactvar;  /* free registers */\n    leavelevel(ls);\n};',
        replace: '    ls.fs.freereg = ls.fs.nactvar;  /* free registers */\n};',
        occurrences: 1,
      },
      {
        why: '5.1 has no empty statement: a \';\' that follows no statement is "unexpected symbol near \';\'"',
        find: '        case 59 /* (\';\').charCodeAt(0) */: {  /* stat -> \';\' (empty statement) */\n            llex.luaX_next(ls);  /* skip \';\' */\n            break;\n        }\n',
        replace: '',
        occurrences: 1,
      },
      {
        why: "5.1's retstat leaves the optional ';' to chunk(), which takes only one (`return;;` is \"'<eof>' expected near ';'\")",
        find: '    luaK_ret(fs, first, nret);\n    testnext(ls, 59 /* (\';\').charCodeAt(0) */);  /* skip optional semicolon */\n',
        replace: '    luaK_ret(fs, first, nret);\n',
        occurrences: 1,
      },
      {
        why: '5.1 refuses a `break` outside a loop at once, "no loop to break" near the token after it (5.3 waited for the block end)',
        find: '        llex.luaX_next(ls);  /* skip break */\n',
        replace:
          '        llex.luaX_next(ls);  /* skip break */\n' +
          '        let bl = ls.fs.bl;\n' +
          '        while (bl && !bl.isloop) bl = bl.previous;\n' +
          '        if (!bl) llex.luaX_syntaxerror(ls, to_luastring("no loop to break", true));\n',
        occurrences: 1,
      },
      {
        why:
          "`if c then break` is also 5.1's chunk(): one optional ';' and then the block ends (ifstat then wants 'end', " +
          "'else' or 'elseif'), where 5.3 skipped any number of ';' and went on with more statements",
        find:
          '        gotostat(ls, v.t);   /* handle goto/break */\n        while (testnext(ls, 59 /* (\';\').charCodeAt(0) */));  /* skip colons */\n        if (block_follow(ls, 0)) {  /* \'goto\' is the entire block? */\n            leaveblock(fs);\n            return escapelist;  /* and that is it */\n        } else  /* must skip over \'then\' part if condition is false */\n            jf = luaK_jump(fs);\n',
        replace:
          '        gotostat(ls, v.t);   /* handle break */\n        testnext(ls, 59 /* (\';\').charCodeAt(0) */);  /* one optional \';\' */\n        leaveblock(fs);  /* \'break\' is the last statement of the block */\n        return escapelist;\n',
        occurrences: 1,
      },
      {
        why: '5.1 refuses a \'(\' argument list on a later line than the token before it: "ambiguous syntax (function call x new statement)"',
        find:
          '        case 40 /* (\'(\').charCodeAt(0) */: {  /* funcargs -> \'(\' [ explist ] \')\' */\n            llex.luaX_next(ls);\n',
        replace:
          '        case 40 /* (\'(\').charCodeAt(0) */: {  /* funcargs -> \'(\' [ explist ] \')\' */\n' +
          '            if (ls.linenumber !== ls.lastline)\n' +
          '                llex.luaX_syntaxerror(ls, to_luastring("ambiguous syntax (function call x new statement)", true));\n' +
          '            llex.luaX_next(ls);\n',
        occurrences: 1,
      },
      {
        why:
          "5.1 gives a call the line of its arguments, not of the expression's start: a failing `t\\n.a\\n.b()` is on line 3, " +
          "and an unclosed '(' is \"to close '(' at line N\" of the '('",
        find: 'const funcargs = function(ls, f, line) {\n    let fs = ls.fs;\n',
        replace: 'const funcargs = function(ls, f, line) {\n    let fs = ls.fs;\n    line = ls.linenumber;\n',
        occurrences: 1,
      },
    ],
  },
  'lfunc.js': {
    patches: [
      {
        why: "5.1's LUA_COMPAT_VARARG: every prototype starts with no implicit `arg` local (the parser sets vararg51)",
        find: '        this.is_vararg = false;\n',
        replace: '        this.is_vararg = false;\n        this.vararg51 = 0;      // 5.1 VARARG_HASARG (2) | VARARG_NEEDSARG (4): the `arg` local\n',
        occurrences: 1,
      },
    ],
  },
  'ldump.js': {
    patches: [
      {
        why: "5.1's LUA_COMPAT_VARARG: the is_vararg byte carries 5.1's flags, so a dumped function keeps its `arg` local",
        find: '    DumpByte(f.is_vararg?1:0, D);\n',
        replace: '    DumpByte(f.is_vararg ? 1 | f.vararg51 : 0, D);\n',
        occurrences: 1,
      },
    ],
  },
  'lundump.js': {
    patches: [
      {
        why: "5.1's LUA_COMPAT_VARARG: the is_vararg byte carries 5.1's flags, so a dumped function keeps its `arg` local",
        find: '        f.is_vararg = this.LoadByte() !== 0;\n',
        replace:
          '        const vararg51 = this.LoadByte();\n        f.is_vararg = vararg51 !== 0;\n' +
          '        f.vararg51 = vararg51 & 6;  /* VARARG_HASARG | VARARG_NEEDSARG */\n',
        occurrences: 1,
      },
    ],
  },
};

/** The Fengari files that load with substitutions: for Lua 5.1 or for speed (fengari-speedups.ts). */
export const PATCHED_FILES: ReadonlySet<string> = new Set([...Object.keys(FENGARI_PATCHES), ...SPEEDUP_FILES]);

/** Applies one file's substitutions, 5.1's first, throwing if any no longer matches the pinned text. */
export function patchSource(file: string, source: string): string {
  if (!PATCHED_FILES.has(file)) return source;
  const entry = FENGARI_PATCHES[file];
  let patched = source;
  for (const patch of [...(entry?.patches ?? []), ...speedupPatches(file)]) {
    const found = patched.split(patch.find).length - 1;
    if (found !== patch.occurrences) {
      throw new Error(
        `mw-lua-standalone: Fengari patch no longer applies to ${file} (found ${found} of ${patch.occurrences}): ${patch.why}`,
      );
    }
    patched = patched.split(patch.find).join(patch.replace);
  }
  // After the directive, so the module stays in strict mode.
  const directive = '"use strict";\n';
  const at = patched.indexOf(directive);
  if (at < 0) throw new Error(`mw-lua-standalone: ${file} of Fengari no longer starts in strict mode`);
  const cut = at + directive.length;
  return patched.slice(0, cut) + (entry?.prepend ?? '') + patched.slice(cut);
}
