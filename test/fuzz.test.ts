/**
 * Bad input on the pipe. Inputs come from bench/fuzz-inputs.mjs with fixed
 * seeds, so every run sends the same bytes:
 *
 *  1. In process: thousands of mutated message bodies through decodeMessage.
 *     Each must either decode (one value pushed) or throw a ProtocolError and
 *     leave the Lua stack as it was; no other exception.
 *  2. End to end: our binary gets a valid conversation whose last message is
 *     malformed (a mutated body or a bad header). It must answer the valid part
 *     and then either quit cleanly (exit 0, nothing on stderr) or exit 1 with
 *     exactly one stderr line "mw-lua-standalone: ..."; stdout must hold only
 *     complete messages; never a hang (15 s), a JS stack trace, a signal or an
 *     exit status of 128 or more.
 *
 * bench/fuzz.mjs runs the same with 100,000+ inputs.
 */
import { describe, expect, it } from 'vitest';
import { lauxlib, lua } from '../src/lua51/fengari.js';
import { ChunkTable } from '../src/server/chunks.js';
import { decodeMessage } from '../src/server/decode.js';
import { ProtocolError } from '../src/server/framing.js';
import { OUR_BINARY, serverArgs } from './support/interpreters.js';
// @ts-expect-error -- plain JS shared with the benchmark
import { conversation, mutatedBody, prng, runConversation, validMessage } from '../bench/fuzz-inputs.mjs';

interface Rng {
  next(): number;
  int(n: number): number;
}
interface RunResult {
  outcome: string;
  replies?: number;
  stderr: string;
}

const DECODER_INPUTS = 3000;
const END_TO_END_INPUTS = 40;
const CONCURRENCY = 2;
/** A hang, not a slow start: a loaded 2-core machine can take seconds to start Node.js. */
const HANG_MS = 15_000;

describe('fuzz: the decoder in process', () => {
  it(`${DECODER_INPUTS} mutated bodies decode or fail with a ProtocolError, leaving the stack as it was`, () => {
    const L = lauxlib.luaL_newstate();
    const chunks = new ChunkTable(L);
    const r = prng(20240601) as Rng;
    const outcomes = new Map<string, number>();
    const bad: string[] = [];
    for (let i = 0; i < DECODER_INPUTS; i++) {
      const { kind, body } = i % 10 === 0 ? { kind: 'valid', body: Buffer.from(validMessage(r) as string, 'latin1') } : (mutatedBody(r) as { kind: string; body: Buffer });
      const top = lua.lua_gettop(L);
      let outcome: string;
      try {
        decodeMessage(L, body, chunks);
        outcome = lua.lua_gettop(L) === top + 1 ? 'decoded' : 'BAD: decoded with a wrong stack';
        lua.lua_settop(L, top);
      } catch (error) {
        outcome = !(error instanceof ProtocolError)
          ? `BAD: ${String(error)}`
          : lua.lua_gettop(L) === top
            ? 'protocol error'
            : 'BAD: stack changed after a ProtocolError';
        lua.lua_settop(L, top);
      }
      if (kind === 'valid' && outcome !== 'decoded') outcome = `BAD: a valid body was refused`;
      if (outcome.startsWith('BAD')) bad.push(`${kind} ${JSON.stringify(body.toString('latin1').slice(0, 120))}: ${outcome}`);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(bad.slice(0, 10)).toEqual([]);
    // Both outcomes must really occur, or the generator has gone blind.
    expect(outcomes.get('decoded')).toBeGreaterThan(DECODER_INPUTS / 10);
    expect(outcomes.get('protocol error')).toBeGreaterThan(DECODER_INPUTS / 4);
  });
});

describe('fuzz: our binary end to end', () => {
  it(`${END_TO_END_INPUTS} conversations ending in a malformed message reply or exit 1 with one line`, async () => {
    const r = prng(4242) as Rng;
    const inputs = Array.from({ length: END_TO_END_INPUTS }, () => conversation(r) as { bytes: Buffer; validReplies: number; kind: string });
    const results: Array<{ kind: string; result: RunResult; validReplies: number }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < inputs.length) {
          const input = inputs[next++]!;
          const result = (await runConversation(OUR_BINARY, serverArgs(1), input.bytes, HANG_MS)) as RunResult;
          results.push({ kind: input.kind, result, validReplies: input.validReplies });
        }
      }),
    );
    const bad = results
      .filter(({ result, validReplies }) => result.outcome.startsWith('BAD') || (result.replies ?? 0) < validReplies)
      .map(({ kind, result, validReplies }) => `${kind}: ${result.outcome} (${result.replies ?? '?'} of ${validReplies} replies) ${result.stderr.slice(0, 200)}`);
    expect(bad).toEqual([]);
    const counts = new Map<string, number>();
    for (const { result } of results) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
    expect(counts.get('refused')).toBeGreaterThan(END_TO_END_INPUTS / 4);
  }, 120_000);
});
