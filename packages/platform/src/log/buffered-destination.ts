// Owns writing log lines to a file descriptor in batches, as production stdout does: a line costs a
// string append, and once about minLength characters are pending they leave in one asynchronous
// write. It replaces sonic-boom here because sonic-boom's write() measures the byte length of the
// whole pending chunk (up to 16 KB, flattening it) again on every line; this keeps a running count.
// It depends on node:fs alone, so an upgrade of pino or sonic-boom cannot bring that cost back, and
// pino asks of a destination only write(), flush(callback) and flushSync(), which
// test/log/buffered-destination.test.ts pins. A sink that stops draining cannot grow memory without
// bound (past maxLength pending, lines are dropped), a full pipe (EAGAIN) is retried, a sink that
// fails drops its lines with one note on stderr instead of failing the app, a quiet process still
// writes its last lines within a second, and whatever is pending at exit is written synchronously.
import { write, writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

export interface BufferedDestinationOptions {
  fd: number;
  /** Pending characters that start a write; default 4096. */
  minLength?: number;
  /** Pending characters past which lines are dropped; default 16 MiB. */
  maxLength?: number;
}

export interface BufferedDestination extends DestinationStream {
  /** Writes what is pending; calls back once everything written so far has left. */
  flush(callback?: (error?: Error) => void): void;
  /** Writes what is pending before returning (at exit). */
  flushSync(): void;
}

const RETRY_MS = 10;
const IDLE_FLUSH_MS = 1000;
const pendingAtExit = new Set<BufferedDestination>();

export function createBufferedDestination(options: BufferedDestinationOptions): BufferedDestination {
  const { fd, minLength = 4096, maxLength = 16 * 1024 * 1024 } = options;
  // Concatenation builds a rope; it is flattened once, when it is written.
  let pending = '';
  let writingLength = 0;
  let failed = false;
  let waiting: ((error?: Error) => void)[] = [];
  let idleFlush: NodeJS.Timeout | undefined;

  function settle(): void {
    const callbacks = waiting;
    waiting = [];
    for (const callback of callbacks) callback();
  }

  function report(error: Error): void {
    if (failed) return;
    failed = true;
    try {
      writeSync(2, `log destination fd ${fd} failed (${error.message}): log lines are dropped\n`);
    } catch {}
  }

  function send(chunk: Buffer): void {
    writingLength = chunk.length;
    write(fd, chunk, 0, chunk.length, null, (error, written) => {
      if (error && (error as NodeJS.ErrnoException).code === 'EAGAIN') {
        setTimeout(() => send(chunk), RETRY_MS);
        return;
      }
      if (error) report(error);
      else if (written < chunk.length) return send(chunk.subarray(written));
      writingLength = 0;
      if (pending.length >= minLength || (waiting.length > 0 && pending.length > 0)) start();
      else if (pending.length === 0) settle();
    });
  }

  function start(): void {
    clearTimeout(idleFlush);
    idleFlush = undefined;
    const chunk = Buffer.from(pending);
    pending = '';
    send(chunk);
  }

  function flushWhenIdle(): void {
    idleFlush = undefined;
    destination.flush();
  }

  const destination: BufferedDestination = {
    write(line: string) {
      if (pending.length + writingLength + line.length > maxLength) return;
      pending += line;
      if (writingLength === 0 && pending.length >= minLength) start();
      else idleFlush ??= setTimeout(flushWhenIdle, IDLE_FLUSH_MS).unref();
    },
    flush(callback = () => undefined) {
      waiting.push(callback);
      if (writingLength > 0) return;
      if (pending.length > 0) start();
      else settle();
    },
    flushSync() {
      let chunk = Buffer.from(pending);
      pending = '';
      for (let attempt = 0; chunk.length > 0 && attempt < 100; attempt++) {
        try {
          chunk = chunk.subarray(writeSync(fd, chunk));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return report(error as Error);
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
        }
      }
    },
  };
  if (pendingAtExit.size === 0) {
    process.once('exit', () => {
      for (const open of pendingAtExit) open.flushSync();
    });
  }
  pendingAtExit.add(destination);
  return destination;
}
