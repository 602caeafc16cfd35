/** Parts of 5.1's ldebug.c that Fengari's ldebug.js does differently. */

/** The parts of a Fengari instruction that 5.1's symbolic execution reads. */
interface Instruction {
  readonly opcode: number;
  readonly A: number;
  readonly B: number;
  readonly C: number;
  readonly sBx: number;
}

interface NamedString {
  getstr(): Uint8Array;
}

/** The parts of a Fengari function prototype that naming reads. */
export interface Prototype {
  readonly code: readonly Instruction[];
  readonly k: ReadonlyArray<{ ttisstring(): boolean; svalue(): Uint8Array }>;
  readonly locvars: ReadonlyArray<{ readonly startpc: number; readonly endpc: number; readonly varname: NamedString }>;
  readonly upvalues: ReadonlyArray<{ readonly name: NamedString | null }>;
}

/** What 5.1 calls a value: its kind ("global", "local", "method", "field", "upvalue") and name. */
export interface ObjectName {
  funcname: Uint8Array;
  name: Uint8Array;
}

/**
 * 5.1's getobjname: names the value in register `reg` just before instruction
 * `lastpc`, as the messages "attempt to call global 'f'", "bad argument #1 to
 * 'f'" and tracebacks show it, or null. After the active locals, it is 5.1's
 * symbolic execution (symbexec), run on Fengari's 5.3 instructions: it goes
 * through the code from the start and takes every forward jump that does not
 * pass `lastpc`, so the last instruction seen to set the register is the one
 * on the path that skips conditional code. 5.3 gives up on a register set in
 * conditional code, so `(mt and mt.__ipairs or old_ipairs)(t)` had no name.
 * Self-contained: it is injected into Fengari's ldebug.js.
 */
export function getobjname51(p: Prototype, lastpc: number, reg: number): ObjectName | null {
  // Fengari 0.1.5's opcode numbers (Lua 5.3's).
  const OP_MOVE = 0, OP_LOADNIL = 4, OP_GETUPVAL = 5, OP_GETTABUP = 6, OP_GETTABLE = 7, OP_SELF = 12;
  const OP_JMP = 30, OP_CALL = 36, OP_TAILCALL = 37, OP_FORLOOP = 39, OP_FORPREP = 40, OP_TFORCALL = 41;
  /**
   * The opcodes that 5.1's lopcodes marks as setting register A, in 5.3's
   * numbers: 5.3's own set plus OP_TEST (34), which 5.1 marks too, so a value
   * a condition tested has no name (`(t.a or t.b)()` calls "a nil value").
   */
  const SETS_A = [0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 34, 35, 36, 37, 39, 40, 42, 44, 45];
  const BITRK = 1 << 8;
  const text = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

  const localName = (n: number): Uint8Array | null => {
    for (let i = 0; i < p.locvars.length && p.locvars[i]!.startpc <= lastpc; i++) {
      if (lastpc < p.locvars[i]!.endpc && --n === 0) return p.locvars[i]!.varname.getstr();
    }
    return null;
  };
  /** 5.1's kname: a constant string key names itself, anything else is "?". */
  const kname = (c: number): Uint8Array => {
    const k = c & BITRK ? p.k[c & ~BITRK] : undefined;
    return k !== undefined && k.ttisstring() ? k.svalue() : text('?');
  };
  const upvalueName = (u: number): Uint8Array => p.upvalues[u]?.name?.getstr() ?? text('?');

  const name = localName(reg + 1);
  if (name !== null) return { funcname: text('local'), name };

  let last = -1;
  for (let pc = 0; pc < lastpc; pc++) {
    const i = p.code[pc]!;
    const a = i.A;
    if (SETS_A.includes(i.opcode) && a === reg) last = pc;
    switch (i.opcode) {
      case OP_LOADNIL:
        if (a <= reg && reg <= a + i.B) last = pc;
        break;
      case OP_SELF:
        if (reg === a + 1) last = pc;
        break;
      case OP_TFORCALL:
        if (reg >= a + 2) last = pc;
        break;
      case OP_CALL:
      case OP_TAILCALL:
        if (reg >= a) last = pc;
        break;
      case OP_FORLOOP:
      case OP_FORPREP:
      case OP_JMP: {
        const dest = pc + 1 + i.sBx;
        if (pc < dest && dest <= lastpc) pc += i.sBx;
        break;
      }
    }
  }
  if (last < 0) return null;
  const i = p.code[last]!;
  switch (i.opcode) {
    case OP_GETTABUP: {
      // 5.1's OP_GETGLOBAL, or an upvalue's field (which 5.1 reads as OP_GETUPVAL + OP_GETTABLE).
      const isGlobal = String.fromCharCode(...upvalueName(i.B)) === '_ENV';
      return { funcname: text(isGlobal ? 'global' : 'field'), name: kname(i.C) };
    }
    case OP_MOVE:
      return i.B < i.A ? getobjname51(p, lastpc, i.B) : null;
    case OP_GETTABLE:
      return { funcname: text('field'), name: kname(i.C) };
    case OP_GETUPVAL:
      return { funcname: text('upvalue'), name: upvalueName(i.B) };
    case OP_SELF:
      return { funcname: text('method'), name: kname(i.C) };
    default:
      return null;
  }
}
