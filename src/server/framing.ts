/**
 * Blocking message I/O on the pipes PHP gives us. The protocol is a call
 * stack shared by two processes and Lua calls PHP synchronously, so reads and
 * writes block on the file descriptors instead of going through the event loop.
 */
import fs from 'node:fs';

const HEADER_SIZE = 16;
const READ_CHUNK = 65536;
const HEX8 = /^[0-9a-fA-F]{8}$/;

/** A framing or decoding failure: the conversation with PHP cannot go on. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Where a channel's bytes come from and go to, read and written as on blocking pipes. */
export interface ByteStreams {
  /** Reads at most `length` bytes into `buffer` at `offset` and says how many; 0 at end of input. */
  read(buffer: Buffer, offset: number, length: number): number;
  /** Writes some of the `length` bytes at `offset` of `data` and says how many. */
  write(data: Buffer, offset: number, length: number): number;
}

/** The pipes PHP gives the interpreter, on file descriptors. */
export function fileDescriptorStreams(inFd: number, outFd: number): ByteStreams {
  return {
    read: (buffer, offset, length) => retryOnAgain(() => fs.readSync(inFd, buffer, offset, length, null)),
    write: (data, offset, length) => retryOnAgain(() => fs.writeSync(outFd, data, offset, length)),
  };
}

export class MessageChannel {
  private buffer = Buffer.alloc(READ_CHUNK);
  private start = 0;
  private end = 0;

  constructor(private readonly streams: ByteStreams) {}

  /** The next message body, or null at a clean end of input (EOF before a header). */
  read(): Uint8Array | null {
    if (!this.fill(HEADER_SIZE)) {
      if (this.end === this.start) return null;
      throw new ProtocolError('Read error: end of input inside a message header');
    }
    const header = this.buffer.toString('latin1', this.start, this.start + HEADER_SIZE);
    const lengthHex = header.slice(0, 8);
    const checkHex = header.slice(8);
    if (!HEX8.test(lengthHex) || !HEX8.test(checkHex)) {
      throw new ProtocolError(`Error decoding message header: ${JSON.stringify(lengthHex)}/${JSON.stringify(checkHex)}`);
    }
    const length = parseInt(lengthHex, 16);
    if (length * 2 - 1 !== parseInt(checkHex, 16)) {
      throw new ProtocolError(`Error decoding message header: check value ${checkHex} does not match length ${lengthHex}`);
    }
    this.start += HEADER_SIZE;
    if (!this.fill(length)) {
      throw new ProtocolError(`Read error: end of input after ${this.end - this.start} of ${length} body bytes`);
    }
    const body = this.buffer.subarray(this.start, this.start + length);
    this.start += length;
    return body;
  }

  /** Sends one framed message. */
  write(body: Uint8Array): void {
    const length = body.length;
    const header = Buffer.from(
      length.toString(16).padStart(8, '0') + (length * 2 - 1).toString(16).padStart(8, '0'),
      'latin1',
    );
    this.writeAll(Buffer.concat([header, body]));
  }

  /** Ensures `count` unread bytes are buffered; false at end of input. */
  private fill(count: number): boolean {
    if (this.end - this.start >= count) return true;
    if (this.buffer.length - this.start < count) {
      const bigger = Buffer.alloc(Math.max(count, READ_CHUNK));
      this.buffer.copy(bigger, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      this.buffer = bigger;
    }
    while (this.end - this.start < count) {
      const got = this.streams.read(this.buffer, this.end, this.buffer.length - this.end);
      if (got === 0) return false;
      this.end += got;
    }
    return true;
  }

  private writeAll(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) {
      offset += this.streams.write(data, offset, data.length - offset);
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** A pipe left non-blocking by whoever opened it answers EAGAIN: wait a moment and try again. */
function retryOnAgain(io: () => number): number {
  for (;;) {
    try {
      return io();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
