// Item 18: in development every log line reaches stdout as soon as it is written (production keeps
// the 4 KB buffer), readable when stdout is a terminal, and still redacted. Stdout is stood in for
// by a file descriptor, read back without any flush.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, stdoutModeFor } from '../../src/log/index.js';
import { formatPrettyLine } from '../../src/log/pretty.js';

let dir: string;
let file: string;
let fd: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dev-log-'));
  file = join(dir, 'stdout');
  fd = openSync(file, 'a');
});
afterEach(() => {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

describe('development log output', () => {
  it('item 18: chooses line-by-line output outside production and the buffer in production', () => {
    expect(stdoutModeFor('development', false)).toBe('immediate');
    expect(stdoutModeFor('test', false)).toBe('immediate');
    expect(stdoutModeFor('development', true)).toBe('pretty');
    expect(stdoutModeFor('production', true)).toBe('buffered');
    expect(stdoutModeFor('production', false)).toBe('buffered');
  });

  it('item 18: a development logger has written the line before any flush', () => {
    const { logger } = createLogger({ level: 'info', service: 'svc', stdout: 'immediate', fd });
    logger.warn({ event: 'config_warning' }, 'generated development secrets');
    const line = JSON.parse(readFileSync(file, 'utf8').trim());
    expect(line).toMatchObject({ level: 'warn', service: 'svc', msg: 'generated development secrets' });
  });

  it('item 18: the production logger still buffers small lines until flushed', async () => {
    const { logger, flush } = createLogger({ level: 'info', service: 'svc', stdout: 'buffered', fd });
    logger.info('buffered line');
    expect(readFileSync(file, 'utf8')).toBe('');
    await flush();
    expect(readFileSync(file, 'utf8')).toContain('buffered line');
  });

  it('item 18: on a terminal lines are readable text, written at once and still redacted', () => {
    const { logger } = createLogger({ level: 'info', service: 'hiring', stdout: 'pretty', fd });
    logger.info({ event: 'signed_in', password: 'hunter2-secret' }, 'signed in with Bearer abc.def.ghi');
    logger.error({ err: new Error('boom') }, 'request failed');
    const text = readFileSync(file, 'utf8');
    const [first, second] = text.split('\n');
    expect(first).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}hiring: signed in with /);
    expect(first).toContain('"event":"signed_in"');
    expect(second).toMatch(/ERROR hiring: request failed/);
    expect(text).toContain('Error: boom');
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('abc.def.ghi');
  });

  it('item 18: a line that is not JSON is printed as it came', () => {
    expect(formatPrettyLine('plain text', false)).toBe('plain text\n');
  });
});
