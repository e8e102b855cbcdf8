// The promises every BlobStore keeps, run unchanged against the filesystem and the S3 backends so
// they cannot drift apart: put and get (buffers and streams), byte ranges, overwrite, absent keys,
// delete, and the key alphabet.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/storage/index.js';

async function bytesOf(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function defineBlobStoreContract(name: string, open: () => BlobStore): void {
  describe(`blob store contract (${name})`, () => {
    it('gives back what was put, with its content type and size', async () => {
      const store = open();
      await store.put('media/a.jpg', Buffer.from('hello blob'), { contentType: 'image/jpeg', byteSize: 10 });
      const object = await store.get('media/a.jpg');
      expect(object).not.toBeNull();
      expect(object?.byteSize).toBe(10);
      expect(object?.contentType).toBe('image/jpeg');
      expect(await text(object?.body as Readable)).toBe('hello blob');
    });

    it('streams a large body in and out unchanged', async () => {
      const store = open();
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, index) =>
        bytes.subarray(index * 65_536, (index + 1) * 65_536),
      );
      await store.put('large', Readable.from(chunks), { contentType: 'video/mp4', byteSize: bytes.length });
      const object = await store.get('large');
      expect(object?.byteSize).toBe(bytes.length);
      expect(sha(await bytesOf(object?.body as Readable))).toBe(sha(bytes));
    });

    it('serves byte ranges with inclusive ends, reporting the whole size', async () => {
      const store = open();
      await store.put('ranged', Buffer.from('0123456789'), { contentType: 'audio/mpeg', byteSize: 10 });
      const first = await store.get('ranged', { start: 0, end: 0 });
      expect(first?.byteSize).toBe(10);
      expect(await text(first?.body as Readable)).toBe('0');
      const middle = await store.get('ranged', { start: 3, end: 6 });
      expect(await text(middle?.body as Readable)).toBe('3456');
      const tail = await store.get('ranged', { start: 7, end: 9 });
      expect(await text(tail?.body as Readable)).toBe('789');
    });

    it('clamps a range end past the object, and refuses a range starting past it', async () => {
      const store = open();
      await store.put('short', Buffer.from('abcdef'), { contentType: 'image/png', byteSize: 6 });
      const clamped = await store.get('short', { start: 4, end: 100 });
      expect(clamped?.byteSize).toBe(6);
      expect(await text(clamped?.body as Readable)).toBe('ef');
      await expect(store.get('short', { start: 6, end: 10 })).rejects.toThrow(RangeError);
    });

    it('overwrites an object: bytes, size and content type all replaced', async () => {
      const store = open();
      await store.put('avatar', Buffer.from('first version'), { contentType: 'image/png', byteSize: 13 });
      await store.put('avatar', Buffer.from('second'), { contentType: 'image/webp', byteSize: 6 });
      const object = await store.get('avatar');
      expect(object?.byteSize).toBe(6);
      expect(object?.contentType).toBe('image/webp');
      expect(await text(object?.body as Readable)).toBe('second');
    });

    it('answers null for an absent key, and deletes without error whether present or not', async () => {
      const store = open();
      expect(await store.get('missing/object')).toBeNull();
      await store.put('doomed', Buffer.from('x'), { contentType: 'image/gif', byteSize: 1 });
      await store.delete('doomed');
      expect(await store.get('doomed')).toBeNull();
      await expect(store.delete('doomed')).resolves.toBeUndefined();
      await expect(store.delete('never/was')).resolves.toBeUndefined();
    });

    it('stores an empty object', async () => {
      const store = open();
      await store.put('empty', Buffer.alloc(0), { contentType: 'image/png', byteSize: 0 });
      const object = await store.get('empty');
      expect(object?.byteSize).toBe(0);
      expect((await bytesOf(object?.body as Readable)).length).toBe(0);
    });

    it('refuses keys that climb out, are absolute, hidden or empty', async () => {
      const store = open();
      const meta = { contentType: 'image/png', byteSize: 1 };
      for (const key of [
        '../escape',
        'a/../../b',
        '/etc/passwd',
        '.hidden',
        'a/.tmp/x',
        '',
        'a//b',
        'a\\b',
        'a/',
      ]) {
        await expect(store.put(key, Buffer.from('x'), meta), key).rejects.toThrow(/invalid blob key/);
        await expect(store.get(key), key).rejects.toThrow(/invalid blob key/);
        await expect(store.delete(key), key).rejects.toThrow(/invalid blob key/);
      }
    });
  });
}
