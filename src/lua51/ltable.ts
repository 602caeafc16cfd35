/**
 * Lua 5.1 tables for Fengari, replacing `fengari/src/ltable.js` as a whole
 * (see FENGARI_REPLACEMENTS in fengari.ts).
 *
 * Fengari keeps a table as a JS Map in insertion order. What a Lua 5.1 program
 * observes through `pairs`/`next` and `#` is the layout of PUC-Rio 5.1's
 * tables, so this module lays tables out the same way:
 *
 *  - an array part `arr` (keys 1..sizearray) and a hash part `node` whose size
 *    is a power of two (or the shared one-slot `DUMMY` when empty);
 *  - each key has a main position: strings by 5.1's string hash masked by the
 *    size, booleans by 0/1 masked, numbers by the sum of the two 32-bit halves
 *    of the double modulo (size-1)|1, objects by an id modulo (size-1)|1;
 *  - a collision takes the free slot found by moving `lastfree` downwards; a
 *    colliding key that is not in its own main position is moved there
 *    instead (Brent's variation), so chains only ever start at main positions;
 *  - no free slot means a rehash: count the integer keys by powers of two,
 *    pick the largest array size more than half full, size the hash part for
 *    the rest, and re-insert the hash part from its last slot down;
 *  - assigning nil keeps the node (its key stays, only the value is nil), so
 *    `next` still walks past it and a later assignment reuses it; a nil-valued
 *    node in a main position is taken over by a new key, as 5.1 does.
 *
 * Keys that are tables, functions, userdata or threads have no address here;
 * their hash is Fengari's object id (deterministic, unrelated to 5.1's order,
 * which depends on malloc addresses anyway).
 *
 * The exports match ltable.js, plus `luaH_set` (find or create the slot for a
 * key, as 5.1's lvm and lapi do even when the value stored is nil),
 * `luaH_resizearray` (OP_SETLIST), `luaO_fb2int` (OP_NEWTABLE sizes) and
 * `luaH_getstrnode` (the lexer's string anchoring).
 */

interface TValue {
  type: number;
  value: any;
  setfrom(tv: TValue): void;
  ttisnil(): boolean;
}

interface TString {
  realstring: Uint8Array;
  /** 5.1's hash of the bytes, -1 until computed (a real -1 is merely recomputed). */
  h51: number;
}

type LuaState = any;
type Require = (id: string) => any;

/** Node key kinds; 0 is a free node (nil key). */
const KFREE = 0;
const KNUM = 1;
const KSTR = 2;
const KBOOL = 3;
const KOBJ = 4;

/** Largest array part, as 5.1's MAXBITS (26). */
const MAXBITS = 26;
const MAXASIZE = 1 << MAXBITS;
const MAX_INT = 2147483647;

/** Lua 5.1's `luaS_hash` step loop over the bytes (5.1.5 lstring.c), as a signed 32-bit value. */
export function luaS_hash51(str: Uint8Array): number {
  const l = str.length;
  let h = l | 0;
  const step = (l >> 5) + 1;
  for (let l1 = l; l1 >= step; l1 -= step) {
    h = h ^ ((h << 5) + (h >>> 2) + str[l1 - 1]!);
  }
  return h | 0;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** `hashnum` before the modulo: the two 32-bit words of the double, summed modulo 2^32. */
function numhash(n: number): number {
  f64[0] = n;
  return (u32[0]! + u32[1]!) >>> 0;
}

/** ceil(log2(x)) for x >= 1. */
function ceillog2(x: number): number {
  return x <= 1 ? 0 : 32 - Math.clz32(x - 1);
}

/** 5.1's `luaO_fb2int`: a "floating point byte" (eeeeexxx) to an integer. */
export function luaO_fb2int(x: number): number {
  const e = (x >> 3) & 31;
  return e === 0 ? x : ((x & 7) + 8) * 2 ** (e - 1);
}

export function createLtable(require: Require): Record<string, unknown> {
  const defs = require('./defs.js');
  /* Numbers are all doubles in 5.1: a key tagged integer by Fengari's code generator is stored as a float. */
  const { LUA_TNIL, LUA_TNUMFLT } = defs.constant_types as Record<'LUA_TNIL' | 'LUA_TNUMFLT', number>;
  const to_luastring = defs.to_luastring as (s: string, cache?: boolean) => Uint8Array;
  /* These modules require ltable.js themselves: read them lazily. */
  const lobject = require('./lobject.js');
  const ldebug = require('./ldebug.js');

  let TV: new (type: number, value: unknown) => TValue;
  let nilobject: TValue;
  const ready = (): void => {
    TV = lobject.TValue;
    nilobject = lobject.luaO_nilobject;
  };

  const strhash = (ts: TString): number => {
    let h = ts.h51;
    if (h === -1) ts.h51 = h = luaS_hash51(ts.realstring);
    return h;
  };

  const eqstr = (a: TString, b: TString): boolean => {
    if (a === b) return true;
    const x = a.realstring;
    const y = b.realstring;
    const l = x.length;
    if (l !== y.length || strhash(a) !== strhash(b)) return false;
    for (let i = 0; i < l; i++) if (x[i] !== y[i]) return false;
    return true;
  };

  /*
   * Stand-in addresses for keys with no id (JavaScript functions, light
   * userdata), numbered in the order a state first hashes them. Each state
   * numbers its own: states in one process share those functions, and one
   * state's history must not move another's keys.
   */
  interface ObjectIds {
    readonly ids: WeakMap<object, number>;
    next: number;
  }
  const objectIdsOf = (L: LuaState): ObjectIds => (L.l_G.objectIds ??= { ids: new WeakMap(), next: 1 });
  const pointerhash = (objectIds: ObjectIds, v: any): number => {
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) {
      if (typeof v.id === 'number') return v.id >>> 0;
      let id = objectIds.ids.get(v);
      if (id === undefined) objectIds.ids.set(v, (id = objectIds.next++));
      return id;
    }
    if (typeof v === 'number') return numhash(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    return 0;
  };

  class Node {
    kind = KFREE;
    next = -1;
    constructor(
      public key: TValue,
      public val: TValue,
    ) {}
  }

  const newNode = (): Node => new Node(new TV(LUA_TNIL, null), new TV(LUA_TNIL, null));

  let DUMMY: Node[] | null = null;
  const dummy = (): Node[] => (DUMMY ??= [newNode()]);
  const EMPTY_ARRAY: TValue[] = [];

  class Table {
    id: number;
    metatable: unknown = null;
    flags = ~0;
    /** Array part: keys 1..sizearray, nil slots are nil TValues. */
    arr: TValue[] = EMPTY_ARRAY;
    sizearray = 0;
    /** Hash part, length a power of two; `dummy()` when there is none. */
    node: Node[];
    /** Free slots are searched below this index. */
    lastfree = 0;
    /** Where the last `next` stopped, so the usual traversal skips findindex. */
    nexthint = -1;
    /** The ids of the table's state for keys that have none. */
    readonly objectIds: ObjectIds;
    constructor(L: LuaState) {
      if (TV === undefined) ready();
      this.id = L.l_G.id_counter++;
      this.node = dummy();
      this.objectIds = objectIdsOf(L);
    }
  }

  const invalidateTMcache = (t: Table): void => {
    t.flags = 0;
  };

  const kindof = (type: number): number => {
    switch (type & 0x0f) {
      case 3:
        return KNUM;
      case 4:
        return KSTR;
      case 1:
        return KBOOL;
      case 0:
        return KFREE;
      default:
        return KOBJ;
    }
  };

  const mainposition = (t: Table, kind: number, v: any): number => {
    const size = t.node.length;
    switch (kind) {
      case KSTR:
        return strhash(v) & (size - 1);
      case KNUM:
        return v === 0 ? 0 : numhash(v) % ((size - 1) | 1);
      case KBOOL:
        return (v ? 1 : 0) & (size - 1);
      default:
        return pointerhash(t.objectIds, v) % ((size - 1) | 1);
    }
  };

  /* ------------------------------------------------------------------ lookups */

  /** The value slot of string key `ts` in the hash part, or null. */
  const hashstr = (t: Table, ts: TString): Node | null => {
    const node = t.node;
    let i = strhash(ts) & (node.length - 1);
    do {
      const n = node[i]!;
      if (n.kind === KSTR && eqstr(n.key.value, ts)) return n;
      i = n.next;
    } while (i >= 0);
    return null;
  };

  const hashnum = (t: Table, k: number): TValue | null => {
    const node = t.node;
    let i = k === 0 ? 0 : numhash(k) % ((node.length - 1) | 1);
    do {
      const n = node[i]!;
      if (n.kind === KNUM && n.key.value === k) return n.val;
      i = n.next;
    } while (i >= 0);
    return null;
  };

  const hashother = (t: Table, kind: number, type: number, v: any): TValue | null => {
    const node = t.node;
    let i = mainposition(t, kind, v);
    do {
      const n = node[i]!;
      if (n.kind === kind && n.key.value === v && (kind === KBOOL || n.key.type === type)) return n.val;
      i = n.next;
    } while (i >= 0);
    return null;
  };

  /** 5.1's luaH_getnum, with the same (possibly nil) slot for a present key. */
  const getnum = (t: Table, k: number): TValue | null => {
    if (k >= 1 && k <= t.sizearray && Math.floor(k) === k) return t.arr[k - 1]!;
    return hashnum(t, k);
  };

  /** The slot of `key`, or null when the key has no node. */
  const getslot = (t: Table, key: TValue): TValue | null => {
    const type = key.type;
    switch (type & 0x0f) {
      case 4: {
        const n = hashstr(t, key.value);
        return n === null ? null : n.val;
      }
      case 3: {
        const k = key.value as number;
        return k !== k ? null : getnum(t, k);
      }
      case 0:
        return null;
      case 1:
        return hashother(t, KBOOL, type, key.value);
      default:
        return hashother(t, KOBJ, type, key.value);
    }
  };

  const luaH_getint = (t: Table, key: number): TValue => {
    if (key >= 1 && key <= t.sizearray) return t.arr[key - 1]!;
    return hashnum(t, key) ?? nilobject;
  };

  const luaH_getstr = (t: Table, key: TString): TValue => {
    const n = hashstr(t, key);
    return n === null ? nilobject : n.val;
  };

  const luaH_get = (_L: LuaState, t: Table, key: TValue): TValue => getslot(t, key) ?? nilobject;

  /** The node holding string key `ts` (for the lexer, which re-uses the stored TString). */
  const luaH_getstrnode = (t: Table, ts: TString): Node | null => hashstr(t, ts);

  /* ---------------------------------------------------------------- insertion */

  const setnodevector = (t: Table, size: number): void => {
    if (size === 0) {
      t.node = dummy();
      t.lastfree = 0;
      return;
    }
    const lsize = ceillog2(size);
    if (lsize > MAXBITS) throw new RangeError('table overflow');
    const n = 2 ** lsize;
    const node = new Array<Node>(n);
    for (let i = 0; i < n; i++) node[i] = newNode();
    t.node = node;
    t.lastfree = n;
  };

  const setarrayvector = (t: Table, size: number): void => {
    const arr = t.arr === EMPTY_ARRAY ? [] : t.arr;
    for (let i = t.sizearray; i < size; i++) arr.push(new TV(LUA_TNIL, null));
    t.arr = arr;
    t.sizearray = size;
  };

  const getfreepos = (t: Table): number => {
    const node = t.node;
    if (node === DUMMY) return -1;
    while (t.lastfree > 0) {
      t.lastfree--;
      if (node[t.lastfree]!.kind === KFREE) return t.lastfree;
    }
    return -1;
  };

  /** 5.1's arrayindex: the key as an int when it is a number with an int value, else -1. */
  const arrayindex = (kind: number, v: any): number => {
    if (kind === KNUM && Math.trunc(v) === v && v >= -2147483648 && v <= MAX_INT) return v;
    return -1;
  };

  const countint = (kind: number, v: any, nums: Int32Array): number => {
    const k = arrayindex(kind, v);
    if (k > 0 && k <= MAXASIZE) {
      nums[ceillog2(k)]!++;
      return 1;
    }
    return 0;
  };

  const numusearray = (t: Table, nums: Int32Array): number => {
    let ause = 0;
    let i = 1;
    const arr = t.arr;
    for (let lg = 0, ttlg = 1; lg <= MAXBITS; lg++, ttlg *= 2) {
      let lc = 0;
      let lim = ttlg;
      if (lim > t.sizearray) {
        lim = t.sizearray;
        if (i > lim) break;
      }
      for (; i <= lim; i++) if (arr[i - 1]!.type !== LUA_TNIL) lc++;
      nums[lg]! += lc;
      ause += lc;
    }
    return ause;
  };

  const computesizes = (nums: Int32Array, narray: number): [size: number, inArray: number] => {
    let a = 0;
    let na = 0;
    let n = 0;
    for (let i = 0, twotoi = 1; twotoi / 2 < narray; i++, twotoi *= 2) {
      if (nums[i]! > 0) {
        a += nums[i]!;
        if (a > twotoi / 2) {
          n = twotoi;
          na = a;
        }
      }
      if (a === narray) break;
    }
    return [n, na];
  };

  const resize = (L: LuaState, t: Table, nasize: number, nhsize: number): void => {
    const oldasize = t.sizearray;
    const nold = t.node;
    if (nasize > oldasize) setarrayvector(t, nasize);
    setnodevector(t, nhsize);
    if (nasize < oldasize) {
      const arr = t.arr;
      t.sizearray = nasize;
      for (let i = nasize; i < oldasize; i++) {
        const v = arr[i]!;
        if (v.type !== LUA_TNIL) setnumslot(L, t, i + 1).setfrom(v);
      }
      arr.length = nasize;
      if (nasize === 0) t.arr = EMPTY_ARRAY;
    }
    for (let i = nold.length - 1; i >= 0; i--) {
      const old = nold[i]!;
      if (old.val.type !== LUA_TNIL) setslot(L, t, old.key).setfrom(old.val);
    }
  };

  const rehash = (L: LuaState, t: Table, ekind: number, ev: any): void => {
    const nums = new Int32Array(MAXBITS + 1);
    let nasize = numusearray(t, nums);
    let totaluse = nasize;
    const node = t.node;
    for (let i = node.length - 1; i >= 0; i--) {
      const n = node[i]!;
      if (n.val.type !== LUA_TNIL) {
        nasize += countint(n.kind, n.key.value, nums);
        totaluse++;
      }
    }
    nasize += countint(ekind, ev, nums);
    totaluse++;
    const [size, na] = computesizes(nums, nasize);
    resize(L, t, size, totaluse - na);
  };

  /**
   * 5.1's newkey: a node for a key known to be absent, taking over its main
   * position if that holds a nil value, else a free slot (moving the
   * colliding key there when it is not in its own main position), else
   * rehashing first.
   */
  const newkey = (L: LuaState, t: Table, kind: number, type: number, v: any): TValue => {
    const node = t.node;
    let mp = mainposition(t, kind, v);
    let mpn = node[mp]!;
    if (mpn.val.type !== LUA_TNIL || node === DUMMY) {
      const f = getfreepos(t);
      if (f < 0) {
        rehash(L, t, kind, v);
        return setslotkv(L, t, kind, type, v);
      }
      const fn = node[f]!;
      const othern = mainposition(t, mpn.kind, mpn.key.value);
      if (othern !== mp) {
        /* the colliding key moves to the free slot; mp becomes the new key's */
        let prev = othern;
        while (node[prev]!.next !== mp) prev = node[prev]!.next;
        node[prev]!.next = f;
        node[f] = mpn;
        node[mp] = fn;
        fn.next = -1;
        fn.val.type = LUA_TNIL;
        fn.val.value = null;
        mpn = fn;
      } else {
        /* the new key goes to the free slot, chained after mp */
        fn.next = mpn.next;
        mpn.next = f;
        mpn = fn;
        mp = f;
      }
    }
    const k = mpn.key;
    mpn.kind = kind;
    k.type = kind === KNUM ? LUA_TNUMFLT : type;
    k.value = v;
    return mpn.val;
  };

  /** Find or create the slot of a key already checked not to be nil or NaN. */
  const setslotkv = (L: LuaState, t: Table, kind: number, type: number, v: any): TValue => {
    let slot: TValue | null;
    switch (kind) {
      case KSTR: {
        const n = hashstr(t, v);
        slot = n === null ? null : n.val;
        break;
      }
      case KNUM:
        slot = getnum(t, v);
        break;
      default:
        slot = hashother(t, kind, type, v);
    }
    return slot ?? newkey(L, t, kind, type, v);
  };

  const setslot = (L: LuaState, t: Table, key: TValue): TValue => {
    const type = key.type;
    const v = key.value;
    const kind = kindof(type);
    if (kind === KFREE) return ldebug.luaG_runerror(L, to_luastring('table index is nil', true));
    if (kind === KNUM && v !== v) return ldebug.luaG_runerror(L, to_luastring('table index is NaN', true));
    return setslotkv(L, t, kind, type, v);
  };

  const setnumslot = (L: LuaState, t: Table, k: number): TValue => {
    if (k >= 1 && k <= t.sizearray) return t.arr[k - 1]!;
    return hashnum(t, k) ?? newkey(L, t, KNUM, LUA_TNUMFLT, k);
  };

  /** 5.1's luaH_set: the slot of `key`, created (with a nil value) if absent. */
  const luaH_set = (L: LuaState, t: Table, key: TValue): TValue => {
    t.flags = 0;
    return setslot(L, t, key);
  };

  const luaH_setfrom = (L: LuaState, t: Table, key: TValue, value: TValue): void => {
    t.flags = 0;
    setslot(L, t, key).setfrom(value);
  };

  const luaH_setint = (t: Table, key: number, value: TValue): void => {
    let slot: TValue;
    if (key >= 1 && key <= t.sizearray) slot = t.arr[key - 1]!;
    else slot = hashnum(t, key) ?? newkey(null, t, KNUM, LUA_TNUMFLT, key);
    slot.setfrom(value);
  };

  const luaH_new = (L: LuaState, narray = 0, nhash = 0): Table => {
    const t = new Table(L);
    if (narray > 0) setarrayvector(t, narray);
    if (nhash > 0) setnodevector(t, nhash);
    return t;
  };

  const luaH_resizearray = (L: LuaState, t: Table, nasize: number): void => {
    resize(L, t, nasize, t.node === DUMMY ? 0 : t.node.length);
  };

  /* -------------------------------------------------------------- traversal */

  const findindex = (L: LuaState, t: Table, key: TValue): number => {
    const type = key.type;
    const kind = kindof(type);
    if (kind === KFREE) return -1;
    const v = key.value;
    const i = arrayindex(kind, v);
    if (i > 0 && i <= t.sizearray) return i - 1;
    if (!(kind === KNUM && v !== v)) {
      const node = t.node;
      let n = mainposition(t, kind, v);
      do {
        const nd = node[n]!;
        if (
          nd.kind === kind &&
          (kind === KSTR ? eqstr(nd.key.value, v) : nd.key.value === v && (kind !== KOBJ || nd.key.type === type))
        )
          return n + t.sizearray;
        n = nd.next;
      } while (n >= 0);
    }
    return ldebug.luaG_runerror(L, to_luastring("invalid key to 'next'"));
  };

  const luaH_next = (L: LuaState, t: Table, keyI: number): boolean => {
    const stack = L.stack;
    const key: TValue = stack[keyI];
    const size = t.sizearray;
    const arr = t.arr;
    const node = t.node;
    /* The key is usually the one the previous call returned: check that position first. */
    const hint = t.nexthint;
    let i: number;
    if (key.type === LUA_TNIL) i = 0;
    else if (hint >= 0 && hint < size ? key.type === LUA_TNUMFLT && key.value === hint + 1 : hint >= size && hint - size < node.length && node[hint - size]!.key.value === key.value && node[hint - size]!.key.type === key.type)
      i = hint + 1;
    else i = findindex(L, t, key) + 1;
    for (; i < size; i++) {
      const v = arr[i]!;
      if (v.type !== LUA_TNIL) {
        key.type = LUA_TNUMFLT;
        key.value = i + 1;
        stack[keyI + 1].setfrom(v);
        t.nexthint = i;
        return true;
      }
    }
    for (i -= size; i < node.length; i++) {
      const n = node[i]!;
      if (n.val.type !== LUA_TNIL) {
        key.setfrom(n.key);
        stack[keyI + 1].setfrom(n.val);
        t.nexthint = i + size;
        return true;
      }
    }
    return false;
  };

  /* ------------------------------------------------------------------ border */

  const unbound_search = (t: Table, j: number): number => {
    let i = j;
    j++;
    while (luaH_getint(t, j).type !== LUA_TNIL) {
      i = j;
      j *= 2;
      if (j > MAX_INT) {
        i = 1;
        while (luaH_getint(t, i).type !== LUA_TNIL) i++;
        return i - 1;
      }
    }
    while (j - i > 1) {
      const m = Math.floor((i + j) / 2);
      if (luaH_getint(t, m).type === LUA_TNIL) j = m;
      else i = m;
    }
    return i;
  };

  /** 5.1's border: binary search in the array part if its last slot is nil, else probe the hash part. */
  const luaH_getn = (t: Table): number => {
    let j = t.sizearray;
    const arr = t.arr;
    if (j > 0 && arr[j - 1]!.type === LUA_TNIL) {
      let i = 0;
      while (j - i > 1) {
        const m = Math.floor((i + j) / 2);
        if (arr[m - 1]!.type === LUA_TNIL) j = m;
        else i = m;
      }
      return i;
    }
    if (t.node === DUMMY) return j;
    return unbound_search(t, j);
  };

  return {
    invalidateTMcache,
    luaH_get,
    luaH_getint,
    luaH_getn,
    luaH_getstr,
    luaH_getstrnode,
    luaH_new,
    luaH_next,
    luaH_resizearray,
    luaH_set,
    luaH_setfrom,
    luaH_setint,
    luaO_fb2int,
    Table,
  };
}
