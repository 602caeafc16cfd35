/**
 * A test client that speaks to the interpreter as Scribunto's
 * LuaStandaloneInterpreter.php does: encodeLuaVar() bodies out, PHP
 * serialize() bodies in, re-entrant calls in both directions.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** A Lua function held by "PHP". */
export class LuaFunction {
  constructor(
    readonly interpreterId: number,
    readonly id: number,
  ) {}
}

export type PhpValue = null | boolean | number | string | Buffer | LuaFunction | PhpArray;
export type PhpArray = Map<number | string, PhpValue>;
export type PhpCallback = (...args: PhpValue[]) => PhpValue[] | Promise<PhpValue[]>;

export class LuaError extends Error {
  constructor(readonly value: PhpValue, readonly reply: PhpArray) {
    super(typeof value === 'string' ? value : `Lua error value ${String(value)}`);
  }
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class StandaloneClient {
  readonly process: ChildProcessWithoutNullStreams;
  readonly exited: Promise<ExitInfo>;
  stderr = '';
  /** The last message body received, as it came off the pipe (still escaped). */
  lastRawBody: Buffer = Buffer.alloc(0);
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private ended = false;
  private readonly callbacks = new Map<string, PhpCallback>();
  private nextCallbackId = 0;

  constructor(
    command: string,
    args: readonly string[],
    readonly interpreterId: number,
  ) {
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stdout.on('data', (data: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, data]);
      this.wake();
    });
    this.process.stdout.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.process.stderr.on('data', (data: Buffer) => (this.stderr += data.toString('latin1')));
    this.process.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
  }

  async loadString(text: string | Buffer, chunkName: string): Promise<LuaFunction> {
    const [id] = await this.dispatch(message({ op: 'loadString', text, chunkName }));
    return new LuaFunction(this.interpreterId, id as number);
  }

  async call(fn: LuaFunction, ...args: PhpValue[]): Promise<PhpValue[]> {
    return this.dispatch(message({ op: 'call', id: fn.id, nargs: args.length, args: list(args) }));
  }

  async registerLibrary(name: string, functions: Record<string, PhpCallback>): Promise<void> {
    const ids = new Map<number | string, PhpValue>();
    for (const [fnName, callback] of Object.entries(functions)) {
      const id = `${name}-${fnName}-${this.nextCallbackId++}`;
      this.callbacks.set(id, callback);
      ids.set(fnName, id);
    }
    await this.dispatch(message({ op: 'registerLibrary', name, functions: ids }));
  }

  async wrapPhpFunction(callback: PhpCallback): Promise<LuaFunction> {
    const id = `anonymous-${this.nextCallbackId++}`;
    this.callbacks.set(id, callback);
    const [fn] = await this.dispatch(message({ op: 'wrapPhpFunction', id }));
    return fn as LuaFunction;
  }

  async cleanupChunks(keep: readonly number[]): Promise<void> {
    const ids = new Map<number | string, PhpValue>(keep.map((id) => [id, true]));
    await this.dispatch(message({ op: 'cleanupChunks', ids }));
  }

  async getStatus(): Promise<PhpArray> {
    const [status] = await this.dispatch(message({ op: 'getStatus' }));
    return status as PhpArray;
  }

  /** Sends a message that gets no reply (quit, testquit) and waits for the exit. */
  async sendFinal(op: 'quit' | 'testquit'): Promise<ExitInfo> {
    this.send(encodeLuaVar(message({ op })));
    return this.exited;
  }

  sendRaw(bytes: Buffer): void {
    this.process.stdin.write(bytes);
  }

  close(): void {
    this.process.stdin.end();
  }

  private async dispatch(request: PhpArray): Promise<PhpValue[]> {
    this.send(encodeLuaVar(request));
    for (;;) {
      const reply = await this.receive();
      switch (reply.get('op')) {
        case 'return':
          return valuesOf(reply.get('values') as PhpArray, reply.get('nvalues') as number);
        case 'error':
          throw new LuaError(reply.get('value') ?? null, reply);
        case 'call':
          this.send(encodeLuaVar(await this.handleCall(reply)));
          break;
        default:
          throw new Error(`invalid response op ${String(reply.get('op'))}`);
      }
    }
  }

  private async handleCall(request: PhpArray): Promise<PhpArray> {
    const callback = this.callbacks.get(String(request.get('id')));
    if (!callback) throw new Error(`no callback ${String(request.get('id'))}`);
    const args = valuesOf(request.get('args') as PhpArray, request.get('nargs') as number);
    try {
      const results = await callback(...args);
      return message({ op: 'return', nvalues: results.length, values: list(results) });
    } catch (error) {
      return message({ op: 'error', value: error instanceof Error ? error.message : String(error) });
    }
  }

  private send(body: Buffer): void {
    this.process.stdin.write(frame(body));
  }

  private async receive(): Promise<PhpArray> {
    const header = await this.readBytes(16);
    const length = parseInt(header.toString('latin1', 0, 8), 16);
    if (length * 2 - 1 !== parseInt(header.toString('latin1', 8), 16)) throw new Error('bad header from Lua');
    const body = await this.readBytes(length);
    this.lastRawBody = body;
    return unserialize(unescapeBody(body)) as PhpArray;
  }

  private async readBytes(count: number): Promise<Buffer> {
    while (this.buffered.length < count) {
      if (this.ended) throw new Error(`interpreter closed its output; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    const bytes = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(count);
    return bytes;
  }

  private wake(): void {
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.();
  }
}

/** A message body with the 16-byte header PHP puts before it. */
export function frame(body: Buffer): Buffer {
  const header = body.length.toString(16).padStart(8, '0') + (body.length * 2 - 1).toString(16).padStart(8, '0');
  return Buffer.concat([Buffer.from(header, 'latin1'), body]);
}

export function message(fields: Record<string, PhpValue>): PhpArray {
  return new Map(Object.entries(fields));
}

/** A 1-based PHP list. */
export function list(values: readonly PhpValue[]): PhpArray {
  return new Map(values.map((value, i) => [i + 1, value]));
}

/** fixNulls(): positions 1..count, missing ones null. */
function valuesOf(values: PhpArray, count: number): PhpValue[] {
  return Array.from({ length: count }, (_, i) => values.get(i + 1) ?? null);
}

/** PHP's encodeLuaVar(). Integral JS numbers play PHP ints; others, doubles. */
export function encodeLuaVar(value: PhpValue): Buffer {
  if (value === null) return Buffer.from('nil');
  if (typeof value === 'boolean') return Buffer.from(value ? 'true' : 'false');
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return Buffer.from('(0/0)');
    if (value === Infinity) return Buffer.from('(1/0)');
    if (value === -Infinity) return Buffer.from('(-1/0)');
    return Buffer.from(Number.isInteger(value) ? String(value) : value.toPrecision(17).replace(/\.?0+(e|$)/, '$1'));
  }
  if (value instanceof LuaFunction) return Buffer.from(`chunks[${value.id}]`);
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    const parts: Buffer[] = [Buffer.from('"')];
    let start = 0;
    const escapes: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x00: '\\000' };
    bytes.forEach((byte, i) => {
      const escape = escapes[byte];
      if (escape === undefined) return;
      parts.push(bytes.subarray(start, i), Buffer.from(escape));
      start = i + 1;
    });
    parts.push(bytes.subarray(start), Buffer.from('"'));
    return Buffer.concat(parts);
  }
  const parts: Buffer[] = [Buffer.from('{')];
  let first = true;
  for (const [key, element] of value) {
    if (!first) parts.push(Buffer.from(','));
    first = false;
    parts.push(Buffer.from('['), encodeLuaVar(key), Buffer.from(']='), encodeLuaVar(element));
  }
  parts.push(Buffer.from('}'));
  return Buffer.concat(parts);
}

/** Undoes the escaping of CR, LF and backslash in a body from Lua. */
export function unescapeBody(body: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0x5c && i + 1 < body.length) {
      const next = body[i + 1];
      if (next === 0x72) out.push(0x0d);
      else if (next === 0x6e) out.push(0x0a);
      else if (next === 0x5c) out.push(0x5c);
      else {
        out.push(0x5c);
        continue;
      }
      i++;
    } else {
      out.push(body[i]!);
    }
  }
  return Buffer.from(out);
}

/** PHP's unserialize() for what MWServer produces. Strings are decoded as UTF-8 when valid, else kept as bytes. */
export function unserialize(bytes: Buffer): PhpValue {
  let pos = 0;
  const readUntil = (terminator: string): string => {
    const end = bytes.indexOf(terminator, pos, 'latin1');
    if (end < 0) throw new Error(`unserialize: missing ${terminator} after offset ${pos}`);
    const text = bytes.toString('latin1', pos, end);
    pos = end + terminator.length;
    return text;
  };
  const value = (): PhpValue => {
    const type = String.fromCharCode(bytes[pos]!);
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
        const raw = bytes.subarray(pos + 1, pos + 1 + length);
        pos += length + 3;
        const text = raw.toString('utf8');
        return Buffer.from(text, 'utf8').equals(raw) ? text : Buffer.from(raw);
      }
      case 'a': {
        const count = Number(readUntil(':'));
        pos += 1;
        const array: PhpArray = new Map();
        for (let i = 0; i < count; i++) {
          const key = value() as number | string;
          array.set(key, value());
        }
        pos += 1;
        return array;
      }
      case 'O': {
        readUntil(':');
        readUntil(':');
        const count = Number(readUntil(':'));
        pos += 1;
        const props = new Map<string, PhpValue>();
        for (let i = 0; i < count; i++) {
          const key = value() as string;
          props.set(key, value());
        }
        pos += 1;
        return new LuaFunction(props.get('interpreterId') as number, props.get('id') as number);
      }
      default:
        throw new Error(`unserialize: unknown type ${type} at ${pos - 2}`);
    }
  };
  const result = value();
  if (pos !== bytes.length) throw new Error(`unserialize: trailing bytes at ${pos}`);
  return result;
}
