/**
 * The io and os functions that reach the host, as lua5.1 on glibc has them:
 * C's strerror messages and errno numbers, fopen's reading of a mode,
 * remove() of an empty directory, system()'s wait status. Each snippet runs
 * under lua5.1 and under our VM on the same scratch directory, and leaves it
 * as it found it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe } from 'vitest';
import { same } from './lua51/differential.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mwls-io-os-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A snippet with `d` the scratch directory and `mkfile(name, text)` to make a file in it. */
function snippet(code: string): string {
  return (
    `local d = ${JSON.stringify(scratch)} ` +
    'local function mkfile(name, text) local f = assert(io.open(d .. "/" .. name, "w")) f:write(text) f:close() end ' +
    code
  );
}

describe('os.remove and os.rename', () => {
  same(
    'a failure is nil, "name: strerror", errno',
    snippet(`
      print(os.remove(d .. "/missing"))
      print(os.rename(d .. "/missing", d .. "/other"))
      print(os.remove(d .. "/missing/below"))`),
  );
  same(
    'os.remove removes a file and an empty directory (C remove), not a full one',
    snippet(`
      mkfile("f", "x")
      print(os.remove(d .. "/f"), io.open(d .. "/f"))
      print(os.execute("mkdir " .. d .. "/empty"), os.remove(d .. "/empty"))
      os.execute("mkdir " .. d .. "/full && touch " .. d .. "/full/f")
      print(os.remove(d .. "/full"))
      os.execute("rm -r " .. d .. "/full")`),
  );
  same(
    'os.rename names the old name in its message',
    snippet(`
      mkfile("f", "x")
      os.execute("mkdir " .. d .. "/dir")
      print(os.rename(d .. "/f", d .. "/dir"))
      print(os.rename(d .. "/dir", d .. "/f"))
      print(os.rename(d .. "/f", d .. "/g"), io.open(d .. "/g"):read("*a"))
      os.remove(d .. "/g") os.remove(d .. "/dir")`),
  );
});

describe('os.execute', () => {
  same(
    "returns system()'s wait status: the exit status times 256, a signal's number, 1 with no command",
    `print(os.execute("exit 3"), os.execute("true"), os.execute("exit 255"), os.execute("kill -9 $$"), os.execute("kill -TERM $$"), os.execute())`,
  );
  same('a command the shell cannot find is exit status 127', 'print(os.execute("/nonexistent/command 2>/dev/null"))');
  same('so the usual 5.1 test of success works', 'if os.execute("true") == 0 then print("ok") end');
});

describe('io.open', () => {
  same(
    'a failure is nil, "name: strerror", errno',
    snippet(`
      os.execute("mkdir " .. d .. "/dir")
      mkfile("f", "x")
      print(io.open(d .. "/missing"))
      print(io.open(d .. "/missing/x", "w"))
      print(io.open(d .. "/f/x"))
      print(io.open(d .. "/dir", "w"))
      os.remove(d .. "/f") os.remove(d .. "/dir")`),
  );
  same(
    "reads the mode as glibc's fopen: the first character decides, '+' and 'x' count, the rest is ignored",
    snippet(`
      mkfile("f", "abc")
      for _, mode in ipairs({ "rw", "r+b", "rb+", "rwx", "r   +", "rxyzab+", "x", "", "+r", "wx" }) do
        local f, e, n = io.open(d .. "/f", mode)
        print(mode, io.type(f), e, n, f and f:write("") and "writable" or "read-only")
        if f then f:close() end
      end
      os.remove(d .. "/f")`),
  );
  same(
    '"a+" reads from the start and writes at the end',
    snippet(`
      mkfile("f", "abc")
      local f = io.open(d .. "/f", "a+")
      print(f:seek("cur"), f:read("*a"), f:write("de"), f:seek("set"), f:read("*a"))
      f:close() os.remove(d .. "/f")`),
  );
  same(
    'reading a directory is nil, strerror, errno for read and an error for lines',
    snippet(`
      for _, format in ipairs({ "*l", "*a", "*n", 5, 0 }) do print(format, io.open(d):read(format)) end
      print(pcall(function() for l in io.open(d):lines() do end end))
      print(pcall(function() for l in io.lines(d) do end end))`),
  );
  same(
    'reading a write-only file or writing a read-only one: Bad file descriptor',
    snippet(`
      mkfile("f", "abc")
      print(io.open(d .. "/f", "a"):read("*a"))
      print(io.open(d .. "/f"):write("x"))
      print(io.open(d .. "/f"):seek("set", -1))
      os.remove(d .. "/f")`),
  );
  same(
    'io.lines, io.input and io.output with a name that cannot be opened are bad arguments',
    snippet(`
      print(pcall(io.lines, d .. "/missing"))
      print(pcall(io.input, d .. "/missing"))
      print(pcall(io.output, d .. "/missing/x"))`),
  );
});

describe('io.lines', () => {
  same(
    'with no argument, iterates the default input',
    snippet(`
      mkfile("f", "one\\n\\nthree")
      io.input(d .. "/f")
      for line in io.lines() do print("[" .. line .. "]") end
      print(io.read(), io.type(io.input()))
      os.remove(d .. "/f")`),
  );
  same('io.lines(nil) is a bad argument #1, as 5.1 checks the first argument', 'print(pcall(io.lines, nil))');
});
