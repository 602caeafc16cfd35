/**
 * A minimal LuaStandalone protocol client for the benchmarks, speaking as
 * Scribunto's LuaStandaloneInterpreter.php does (see
 * /work/shared/docs/protocol.md). Plain JavaScript so that `npm run bench`
 * needs no TypeScript loader; test/support/php-client.ts is the full-featured
 * client the tests use. It encodes only the value shapes the benchmarks send
 * (nil, booleans, integers, strings, tables, chunk references).
 */
import { spawn } from 'node:child_process';

/** A Lua function handed to "PHP" (a chunk id). */
export class LuaFunction {
  constructor(id) {
    this.id = id;
  }
}

export class ProtocolClient {
  /**
   * Spawns `command args` as Scribunto does: stdin and stdout are the
   * message pipes; stderr is kept for error reports.
   */
  constructor(command, args) {
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.buffered = Buffer.alloc(0);
    this.waiting = null;
    this.ended = false;
    this.callbacks = new Map();
    this.process.stdout.on('data', (data) => {
      this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data]);
      this.wake();
    });
    this.process.stdout.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.process.stderr.on('data', (data) => (this.stderr += data.toString('latin1')));
    this.process.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid() {
    return this.process.pid;
  }

  async loadString(text, chunkName) {
    const [id] = await this.dispatch({ op: 'loadString', text, chunkName });
    return new LuaFunction(id);
  }

  call(fn, ...args) {
    return this.dispatch({ op: 'call', id: fn.id, nargs: args.length, args: list(args) });
  }

  /** Registers synchronous JS callbacks as the Lua library table `name`. */
  async registerLibrary(name, functions) {
    const ids = {};
    for (const [fnName, callback] of Object.entries(functions)) {
      const id = `${name}-${fnName}`;
      this.callbacks.set(id, callback);
      ids[fnName] = id;
    }
    await this.dispatch({ op: 'registerLibrary', name, functions: ids });
  }

  /** Tells the server which chunk ids PHP still holds; it forgets the others. */
  async cleanupChunks(keepIds) {
    await this.dispatch({ op: 'cleanupChunks', ids: Object.fromEntries(keepIds.map((id) => [id, true])) });
  }

  /** Sends `quit` (which gets no reply) and waits for the process to exit. */
  quit() {
    this.send({ op: 'quit' });
    return this.exited;
  }

  kill() {
    this.process.kill('SIGKILL');
  }

  async dispatch(request) {
    this.send(request);
    for (;;) {
      const reply = await this.receive();
      switch (reply.op) {
        case 'return':
          return Array.from({ length: reply.nvalues }, (_, i) => reply.values?.[i + 1] ?? null);
        case 'error':
          throw new Error(`Lua error: ${String(reply.value)}`);
        case 'call':
          this.send(this.handleCall(reply));
          break;
        default:
          throw new Error(`invalid reply op ${String(reply.op)}`);
      }
    }
  }

  handleCall(request) {
    const callback = this.callbacks.get(request.id);
    if (!callback) return { op: 'error', value: `no callback ${request.id}` };
    const args = Array.from({ length: request.nargs }, (_, i) => request.args?.[i + 1] ?? null);
    const results = callback(...args);
    return { op: 'return', nvalues: results.length, values: list(results) };
  }

  send(message) {
    const body = encodeLuaVar(message);
    const header =
      body.length.toString(16).padStart(8, '0') + (body.length * 2 - 1).toString(16).padStart(8, '0');
    this.process.stdin.write(Buffer.concat([Buffer.from(header, 'latin1'), body]));
  }

  async receive() {
    const header = await this.readBytes(16);
    const length = parseInt(header.toString('latin1', 0, 8), 16);
    if (length * 2 - 1 !== parseInt(header.toString('latin1', 8, 16), 16)) {
      throw new Error(`bad header from the interpreter: ${header.toString('latin1')}`);
    }
    return unserialize(unescapeBody(await this.readBytes(length)));
  }

  async readBytes(count) {
    while (this.buffered.length < count) {
      if (this.ended) throw new Error(`interpreter closed its output; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise((resolve) => (this.waiting = resolve));
    }
    const bytes = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(count);
    return bytes;
  }

  wake() {
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.();
  }
}

/** A 1-based PHP list, as a plain object. */
function list(values) {
  return Object.fromEntries(values.map((value, i) => [i + 1, value]));
}

const STRING_ESCAPES = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\0': '\\000' };

/** PHP's encodeLuaVar() for the shapes above; object keys that look like integers are sent as numbers. */
function encodeLuaVar(value) {
  if (value === null || value === undefined) return Buffer.from('nil');
  if (typeof value === 'boolean') return Buffer.from(String(value));
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`the bench client sends integers only, not ${value}`);
    return Buffer.from(String(value));
  }
  if (typeof value === 'string') {
    return Buffer.from(`"${value.replace(/["\\\n\r\0]/g, (c) => STRING_ESCAPES[c])}"`, 'utf8');
  }
  if (value instanceof LuaFunction) return Buffer.from(`chunks[${value.id}]`);
  const parts = [];
  for (const [key, element] of Object.entries(value)) {
    const encodedKey = /^-?[1-9][0-9]*$|^0$/.test(key) ? Buffer.from(key) : encodeLuaVar(key);
    parts.push(Buffer.concat([Buffer.from('['), encodedKey, Buffer.from(']='), encodeLuaVar(element)]));
  }
  return Buffer.concat([Buffer.from('{'), ...parts.flatMap((part, i) => (i ? [Buffer.from(','), part] : [part])), Buffer.from('}')]);
}

/** Undoes the server's escaping of `\`, CR and LF (PHP's strtr). */
function unescapeBody(body) {
  const replacements = { '\\\\': '\\', '\\r': '\r', '\\n': '\n' };
  return Buffer.from(body.toString('latin1').replace(/\\[\\rn]/g, (pair) => replacements[pair]), 'latin1');
}

/** PHP's unserialize() for what the server sends; strings decode as UTF-8, arrays become plain objects. */
function unserialize(bytes) {
  let pos = 0;
  const readUntil = (terminator) => {
    const end = bytes.indexOf(terminator, pos, 'latin1');
    if (end < 0) throw new Error(`unserialize: missing ${terminator} after offset ${pos}`);
    const text = bytes.toString('latin1', pos, end);
    pos = end + terminator.length;
    return text;
  };
  const readPairs = () => {
    const count = Number(readUntil(':'));
    pos += 1; // {
    const pairs = {};
    for (let i = 0; i < count; i++) {
      const key = value();
      pairs[key] = value();
    }
    pos += 1; // }
    return pairs;
  };
  const value = () => {
    const type = String.fromCharCode(bytes[pos]);
    pos += 2;
    switch (type) {
      case 'N':
        return null;
      case 'b':
        return readUntil(';') === '1';
      case 'i':
        return Number(readUntil(';'));
      case 'd': {
        const text = readUntil(';');
        return text === 'INF' ? Infinity : text === '-INF' ? -Infinity : text === 'NAN' ? NaN : Number(text);
      }
      case 's': {
        const length = Number(readUntil(':'));
        const text = bytes.toString('utf8', pos + 1, pos + 1 + length);
        pos += length + 3; // the quotes and the ;
        return text;
      }
      case 'a':
        return readPairs();
      case 'O': {
        readUntil(':'); // class name length
        readUntil(':'); // class name
        return new LuaFunction(readPairs().id);
      }
      default:
        throw new Error(`unserialize: unknown type ${type} at offset ${pos - 2}`);
    }
  };
  return value();
}
