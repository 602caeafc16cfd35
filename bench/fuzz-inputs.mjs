/**
 * Bad input for the PHP → Lua pipe, shared by test/fuzz.test.ts and
 * bench/fuzz.mjs: a seeded generator of message bodies (valid encodeLuaVar()
 * output, then mutated), of whole framed conversations, and the judge of what
 * the interpreter did with a conversation.
 */
import { spawn } from 'node:child_process';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (list) => list[int(list.length)], chance: (p) => next() < p };
}

// ------------------------------------------------------------ valid bodies (encodeLuaVar)

const ESCAPES = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x00: '\\000' };

export function luaString(bytes) {
  let out = '"';
  for (const byte of bytes) out += ESCAPES[byte] ?? String.fromCharCode(byte);
  return out + '"';
}

const SCALARS = ['nil', 'true', 'false', '(0/0)', '(1/0)', '(-1/0)', '0', '-0', '1', '-1', '9007199254740993',
  '-9223372036854775808', '18446744073709551616', '1e+25', '0.10000000000000001', '1e-310', '1.7976931348623157e+308',
  '4.9406564584124654e-324', '2147483648', 'chunks[1]', 'chunks[2]'];

function randomBytes(r, max) {
  const n = r.int(max + 1);
  const bytes = [];
  for (let i = 0; i < n; i++) bytes.push(r.chance(0.7) ? 0x20 + r.int(95) : r.int(256));
  return bytes;
}

function randomNumber(r) {
  switch (r.int(4)) {
    case 0: return String(r.int(1000) - 500);
    case 1: return String(Math.floor((r.next() - 0.5) * 2 ** (r.int(70))));
    case 2: return (r.next() * 10 ** (r.int(40) - 20)).toPrecision(17).replace(/\.?0+(e|$)/, '$1').replace('e+', 'e+');
    default: return r.pick(SCALARS.slice(6, 19));
  }
}

export function randomValue(r, depth = 0) {
  const roll = r.int(depth > 3 ? 6 : 8);
  if (roll <= 1) return r.pick(SCALARS);
  if (roll <= 3) return randomNumber(r);
  if (roll <= 5) return luaString(randomBytes(r, 24));
  const entries = [];
  const n = r.int(5);
  for (let i = 0; i < n; i++) {
    const key = r.chance(0.5) ? String(i + 1) : r.chance(0.5) ? luaString(randomBytes(r, 8)) : randomNumber(r);
    entries.push(`[${key}]=${randomValue(r, depth + 1)}`);
  }
  return `{${entries.join(',')}}`;
}

const list = (values) => `{${values.map((v, i) => `[${i + 1}]=${v}`).join(',')}}`;

/** A valid message PHP could send; chunk 1 is `return select('#', ...), ...` in a conversation. */
export function validMessage(r) {
  switch (r.int(7)) {
    case 0:
    case 1:
    case 2: {
      const args = Array.from({ length: r.int(5) }, () => randomValue(r));
      return `{["op"]="call",["id"]=1,["nargs"]=${args.length},["args"]=${list(args)}}`;
    }
    case 3:
      return `{["op"]="loadString",["text"]=${luaString([...Buffer.from(r.pick(['return 1', 'return ...', 'x =', 'return {}', 'error("e")']))])},["chunkName"]="=fuzz"}`;
    case 4:
      return `{["op"]="getStatus"}`;
    case 5:
      return `{["op"]="cleanupChunks",["ids"]={[1]=true,[${r.int(9) + 2}]=true}}`;
    default:
      return `{["op"]="call",["id"]=${r.pick(['99999', '0', '-1', '1.5', '(0/0)', '1e300', '"1"'])},["nargs"]=0,["args"]={}}`;
  }
}

// ------------------------------------------------------------ mutations

const INTERESTING_BYTES = [0x00, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3d, 0x2c, 0x2d, 0x2e, 0x30, 0x39, 0x65, 0x0a, 0x0d, 0xff, 0x1b];

function nested(depth, inner) {
  return '{[1]='.repeat(depth) + inner + '}'.repeat(depth);
}

/** A body that is probably malformed; `kind` names the mutation. */
export function mutatedBody(r) {
  const base = Buffer.from(validMessage(r), 'latin1');
  const kinds = ['flip', 'flip', 'insert', 'delete', 'truncate', 'duplicate', 'splice', 'deep', 'deep-unclosed', 'op',
    'non-table', 'huge-number', 'long-string', 'garbage', 'whitespace', 'code'];
  const kind = r.pick(kinds);
  const b = Buffer.from(base);
  const at = () => r.int(Math.max(1, b.length));
  switch (kind) {
    case 'flip': {
      for (let i = 0, n = 1 + r.int(3); i < n; i++) b[at()] = r.chance(0.5) ? r.pick(INTERESTING_BYTES) : r.int(256);
      return { kind, body: b };
    }
    case 'insert': {
      const i = at();
      return { kind, body: Buffer.concat([b.subarray(0, i), Buffer.from([r.pick(INTERESTING_BYTES)]), b.subarray(i)]) };
    }
    case 'delete': {
      const i = at();
      return { kind, body: Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + r.int(4))]) };
    }
    case 'truncate':
      return { kind, body: b.subarray(0, at()) };
    case 'duplicate': {
      const i = at();
      const j = i + r.int(b.length - i + 1);
      return { kind, body: Buffer.concat([b.subarray(0, j), b.subarray(i, j), b.subarray(j)]) };
    }
    case 'splice': {
      const other = Buffer.from(validMessage(r), 'latin1');
      return { kind, body: Buffer.concat([b.subarray(0, at()), other.subarray(r.int(other.length))]) };
    }
    case 'deep': {
      const depth = r.pick([150, 199, 200, 201, 202, 500, 5000, 20000]);
      return { kind, body: Buffer.from(`{["op"]="call",["id"]=1,["nargs"]=1,["args"]={[1]=${nested(depth, '1')}}}`) };
    }
    case 'deep-unclosed':
      return { kind, body: Buffer.from('{[1]='.repeat(r.pick([10, 199, 200, 201, 20000]))) };
    case 'op':
      return { kind, body: Buffer.from(`{["op"]=${r.pick(['"bogus"', '""', '1', 'true', '{}', 'nil', '"CALL"', '"return"', '"error"', 'chunks[1]'])}}`) };
    case 'non-table':
      return { kind, body: Buffer.from(r.pick(['nil', 'true', '1', '"call"', 'chunks[1]', '(0/0)', '{}', '-', '""', '{[1]=1}'])) };
    case 'huge-number': {
      const n = r.pick(['1e999999', '-1e999999', '9'.repeat(400), '0.' + '0'.repeat(400) + '1', '1e-999999', '1' + 'e9'.repeat(3), '00000001', '1.', '.5', '1e', '1e+', '--1', '0x10']);
      return { kind, body: Buffer.from(`{["op"]="call",["id"]=1,["nargs"]=${n},["args"]={[${n}]=${n}}}`) };
    }
    case 'long-string':
      return { kind, body: Buffer.from(`{["op"]="loadString",["text"]="${'x'.repeat(r.pick([0, 1e4, 1e5]))}${r.pick(['', '\\', '\\0', '\\00', '\\x41', '\n'])}",["chunkName"]="=x"}`) };
    case 'garbage':
      return { kind, body: Buffer.from(randomBytes(r, 64)) };
    case 'whitespace':
      return { kind, body: Buffer.from(base.toString('latin1').replace(/,/g, ', ').replace('{', '{ ')) };
    default:
      return { kind, body: Buffer.from(r.pick(['os.exit(3)', 'print("x")', '(function() end)()', 'chunks', 'chunks[1](1)', '{["op"]=("call")}', '{op="quit"}', '{["op"]="quit"}--'])) };
  }
}

// ------------------------------------------------------------ framing and conversations

export function frame(body, header) {
  const length = body.length;
  const text = header ?? length.toString(16).padStart(8, '0') + (length * 2 - 1).toString(16).padStart(8, '0');
  return Buffer.concat([Buffer.from(text, 'latin1'), body]);
}

/** A header that does not fit its body, or no proper header at all. */
function badFrame(r, body) {
  const hex = (n) => (n >>> 0).toString(16).padStart(8, '0');
  const length = body.length;
  switch (r.int(8)) {
    case 0: return { kind: 'header-check', bytes: frame(body, hex(length) + hex(length * 2)) };
    case 1: return { kind: 'header-shorter', bytes: frame(body, hex(Math.max(0, length - 1 - r.int(5))) + hex(Math.max(0, length - 1 - r.int(5)) * 2 - 1)) };
    case 2: return { kind: 'header-longer', bytes: frame(body, hex(length + 1 + r.int(100)) + hex((length + 1) * 2 - 1)) };
    case 3: return { kind: 'header-absurd', bytes: frame(body, r.pick(['ffffffff' + 'fffffffd', '7fffffff' + 'fffffffd', '80000000ffffffff', '00000000ffffffff'])) };
    case 4: return { kind: 'header-nonhex', bytes: frame(body, r.pick(['zzzzzzzz00000001', '0000000g0000000f', ' 0000001 0000001', '-0000001-0000003', '0x000001fffffffff'])) };
    case 5: return { kind: 'header-truncated', bytes: Buffer.from('0000001'.slice(0, r.int(8))) };
    case 6: return { kind: 'header-uppercase', bytes: frame(body, hex(length).toUpperCase() + hex(length * 2 - 1).toUpperCase()) };
    default: return { kind: 'body-truncated', bytes: frame(body).subarray(0, 16 + r.int(Math.max(1, length))) };
  }
}

const SETUP = [
  '{["op"]="loadString",["text"]="return select(\\"#\\", ...), ...",["chunkName"]="=fuzz"}',
];

/**
 * One process's input: a valid set-up, some valid messages, then one bad
 * message (a mutated body or a bad frame). Returns the bytes, how many
 * replies the valid part earns, and the kind of the last message.
 */
export function conversation(r) {
  const messages = [...SETUP];
  for (let i = 0, n = r.int(6); i < n; i++) messages.push(validMessage(r));
  const head = Buffer.concat(messages.map((m) => frame(Buffer.from(m, 'latin1'))));
  if (r.chance(0.3)) {
    const bad = badFrame(r, Buffer.from(validMessage(r), 'latin1'));
    return { bytes: Buffer.concat([head, bad.bytes]), validReplies: messages.length, kind: bad.kind };
  }
  const { kind, body } = mutatedBody(r);
  return { bytes: Buffer.concat([head, frame(body)]), validReplies: messages.length, kind };
}

// ------------------------------------------------------------ running and judging

/** Splits stdout into framed messages; returns null if anything is not a complete, well-framed message. */
export function splitMessages(stdout) {
  const bodies = [];
  let pos = 0;
  while (pos < stdout.length) {
    if (stdout.length - pos < 16) return null;
    const header = stdout.toString('latin1', pos, pos + 16);
    if (!/^[0-9a-f]{16}$/.test(header)) return null;
    const length = parseInt(header.slice(0, 8), 16);
    if (length * 2 - 1 !== parseInt(header.slice(8), 16) || pos + 16 + length > stdout.length) return null;
    bodies.push(stdout.subarray(pos + 16, pos + 16 + length));
    pos += 16 + length;
  }
  return bodies;
}

/**
 * Runs one conversation and judges it. Outcomes: 'replied' (exit 0, all
 * replies complete, nothing on stderr), 'refused' (exit 1, one stderr line
 * "mw-lua-standalone: ...", complete replies only), or 'BAD: <why>'.
 */
export function runConversation(command, args, input, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString('latin1');
      resolve({ ...judge(code, signal, stdout, stderr, timedOut), stdout, stderr, code, signal });
    });
  });
}

export function judge(code, signal, stdout, stderr, timedOut) {
  if (timedOut) return { outcome: 'BAD: hang' };
  if (signal !== null) return { outcome: `BAD: killed by ${signal}` };
  if (code >= 128) return { outcome: `BAD: exit ${code}` };
  if (/\n\s+at .+(\.js|\.ts|node:)/.test(stderr)) return { outcome: 'BAD: JS stack trace on stderr' };
  const bodies = splitMessages(stdout);
  if (bodies === null) return { outcome: 'BAD: stdout holds something other than complete messages' };
  if (code === 0) return stderr === '' ? { outcome: 'replied', replies: bodies.length } : { outcome: 'BAD: exit 0 with stderr' };
  if (code === 1) {
    const lines = stderr.split('\n');
    if (lines.length === 2 && lines[1] === '' && lines[0].startsWith('mw-lua-standalone: ')) return { outcome: 'refused', replies: bodies.length };
    return { outcome: `BAD: exit 1 with stderr ${JSON.stringify(stderr.slice(0, 200))}` };
  }
  return { outcome: `BAD: exit ${code}` };
}
