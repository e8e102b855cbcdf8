// Owns the readable form of log lines for a developer's terminal: `12:00:01.234 INFO  hiring:
// message {other fields}`, written synchronously line by line. It receives pino's finished JSON,
// so redaction has already happened. Written here rather than adding pino-pretty: one small
// function, no worker thread, and nothing extra to install for production.
import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

const LEVEL_COLOURS: Record<string, string> = {
  trace: '90',
  debug: '36',
  info: '32',
  warn: '33',
  error: '31',
  fatal: '35',
};
// Fields every line has, shown in the line's prefix instead of its tail.
const SHOWN_IN_PREFIX = new Set(['time', 'level', 'service', 'msg', 'err']);

export function formatPrettyLine(json: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '');
  const label = level.toUpperCase().padEnd(5);
  const shownLevel =
    colour && LEVEL_COLOURS[level] ? `\u001b[${LEVEL_COLOURS[level]}m${label}\u001b[0m` : label;
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !SHOWN_IN_PREFIX.has(key)));
  const tail = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  const err = entry.err as { stack?: unknown; message?: unknown } | undefined;
  const error = err ? `\n    ${String(err.stack ?? err.message ?? JSON.stringify(err))}` : '';
  return `${time} ${shownLevel} ${String(entry.service ?? '')}: ${String(entry.msg ?? '')}${tail}${error}\n`;
}

/** A pino destination that prints each line readably on the given descriptor as soon as it is written. */
export function prettyDestination(fd: number, colour = fd === 1 && process.stdout.isTTY === true) {
  const destination: DestinationStream = {
    write(line: string) {
      writeSync(fd, formatPrettyLine(line, colour));
    },
  };
  return destination;
}
