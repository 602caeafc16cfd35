/**
 * One short protocol session as Scribunto's LuaStandaloneInterpreter runs it,
 * for `doctor`: load a chunk, call it, check what it returns, quit. Only the
 * framing and the few message shapes this needs: requests are written as PHP's
 * encodeLuaVar() writes them, replies are matched in PHP's serialize() form.
 */
import { spawn } from 'node:child_process';

/** The chunk the session runs, and what its reply must contain. */
const CHUNK = 'return "doctor: " .. _VERSION';
const EXPECTED_VALUE = 's:15:"doctor: Lua 5.1"';

export type SessionOutcome = { ok: true; milliseconds: number } | { ok: false; problem: string };

/** A request in encodeLuaVar() form: string and integer fields, and empty lists (a call's args). */
function request(fields: Record<string, string | number | readonly never[]>): Buffer {
  const quote = (text: string): string =>
    `"${text.replace(/[\\"\n\r\0]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\0': '\\000' })[c]!)}"`;
  const body = Buffer.from(
    `{${Object.entries(fields)
      .map(([key, value]) => `[${quote(key)}]=${typeof value === 'number' ? String(value) : typeof value === 'string' ? quote(value) : '{}'}`)
      .join(',')}}`,
    'utf8',
  );
  const header = body.length.toString(16).padStart(8, '0') + (body.length * 2 - 1).toString(16).padStart(8, '0');
  return Buffer.concat([Buffer.from(header, 'latin1'), body]);
}

/**
 * Runs `command args` (Scribunto's command line, possibly under lua_ulimit.sh)
 * through one loadString and one call. A failure says what the admin would
 * otherwise only see as "exited with status N", with the first line the
 * interpreter wrote on stderr.
 */
export function runProtocolSession(command: string, args: readonly string[], timeoutMilliseconds: number): Promise<SessionOutcome> {
  const started = Date.now();
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = Buffer.alloc(0);
  let stderr = '';
  let finished = false;
  let exitDescription: string | null = null;
  let wakeReader: (() => void) | null = null;
  const wake = (): void => {
    const resolve = wakeReader;
    wakeReader = null;
    resolve?.();
  };
  child.stdout.on('data', (data: Buffer) => {
    output = Buffer.concat([output, data]);
    wake();
  });
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString('utf8')));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => {
    child.on('error', (error) => {
      exitDescription = `could not be started (${error.message})`;
      finished = true;
      wake();
      resolve();
    });
    child.on('close', (code, signal) => {
      exitDescription ??= signal ? `was killed by ${signal}` : `exited with status ${String(code)}`;
      finished = true;
      wake();
      resolve();
    });
  });
  const timer = setTimeout(() => {
    exitDescription = `did not answer within ${timeoutMilliseconds / 1000} s`;
    child.kill('SIGKILL');
  }, timeoutMilliseconds);

  const failure = (what: string): SessionOutcome => {
    const stderrLine = stderr.split('\n').find((line) => line.trim() !== '');
    return { ok: false, problem: stderrLine ? `${what}; it wrote: ${stderrLine.trim()}` : what };
  };
  const nextReply = async (): Promise<string | null> => {
    for (;;) {
      if (output.length >= 16) {
        const length = parseInt(output.toString('latin1', 0, 8), 16);
        if (output.length >= 16 + length) {
          const body = output.toString('latin1', 16, 16 + length);
          output = output.subarray(16 + length);
          return body;
        }
      }
      if (finished) return null;
      await new Promise<void>((resolve) => (wakeReader = resolve));
    }
  };

  const converse = async (): Promise<SessionOutcome> => {
    child.stdin.write(request({ op: 'loadString', text: CHUNK, chunkName: '=doctor' }));
    const loaded = await nextReply();
    if (loaded === null) return failure(`the interpreter ${exitDescription ?? 'closed its output'} before answering`);
    const chunkId = /s:6:"values";a:1:\{i:1;i:(\d+);\}/.exec(loaded)?.[1];
    if (!/s:2:"op";s:6:"return"/.test(loaded) || chunkId === undefined) return failure(`loadString got an unexpected reply: ${loaded.slice(0, 200)}`);
    child.stdin.write(request({ op: 'call', id: Number(chunkId), nargs: 0, args: [] }));
    const called = await nextReply();
    if (called === null) return failure(`the interpreter ${exitDescription ?? 'closed its output'} during a call`);
    if (!called.includes(EXPECTED_VALUE)) return failure(`a call got an unexpected reply: ${called.slice(0, 200)}`);
    child.stdin.write(request({ op: 'quit' }));
    child.stdin.end();
    await exited;
    return { ok: true, milliseconds: Date.now() - started };
  };
  return converse().finally(() => {
    clearTimeout(timer);
    if (!finished) child.kill('SIGKILL');
  });
}
