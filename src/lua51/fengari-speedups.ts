/**
 * Load-time substitutions that make Fengari run Lua faster without changing
 * anything a Lua program can observe. They apply after the Lua 5.1
 * substitutions of fengari-patches.ts (so they match the text those leave),
 * grouped by the cost they remove; each names the exact text it replaces and
 * how often it occurs, as the 5.1 ones do.
 */
import type { SourcePatch } from './fengari-patches.js';

/** One cost removed, as the substitutions it takes in each file. */
interface Speedup {
  readonly files: Readonly<Record<string, readonly SourcePatch[]>>;
}

/**
 * Calls and returns reuse stack slots and CallInfos instead of making new ones.
 *
 * Fengari gives every stack slot below `L.top` its own TValue and deletes the
 * slots above on every return (`delete L.stack[i]`, a slow runtime call that
 * also leaves V8 a holey array), then allocates fresh TValues for the next
 * frame, and a new CallInfo for every call. A slot the VM drops here is set to
 * nil and kept: the values it held are released as before, and the next frame
 * that needs a slot there takes it back instead of allocating one.
 *
 * Reusing a slot object is safe because the VM owns every slot above the
 * running frame exclusively: Fengari shares a slot object only with the
 * closures that capture it as an open upvalue, and luaF_close replaces such a
 * slot with a fresh copy before its frame returns, ends a block or unwinds to
 * a pcall (every captured slot is below `L.top` then). A slot that the C API
 * pops (lua_settop) is still emptied, not kept, as a host function may hold it.
 *
 * A CallInfo is reused once its call has returned, as PUC-Rio Lua reuses
 * `ci->next`; it starts as a new one would (every field reset), so nothing of
 * the call that used it before is visible. Our frame identities (server.ts)
 * only compare CallInfos of calls that are still running.
 *
 * What is kept stays until the stack shrinks, as 5.1's stack and CallInfo
 * array do until its collector shrinks them; the memory guard releases it
 * before it collects garbage (luaD_releasekept), so a deep recursion that has
 * returned cannot make a script run out of memory sooner.
 */
const reuseCallSlots: Speedup = {
  files: {
    'ldo.js': [
      {
        why: 'stack slots the VM drops are emptied and kept for the next frame',
        find:
          'const adjust_top = function(L, newtop) {\n    if (L.top < newtop) {\n        while (L.top < newtop)\n            L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null);\n    } else {\n        while (L.top > newtop)\n            delete L.stack[--L.top];\n    }\n};',
        replace:
          'const adjust_top = function(L, newtop) {\n' +
          '    const stack = L.stack;\n' +
          '    let top = L.top;\n' +
          '    for (; top < newtop; top++) {\n' +
          '        const slot = stack[top];\n' +
          '        if (slot === undefined) stack[top] = new lobject.TValue(LUA_TNIL, null);\n' +
          '        else slot.setnilvalue();\n' +
          '    }\n' +
          '    for (; top > newtop; top--)\n' +
          '        stack[top - 1].setnilvalue();\n' +
          '    L.top = newtop;\n' +
          '};\n' +
          '/* lua_settop: a host function may still hold a slot it pops, so a popped slot is not kept */\n' +
          'const api_settop = function(L, newtop) {\n' +
          '    if (L.top < newtop) adjust_top(L, newtop);\n' +
          '    else while (L.top > newtop) L.stack[--L.top] = undefined;\n' +
          '};\n' +
          '/* drops the slots and CallInfos kept above the frames in use (lmem.ts, before it collects garbage) */\n' +
          'const luaD_releasekept = function(L) {\n' +
          '    const stack = L.stack;\n' +
          '    for (let i = stackinuse(L); i < stack.length; i++) stack[i] = undefined;\n' +
          '    L.ci.next = null;\n' +
          '};',
        occurrences: 1,
      },
      {
        why: 'stack slots the VM drops are emptied and kept for the next frame',
        find: 'module.exports.adjust_top           = adjust_top;',
        replace:
          'module.exports.adjust_top           = adjust_top;\nmodule.exports.api_settop           = api_settop;\n' +
          'module.exports.luaD_releasekept     = luaD_releasekept;',
        occurrences: 1,
      },
      {
        why: 'missing arguments take kept stack slots',
        find:
          '                for (; n < p.numparams; n++)\n                    L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null); // complete missing arguments\n',
        replace: '                if (n < p.numparams)\n                    adjust_top(L, L.top + p.numparams - n); // complete missing arguments\n',
        occurrences: 1,
      },
      {
        why: 'a returning call keeps its CallInfo for the next call (lstate.js luaE_extendCI)',
        find: '    let res = ci.funcOff;\n    L.ci = ci.previous;\n    L.ci.next = null;\n',
        replace: '    let res = ci.funcOff;\n    L.ci = ci.previous;\n',
        occurrences: 1,
      },
      {
        why: 'results move into kept stack slots, and the slots they leave are emptied and kept',
        find:
          '        case LUA_MULTRET: {\n            for (let i = 0; i < nres; i++)\n                lobject.setobjs2s(L, res + i, firstResult + i);\n            for (let i=L.top; i>=(res + nres); i--)\n                delete L.stack[i];\n            L.top = res + nres;\n            return false;\n        }',
        replace:
          '        case LUA_MULTRET: {\n            for (let i = 0; i < nres; i++)\n                lobject.setobjs2s(L, res + i, firstResult + i);\n            adjust_top(L, res + nres);\n            return false;\n        }',
        occurrences: 1,
      },
      {
        why: 'results move into kept stack slots, and the slots they leave are emptied and kept',
        find:
          '                for (; i < wanted; i++) {\n                    if (res+i >= L.top)\n                        L.stack[res + i] = new lobject.TValue(LUA_TNIL, null);\n                    else\n                        L.stack[res + i].setnilvalue();\n                }\n            }\n            break;\n        }\n    }\n    let newtop = res + wanted; /* top points after the last result */\n    for (let i=L.top; i>=newtop; i--)\n        delete L.stack[i];\n    L.top = newtop;\n    return true;',
        replace:
          '                for (; i < wanted && res + i < L.top; i++)\n                    L.stack[res + i].setnilvalue();\n                if (i < wanted) {\n                    L.top = res + i;\n                    adjust_top(L, res + wanted);\n                }\n            }\n            break;\n        }\n    }\n    adjust_top(L, res + wanted); /* top points after the last result */\n    return true;',
        occurrences: 1,
      },
    ],
    'lapi.js': [
      {
        why: 'lua_settop does not keep the slots it pops (ldo.js api_settop)',
        find: '    ldo.adjust_top(L, newtop);\n};\n\nconst lua_pop = function(L, n) {',
        replace: '    ldo.api_settop(L, newtop);\n};\n\nconst lua_pop = function(L, n) {',
        occurrences: 1,
      },
    ],
    'lstate.js': [
      {
        why: 'every CallInfo has the fields a reused one is reset to, so reuse keeps its shape',
        find: '    constructor() {\n        this.depth = 0;\n',
        replace: '    constructor() {\n        this.depth = 0;\n        this.extra = NaN;\n        this.tailcalls = undefined;\n',
        occurrences: 1,
      },
      {
        why: 'a call reuses the CallInfo its returned predecessor at this depth left, reset as new',
        find: '    let ci = new CallInfo();\n    ci.depth = L.ci.depth + 1;\n    L.ci.next = ci;\n    ci.previous = L.ci;\n    ci.next = null;\n    L.ci = ci;\n    return ci;',
        replace:
          '    let ci = L.ci.next;\n' +
          '    if (ci === null) {\n' +
          '        ci = new CallInfo();\n' +
          '        L.ci.next = ci;\n' +
          '        ci.previous = L.ci;\n' +
          '    } else {\n' +
          '        ci.func = null;\n' +
          '        ci.funcOff = NaN;\n' +
          '        ci.top = NaN;\n' +
          '        ci.l_base = NaN;\n' +
          '        ci.l_code = null;\n' +
          '        ci.l_savedpc = NaN;\n' +
          '        ci.c_k = null;\n' +
          '        ci.c_old_errfunc = null;\n' +
          '        ci.c_ctx = null;\n' +
          '        ci.nresults = NaN;\n' +
          '        ci.callstatus = NaN;\n' +
          '        ci.extra = NaN;\n' +
          '        ci.tailcalls = undefined;\n' +
          '    }\n' +
          '    ci.depth = L.ci.depth + 1;\n' +
          '    L.ci = ci;\n' +
          '    return ci;',
        occurrences: 1,
      },
    ],
  },
};

/** Fengari's opcodes in the order lopcodes.js numbers them (test/fengari-speedups.test.ts checks it). */
export const OPCODE_NAMES: readonly string[] = [
  'MOVE', 'LOADK', 'LOADKX', 'LOADBOOL', 'LOADNIL', 'GETUPVAL', 'GETTABUP', 'GETTABLE', 'SETTABUP', 'SETUPVAL',
  'SETTABLE', 'NEWTABLE', 'SELF', 'ADD', 'SUB', 'MUL', 'MOD', 'POW', 'DIV', 'IDIV', 'BAND', 'BOR', 'BXOR', 'SHL',
  'SHR', 'UNM', 'BNOT', 'NOT', 'LEN', 'CONCAT', 'JMP', 'EQ', 'LT', 'LE', 'TEST', 'TESTSET', 'CALL', 'TAILCALL',
  'RETURN', 'FORLOOP', 'FORPREP', 'TFORCALL', 'TFORLOOP', 'SETLIST', 'CLOSURE', 'VARARG', 'EXTRAARG',
];

/** Both operands are (float) numbers, every number in 5.1: the arithmetic needs no conversion. */
function floatOperands(result: string): (find: string) => SourcePatch {
  return (find) => ({
    why: 'arithmetic on two numbers goes straight to the result',
    find,
    replace: `if (op1.type === LUA_TNUMFLT && op2.type === LUA_TNUMFLT) {\n                    L.stack[ra].setfltvalue(${result});\n                } else ${find}`,
    occurrences: 1,
  });
}

/**
 * The VM loop dispatches on literal opcode numbers and keeps the running
 * function's code, constants and base while it runs.
 *
 * Fengari's switch compared the opcode with 47 imported constants one by one
 * (V8 builds a jump table only for literal cases), so a return took some 38
 * comparisons; and it re-read the frame's closure, constants and base for
 * every instruction, though they change only when the frame does (every such
 * change goes through `continue newframe`). Arithmetic and comparisons of two
 * numbers, which are all floats in 5.1, skip the integer and conversion tests.
 * Fengari's assertions run in production; the ones on every call and return
 * re-check what the VM has just set up itself, and go.
 */
const vmLoop: Speedup = {
  files: {
    'lvm.js': [
      ...OPCODE_NAMES.map((name, opcode) => ({
        why: 'the VM loop dispatches on literal opcode numbers',
        find: `            case OP_${name}: {`,
        replace: `            case ${opcode}: /* OP_${name} */ {`,
        occurrences: 1,
      })),
      {
        why: "the VM loop keeps the running function's code, constants and base while it runs",
        find:
          '        let base = ci.l_base;\n\n        let i = ci.l_code[ci.l_savedpc++];\n',
        replace:
          '        let base = ci.l_base;\n        const code = ci.l_code;\n        for (;;) {\n        let i = code[ci.l_savedpc++];\n',
        occurrences: 1,
      },
      {
        why: "the VM loop keeps the running function's code, constants and base while it runs",
        find: '            case 46: /* OP_EXTRAARG */ {\n                throw Error("invalid opcode");\n            }\n        }\n    }\n};',
        replace: '            case 46: /* OP_EXTRAARG */ {\n                throw Error("invalid opcode");\n            }\n        }\n        }\n    }\n};',
        occurrences: 1,
      },
      {
        why: 'a frame the VM enters is the current CallInfo, which it has just set',
        find: '        lua_assert(ci === L.ci);\n        let cl = ci.func.value;',
        replace: '        let cl = ci.func.value;',
        occurrences: 1,
      },
      {
        why: 'a Lua function returns to the Lua frame whose OP_CALL called it (other callers are fresh frames)',
        find:
          '                lua_assert(ci.callstatus & lstate.CIST_LUA);\n                lua_assert(ci.l_code[ci.l_savedpc - 1].opcode === OP_CALL);\n',
        replace: '',
        occurrences: 1,
      },
      {
        why: 'a tail call leaves the top at the end of the new frame, as adjust_top just set it',
        find: '                    lua_assert(L.top === oci.l_base + L.stack[ofuncOff].value.p.maxstacksize);\n',
        replace: '',
        occurrences: 1,
      },
      floatOperands('op1.value + op2.value')('if (op1.ttisinteger() && op2.ttisinteger()) {\n                    L.stack[ra].setivalue((op1.value + op2.value)|0);'),
      floatOperands('op1.value - op2.value')('if (op1.ttisinteger() && op2.ttisinteger()) {\n                    L.stack[ra].setivalue((op1.value - op2.value)|0);'),
      floatOperands('op1.value * op2.value')('if (op1.ttisinteger() && op2.ttisinteger()) {\n                    L.stack[ra].setivalue(luaV_imul(op1.value, op2.value));'),
      floatOperands('luai_nummod(L, op1.value, op2.value)')('if (op1.ttisinteger() && op2.ttisinteger()) {\n                    L.stack[ra].setivalue(luaV_mod(L, op1.value, op2.value));'),
      floatOperands('op1.value / op2.value')('if ((numberop1 = tonumber(op1)) !== false && (numberop2 = tonumber(op2)) !== false) {\n                    L.stack[ra].setfltvalue(numberop1 / numberop2);'),
      {
        why: 'comparisons of two numbers go straight to the jump',
        find: '                if (luaV_lessthan(L, RKB(L, base, k, i), RKC(L, base, k, i)) !== i.A)',
        replace:
          '                const rb = RKB(L, base, k, i), rc = RKC(L, base, k, i);\n' +
          '                if ((rb.type === LUA_TNUMFLT && rc.type === LUA_TNUMFLT ? (rb.value < rc.value ? 1 : 0) : luaV_lessthan(L, rb, rc)) !== i.A)',
        occurrences: 1,
      },
      {
        why: 'comparisons of two numbers go straight to the jump',
        find: '                if (luaV_lessequal(L, RKB(L, base, k, i), RKC(L, base, k, i)) !== i.A)',
        replace:
          '                const rb = RKB(L, base, k, i), rc = RKC(L, base, k, i);\n' +
          '                if ((rb.type === LUA_TNUMFLT && rc.type === LUA_TNUMFLT ? (rb.value <= rc.value ? 1 : 0) : luaV_lessequal(L, rb, rc)) !== i.A)',
        occurrences: 1,
      },
      {
        why: 'comparisons of two numbers go straight to the jump',
        find: '                if (luaV_equalobj(L, RKB(L, base, k, i), RKC(L, base, k, i)) !== i.A)',
        replace:
          '                const rb = RKB(L, base, k, i), rc = RKC(L, base, k, i);\n' +
          '                if ((rb.type === LUA_TNUMFLT && rc.type === LUA_TNUMFLT ? (rb.value === rc.value ? 1 : 0) : luaV_equalobj(L, rb, rc)) !== i.A)',
        occurrences: 1,
      },
    ],
  },
};

/** Each `delete L.stack[--L.top];` of a file, as a plain store. */
function popsWithoutDelete(occurrences: number): SourcePatch[] {
  return [
    {
      why: 'a pop stores undefined in the slot instead of deleting it',
      find: 'delete L.stack[--L.top];',
      replace: 'L.stack[--L.top] = undefined;',
      occurrences,
    },
  ];
}

/**
 * Pops store `undefined` in the slot instead of deleting it. Reading either
 * gives `undefined`, and no Fengari code asks whether a slot exists (`in`,
 * hasOwnProperty); but `delete` on an array element is a call into V8's
 * runtime, and the API pops one slot per call (table.sort pops millions).
 */
const pops: Speedup = {
  files: {
    'lapi.js': [
      ...popsWithoutDelete(16),
      {
        why: 'a pop stores undefined in the slot instead of deleting it',
        find: '        delete L.stack[L.top];\n',
        replace: '        L.stack[L.top] = undefined;\n',
        occurrences: 1,
      },
      {
        why: 'a pop stores undefined in the slot instead of deleting it',
        find: '        delete from.stack[from.top + i];\n',
        replace: '        from.stack[from.top + i] = undefined;\n',
        occurrences: 1,
      },
    ],
    'ldebug.js': popsWithoutDelete(1),
    'ldo.js': popsWithoutDelete(2),
    'lparser.js': popsWithoutDelete(1),
    'ltm.js': popsWithoutDelete(1),
    'lvm.js': popsWithoutDelete(3),
  },
};

const SPEEDUPS: readonly Speedup[] = [reuseCallSlots, vmLoop, pops];

/** The speedups' substitutions for one Fengari file, in the order they apply. */
export function speedupPatches(file: string): SourcePatch[] {
  return SPEEDUPS.flatMap((speedup) => speedup.files[file] ?? []);
}

/** The Fengari files some speedup changes. */
export const SPEEDUP_FILES: ReadonlySet<string> = new Set(SPEEDUPS.flatMap((speedup) => Object.keys(speedup.files)));
