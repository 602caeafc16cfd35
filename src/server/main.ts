/**
 * Server mode in direct mode: one session on the pipes PHP gave this process
 * (fds 0, 1 and 2), which is the session, as the reference interpreter's is.
 */
import fs from 'node:fs';
import { fileDescriptorStreams, MessageChannel } from './framing.js';
import { runSession } from './session.js';

/** Serves the session and returns its exit status. */
export function runServer(args: readonly string[]): number {
  const io = { channel: new MessageChannel(fileDescriptorStreams(0, 1)), stderr: (text: string) => fs.writeSync(2, text) };
  return runSession(args, io, { cpuMicrosAtStart: 0 });
}
