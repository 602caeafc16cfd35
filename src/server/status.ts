/**
 * getStatus figures. PHP asks for them after every parse, so they come from
 * the cheap sources: CPU time from getrusage, memory from /proc/self/statm
 * (reading /proc/self/stat walks every thread of the process and costs a Node
 * process tens of milliseconds).
 */
import fs from 'node:fs';

/** Clock ticks per second, as Scribunto reads `time` (CLK_TCK on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;
/** /proc/self/statm counts pages; 4 KiB on the x86-64 and arm64 kernels Debian ships. */
const PAGE_SIZE = 4096;

export interface ProcessStatus {
  pid: number;
  /** User and system CPU time in clock ticks. */
  time: number;
  /** Virtual memory size in bytes, which Scribunto's tests compare with `ps`. */
  vsize: number;
  /** Resident set size in bytes. */
  rss: number;
}

/**
 * The status, or null where /proc is not available (PHP then reports no
 * figures). The CPU time counts from `cpuMicrosAtStart`, the session's start
 * (0 in direct mode, where the process is the session).
 */
export function readStatus(cpuMicrosAtStart: number): ProcessStatus | null {
  let statm: string;
  try {
    statm = fs.readFileSync('/proc/self/statm', 'latin1');
  } catch {
    return null;
  }
  const [sizePages, residentPages] = statm.split(' ').map(Number);
  if (!Number.isFinite(sizePages) || !Number.isFinite(residentPages)) return null;
  const usage = process.resourceUsage();
  return {
    pid: process.pid,
    time: Math.floor(((usage.userCPUTime + usage.systemCPUTime - cpuMicrosAtStart) * CLOCK_TICKS_PER_SECOND) / 1e6),
    vsize: sizePages! * PAGE_SIZE,
    rss: residentPages! * PAGE_SIZE,
  };
}
