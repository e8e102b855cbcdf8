// Owns the filesystem BlobStore, the embedded default. Each object is one file: a JSON line with its
// content type and size, then the bytes. A put streams into a temp file under `.tmp/` in the same
// directory and renames it into place, so readers see the old object or the new one, never a part;
// a get opens the file once and streams from that handle, so a concurrent overwrite cannot mix them.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, assertRange, type BlobMeta, type BlobStore } from './blob-store.js';

const MAX_HEADER_BYTES = 1024;

/** The directory (inside the store's) where puts are written before being renamed into place. */
export const FS_TEMP_DIR = '.tmp';

function sizeMismatch(key: string, expected: number, actual: string): Error {
  return new Error(`blob ${key}: body is ${actual} bytes, meta says ${expected}`);
}

/** Passes the bytes through, failing when they are not exactly `expected` long. */
function exactLength(key: string, expected: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > expected ? sizeMismatch(key, expected, `over ${expected}`) : null, chunk);
    },
    flush(done) {
      done(seen === expected ? null : sizeMismatch(key, expected, String(seen)));
    },
  });
}

export function createFsBlobStore(directory: string): BlobStore {
  const pathOf = (key: string) => {
    assertBlobKey(key);
    return join(directory, key);
  };

  async function put(key: string, body: Readable | Buffer, meta: BlobMeta): Promise<void> {
    const target = pathOf(key);
    const temp = join(directory, FS_TEMP_DIR, randomUUID());
    await mkdir(dirname(temp), { recursive: true });
    const header = `${JSON.stringify({ contentType: meta.contentType, byteSize: meta.byteSize })}\n`;
    try {
      const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
      await pipeline(
        source,
        exactLength(key, meta.byteSize),
        async function* (chunks: AsyncIterable<Buffer>) {
          yield Buffer.from(header);
          yield* chunks;
        },
        createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
      );
      await mkdir(dirname(target), { recursive: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async function get(key: string, range?: { start: number; end: number }) {
    assertRange(range);
    const file = await open(pathOf(key), 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (!file) return null;
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(MAX_HEADER_BYTES), 0, MAX_HEADER_BYTES, 0);
      const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (newline < 0) throw new Error(`blob ${key}: no header`);
      const meta = JSON.parse(buffer.toString('utf8', 0, newline)) as BlobMeta;
      const offset = newline + 1;
      if (range && range.start >= meta.byteSize)
        throw new RangeError(`range starts past the end of blob ${key}`);
      const start = offset + (range?.start ?? 0);
      const end = offset + Math.min(range?.end ?? meta.byteSize - 1, meta.byteSize - 1);
      // An empty object has nothing to read (end < start); createReadStream would read the header.
      const body = end < start ? Readable.from([]) : file.createReadStream({ start, end });
      if (end < start) await file.close();
      return { body, byteSize: meta.byteSize, contentType: meta.contentType };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async function remove(key: string): Promise<void> {
    await rm(pathOf(key), { force: true });
  }

  return { backend: 'filesystem', put, get, delete: remove };
}
