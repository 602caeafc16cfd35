/** The speed substitutions rely on facts of the pinned Fengari that its text alone does not show. */
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { OPCODE_NAMES } from '../src/lua51/fengari-speedups.js';

const require = createRequire(import.meta.url);

it("the VM loop's literal opcode numbers are lopcodes.js's numbering", () => {
  const { OpCodes } = require('fengari/src/lopcodes.js') as { OpCodes: string[] };
  expect(OPCODE_NAMES).toEqual(OpCodes);
});
