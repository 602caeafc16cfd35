/**
 * getStatus figures, read where the kernel keeps them, as MWServer reads
 * /proc/self/stat: Scribunto's tests compare vsize with `ps`.
 */
import fs from 'node:fs';

export interface ProcessStatus {
  pid: number;
  /** User and system CPU time of this process and its waited-for children, in clock ticks (100 per second). */
  time: number;
  /** Virtual memory size in bytes. */
  vsize: number;
  /** Resident set size in bytes. */
  rss: number;
}

/** The status, or null where /proc is not available (PHP then reports no figures). */
export function readStatus(): ProcessStatus | null {
  let stat: string;
  try {
    stat = fs.readFileSync('/proc/self/stat', 'latin1');
  } catch {
    return null;
  }
  // The command name in field 2 may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (n: number): number => Number(fields[n - 3]);
  if (fields.length < 21) return null;
  return {
    pid: process.pid,
    time: field(14) + field(15) + field(16) + field(17),
    vsize: field(23),
    rss: process.memoryUsage.rss(),
  };
}
