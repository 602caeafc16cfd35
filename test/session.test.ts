/**
 * Sessions run in this process, one after another, the way a pool worker
 * will run them: each on a fresh Lua state, fed by in-memory pipes, ending
 * with a status instead of ending the process.
 */
import { describe, expect, it } from 'vitest';
import { MessageChannel, type ByteStreams } from '../src/server/framing.js';
import { runSession, startingNow } from '../src/server/session.js';
import { serverArgs } from './support/interpreters.js';
import { encodeLuaVar, frame, list, message, unescapeBody, unserialize, type PhpArray, type PhpValue } from './support/php-client.js';

interface SessionRun {
  status: number;
  /** Every message the session sent, decoded as PHP decodes it. */
  sent: PhpArray[];
  stderr: string;
}

/**
 * Runs a session on the given messages from PHP, all of them queued up front:
 * the session reads each one when it waits for PHP, so a message meant as the
 * reply to a Lua→PHP call arrives while Lua waits for that call.
 */
function runQueued(requests: readonly PhpArray[]): SessionRun {
  const input = Buffer.concat(requests.map((request) => frame(encodeLuaVar(request))));
  let readAt = 0;
  const output: Buffer[] = [];
  const streams: ByteStreams = {
    read(buffer, offset, length) {
      const count = input.copy(buffer, offset, readAt, Math.min(input.length, readAt + length));
      readAt += count;
      return count;
    },
    write(data, offset, length) {
      output.push(Buffer.from(data.subarray(offset, offset + length)));
      return length;
    },
  };
  let stderr = '';
  const io = { channel: new MessageChannel(streams), stderr: (text: string) => (stderr += text) };
  const status = runSession(serverArgs(1), io, startingNow());
  return { status, sent: decodeMessages(Buffer.concat(output)), stderr };
}

function decodeMessages(bytes: Buffer): PhpArray[] {
  const messages: PhpArray[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = parseInt(bytes.toString('latin1', at, at + 8), 16);
    messages.push(unserialize(unescapeBody(bytes.subarray(at + 16, at + 16 + length))) as PhpArray);
    at += 16 + length;
  }
  return messages;
}

const loadString = (text: string, chunkName = '=test'): PhpArray => message({ op: 'loadString', text, chunkName });
const call = (id: number, ...args: PhpValue[]): PhpArray => message({ op: 'call', id, nargs: args.length, args: list(args) });
const quit = message({ op: 'quit' });
const testquit = message({ op: 'testquit' });
const registerPhpLibrary = (...names: string[]): PhpArray =>
  message({ op: 'registerLibrary', name: 'php', functions: new Map(names.map((name) => [name, `php-${name}`])) });

/** `{op='return', nvalues=n, values={...}}` as PHP decodes it: a nil is a hole in `values`. */
function returned(...values: PhpValue[]): PhpArray {
  const present = new Map([...list(values)].filter(([, value]) => value !== null));
  return message({ op: 'return', nvalues: values.length, values: present });
}

/** What the session sends to call PHP function `php.<name>` with the arguments. */
function callOfPhp(name: string, ...args: PhpValue[]): PhpArray {
  return message({ op: 'call', id: `php-${name}`, nargs: args.length, args: list(args) });
}

describe('sessions one after another in one process', () => {
  it('a session sees nothing a previous session changed', () => {
    const tamper = runQueued([
      loadString(
        'leak = "global"\n' +
          'string.leak = "string library"\n' +
          'getmetatable("").leak = "string metatable"\n' +
          'repeat until os.clock() >= 0.5\n' +
          'return leak, string.leak, ("").leak, getmetatable("").leak, os.clock() >= 0.5',
      ),
      call(1),
      quit,
    ]);
    expect(tamper).toEqual({
      status: 0,
      sent: [returned(1), returned('global', 'string library', 'string library', 'string metatable', true)],
      stderr: '',
    });
    const look = runQueued([
      loadString('return leak, string.leak, ("").leak, getmetatable("").leak, os.clock() < 0.5'),
      call(1),
      message({ op: 'getStatus' }),
      quit,
    ]);
    expect(look.sent.slice(0, 2)).toEqual([returned(1), returned(null, null, null, null, true)]);
    // getStatus counts clock ticks (1/100 s) of the session's own CPU time.
    const status = (look.sent[2]!.get('values') as PhpArray).get(1) as PhpArray;
    expect(status.get('time')).toBeLessThan(50);
    expect({ ...look, sent: look.sent.length }).toEqual({ status: 0, sent: 3, stderr: '' });
  });

  it('chunk ids start again from 1 in every session', () => {
    for (let session = 0; session < 2; session++) {
      const run = runQueued([loadString('return 1'), loadString('return 2'), quit]);
      expect(run.sent).toEqual([returned(1), returned(2)]);
    }
  });

  it('a session ends with its status and its reason on its own stderr', () => {
    expect(runQueued([loadString('return 1'), testquit])).toEqual({ status: 42, sent: [returned(1)], stderr: '' });
    expect(runQueued([])).toEqual({ status: 0, sent: [], stderr: '' });
    expect(runQueued([message({ op: 'bogus' })])).toEqual({
      status: 1,
      sent: [],
      stderr: 'mw-lua-standalone: Invalid message operation "bogus"\n',
    });
  });
});

describe('the end of a session', () => {
  // Each chunk waits for php.wait inside a protected call; PHP answers with
  // testquit. Lua code that went on would call php.after.
  it.each([
    ['pcall', 'local ok, e = pcall(php.wait) php.after(ok, e)'],
    ['xpcall, whose handler would see it', 'xpcall(php.wait, function(m) php.after(m) return m end) php.after()'],
    ['an xpcall message handler', 'xpcall(error, function(m) php.wait() return m end) php.after()'],
    [
      'a pcall at the C-call limit, where nothing more can be called',
      'local function deep() if not pcall(deep) then php.wait() php.after() end end deep() php.after()',
    ],
  ])('is not caught by %s', (_, text) => {
    const run = runQueued([registerPhpLibrary('wait', 'after'), loadString(text), call(1), testquit]);
    expect(run).toEqual({ status: 42, sent: [returned(), returned(1), callOfPhp('wait')], stderr: '' });
  });

  it('from a broken message while Lua waits inside pcall is status 1 with the reason', () => {
    const run = runQueued([registerPhpLibrary('wait', 'after'), loadString('pcall(php.wait) php.after()'), call(1), message({ op: 'bogus' })]);
    expect(run).toEqual({
      status: 1,
      sent: [returned(), returned(1), callOfPhp('wait')],
      stderr: 'mw-lua-standalone: Invalid message operation "bogus"\n',
    });
  });
});
