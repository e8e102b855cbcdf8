// Owns the process logger: pino writing JSON lines (ISO time, level label, service, and the
// request id of the active request context) to a given stream, a size-rotated file or stdout.
// Every object, child binding and message passes through redaction first, and flushing never
// waits more than a second on a stalled sink. Stdout is buffered in production (a synchronous
// write per request halves throughput, see docs/benchmarks.md; buffered-destination.ts) and
// written line by line in development, as readable text when it is a terminal. The access line
// of every request bypasses pino for the same destination (access-log.ts).
import type { Writable } from 'node:stream';
import pino, { type DestinationStream, type LogFn, type Logger as PinoLogger } from 'pino';
import { createBufferedDestination } from './buffered-destination.js';
import { prettyDestination } from './pretty.js';
import { redact, scrubSecrets } from './redaction.js';
import { currentRequestContext } from './request-context.js';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level: string;
  service: string;
  /** Write to this file, rotated at 100 MB with 5 old files kept, instead of stdout. */
  file?: string;
  /** Write to this stream instead (tests capture lines this way). */
  destination?: Writable;
  /**
   * How stdout lines are written: `buffered` JSON in 4 KB chunks (production, the default),
   * `immediate` JSON line by line, or `pretty` readable text line by line (a terminal).
   */
  stdout?: StdoutMode;
  /** File descriptor standing for stdout; default 1. */
  fd?: number;
}

export type StdoutMode = 'buffered' | 'immediate' | 'pretty';

/** Production buffers; development writes every line at once, readable on a terminal. */
export function stdoutModeFor(environment: string, isTerminal: boolean): StdoutMode {
  if (environment === 'production') return 'buffered';
  return isTerminal ? 'pretty' : 'immediate';
}

const FLUSH_TIMEOUT_MS = 1000;
// A stalled stdout must not grow the buffer without bound: past this, lines are dropped.
const STDOUT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;

export function createLogger(options: LoggerOptions): { logger: Logger; flush: () => Promise<void> } {
  const logger = pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redact(object),
      },
      serializers: {
        // Redaction runs before serializers and has already turned errors at any depth into
        // plain objects; pino's own err serializer would re-read them as errors of type "Object".
        err: (value: unknown) => value,
        // The final message, whether passed, interpolated or taken from an error's message.
        msg: (value: unknown) => (typeof value === 'string' ? scrubSecrets(value) : value),
      },
      hooks: { logMethod: redactInterpolatedObjects },
      mixin: () => {
        const context = currentRequestContext();
        return context ? { requestId: context.requestId } : {};
      },
    },
    destinationFor(options),
  );
  redactChildBindings(logger);
  return { logger, flush: () => flushWithin(logger, FLUSH_TIMEOUT_MS) };
}

function destinationFor(options: LoggerOptions): DestinationStream {
  if (options.destination) return options.destination;
  if (options.file) {
    return pino.transport({
      target: 'pino-roll',
      options: { file: options.file, size: '100m', limit: { count: 5 }, mkdir: true },
    });
  }
  const fd = options.fd ?? 1;
  switch (options.stdout ?? 'buffered') {
    case 'pretty':
      return prettyDestination(fd);
    case 'immediate':
      return pino.destination({ dest: fd, sync: true });
    case 'buffered':
      return createBufferedDestination({ fd, minLength: 4096, maxLength: STDOUT_MAX_BUFFER_BYTES });
  }
}

// pino applies formatters.bindings to the root's base only and takes a child's bindings verbatim,
// so bindings are redacted on their way in. Children inherit these methods from the root.
function redactChildBindings(logger: Logger): void {
  const child = logger.child;
  const setBindings = logger.setBindings;
  logger.child = function redactedChild(this: Logger, bindings, options) {
    return child.call(this, redact(bindings), options);
  } as Logger['child'];
  logger.setBindings = function redactedSetBindings(this: Logger, bindings) {
    setBindings.call(this, redact(bindings));
  };
}

// `logger.info('payload %j', object)` stringifies the object into the message, where key names
// can no longer be recognised, so such objects are redacted first. Strings need nothing here: the
// finished message is scrubbed by the msg serializer.
function redactInterpolatedObjects(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const values: unknown[] = args;
  for (let index = typeof values[0] === 'string' ? 1 : 2; index < values.length; index++) {
    if (typeof values[index] === 'object') values[index] = redact(values[index]);
  }
  method.apply(this, args);
}

function flushWithin(logger: Logger, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, timeoutMs).unref();
    logger.flush(() => resolve());
  });
}
