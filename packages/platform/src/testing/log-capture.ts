// Owns capturing a logger's output in tests: every JSON line written is parsed and kept, so a
// test can assert what was (and was not) logged.
import { Writable } from 'node:stream';

export interface LogCapture {
  stream: Writable;
  /** Parsed log lines, in order. */
  lines: Record<string, unknown>[];
  /** Raw text of everything written, for "never contains" assertions. */
  text(): string;
}

export function captureLogs(): LogCapture {
  const lines: Record<string, unknown>[] = [];
  const chunks: string[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      const text = chunk.toString();
      chunks.push(text);
      pending += text;
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.trim()) lines.push(JSON.parse(line));
        newline = pending.indexOf('\n');
      }
      callback();
    },
  });
  return { stream, lines, text: () => chunks.join('') };
}
