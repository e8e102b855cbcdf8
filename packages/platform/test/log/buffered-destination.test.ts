// The production stdout destination keeps what pino asks of one and what operators rely on: lines
// leave in order and whole, in batches once enough are pending, flush(callback) and flushSync() write
// everything pending, a quiet process still writes its last lines, a sink that stops draining cannot
// grow memory past its cap, a sink that fails costs lines but never the app, lines pending when the
// process exits are written, a slow reader loses none, and a logger on it writes the same lines as on
// any other destination.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBufferedDestination } from '../../src/log/buffered-destination.js';
import { createLogger } from '../../src/log/index.js';

const directories: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A file to write to, and what it holds so far. */
function sink() {
  const directory = mkdtempSync(join(tmpdir(), 'buffered-destination-'));
  directories.push(directory);
  const path = join(directory, 'out.log');
  const fd = openSync(path, 'w');
  return { fd, read: () => readFileSync(path, 'utf8'), close: () => closeSync(fd) };
}

const flushed = (destination: { flush(callback: () => void): void }) =>
  new Promise<void>((resolve) => destination.flush(resolve));

describe('buffered log destination', () => {
  it('holds lines until enough are pending, then writes them in order', async () => {
    const file = sink();
    const destination = createBufferedDestination({ fd: file.fd, minLength: 100 });
    destination.write(`${'a'.repeat(40)}\n`);
    destination.write(`${'b'.repeat(40)}\n`);
    expect(file.read()).toBe('');
    destination.write(`${'c'.repeat(40)}\n`);
    await flushed(destination);
    expect(file.read()).toBe(`${'a'.repeat(40)}\n${'b'.repeat(40)}\n${'c'.repeat(40)}\n`);
    file.close();
  });

  it('writes every line of a long burst exactly once and in order, multi-byte text included', async () => {
    const file = sink();
    const destination = createBufferedDestination({ fd: file.fd });
    const lines = Array.from({ length: 20_000 }, (_, index) => `{"n":${index},"text":"résumé ✓ ${index}"}\n`);
    for (const line of lines) destination.write(line);
    await flushed(destination);
    expect(file.read()).toBe(lines.join(''));
    file.close();
  });

  it('flushSync() writes what is pending before it returns', () => {
    const file = sink();
    const destination = createBufferedDestination({ fd: file.fd });
    destination.write('pending at exit\n');
    destination.flushSync();
    expect(file.read()).toBe('pending at exit\n');
    file.close();
  });

  it('writes the last lines of a quiet process within a second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const file = sink();
    const destination = createBufferedDestination({ fd: file.fd });
    destination.write('last words\n');
    await vi.advanceTimersByTimeAsync(1_000);
    await flushed(destination);
    expect(file.read()).toBe('last words\n');
    file.close();
  });

  it('drops lines past its cap instead of growing without bound', async () => {
    const file = sink();
    const destination = createBufferedDestination({ fd: file.fd, minLength: 1_000, maxLength: 100 });
    for (let index = 0; index < 10; index++) destination.write(`${String(index).repeat(19)}\n`);
    await flushed(destination);
    expect(file.read()).toBe(['0', '1', '2', '3', '4'].map((digit) => `${digit.repeat(19)}\n`).join(''));
    file.close();
  });

  it('gives a logger the same lines as any other destination, and its flush waits for them', async () => {
    const file = sink();
    const { logger, flush } = createLogger({
      level: 'info',
      service: 'svc',
      fd: file.fd,
      stdout: 'buffered',
    });
    logger.info({ event: 'one' }, 'first');
    logger.warn({ token: 'secret-value' }, 'second');
    await flush();
    const lines = file
      .read()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toMatchObject([
      { level: 'info', service: 'svc', event: 'one', msg: 'first' },
      { level: 'warn', service: 'svc', token: '[REDACTED]', msg: 'second' },
    ]);
    file.close();
  });

  it('drops the lines of a sink that fails, still calls back and never throws', async () => {
    const file = sink();
    writeFileSync(join(directories.at(-1) as string, 'read-only.log'), '');
    const readOnly = openSync(join(directories.at(-1) as string, 'read-only.log'), 'r');
    const destination = createBufferedDestination({ fd: readOnly, minLength: 10 });
    for (let index = 0; index < 5; index++) destination.write(`line ${index} that is long enough\n`);
    await flushed(destination);
    expect(() => destination.flushSync()).not.toThrow();
    closeSync(readOnly);
    file.close();
  });

  it('writes every line to a reader that drains slowly, those pending at exit included', async () => {
    const module = fileURLToPath(new URL('../../src/log/buffered-destination.ts', import.meta.url));
    const script = [
      `import { createBufferedDestination } from ${JSON.stringify(module)};`,
      'const destination = createBufferedDestination({ fd: 1 });',
      "for (let index = 0; index < 20000; index++) destination.write('line ' + index + '\\n');",
      // Below minLength: only the exit flush writes it.
      "destination.write('last\\n');",
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Read nothing at first, so the pipe fills up.
    child.stdout.pause();
    const exited = new Promise((resolve) => child.on('close', resolve));
    setTimeout(() => child.stdout.resume(), 300);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
    });
    expect(await exited).toBe(0);
    const expected = `${Array.from({ length: 20000 }, (_, index) => `line ${index}\n`).join('')}last\n`;
    expect(output).toBe(expected);
  }, 60_000);
});
