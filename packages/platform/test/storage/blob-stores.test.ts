// Both storage backends keep the same contract: the filesystem store under a temp directory, and
// the S3 store through @aws-sdk/client-s3 against a local S3-compatible server on 127.0.0.1. The
// filesystem store's own promises (atomic replace, no stray temp files) are tested here too.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsBlobStore, createS3BlobStore } from '../../src/storage/index.js';
import { type LocalS3, startLocalS3 } from '../../src/testing/index.js';
import { defineBlobStoreContract } from './blob-store-contract.js';

let directory = '';
let s3: LocalS3;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'blobs-'));
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3?.close();
  await rm(directory, { recursive: true, force: true });
});

defineBlobStoreContract('filesystem', () => createFsBlobStore(directory));
defineBlobStoreContract('s3', () =>
  createS3BlobStore({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  }),
);

describe('filesystem blob store', () => {
  it('says which backend it is', () => {
    expect(createFsBlobStore(directory).backend).toBe('filesystem');
  });

  it('keeps the previous object whole when a replacing upload fails midway, and leaves no temp file', async () => {
    const store = createFsBlobStore(directory);
    await store.put('kept', Buffer.from('original'), { contentType: 'image/png', byteSize: 8 });
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('kept', failing, { contentType: 'image/png', byteSize: 100 })).rejects.toThrow(
      'client went away',
    );
    expect(await text((await store.get('kept'))?.body as Readable)).toBe('original');
    expect(await readdir(join(directory, '.tmp'))).toEqual([]);
  });

  it('refuses a body whose length differs from the declared size and stores nothing', async () => {
    const store = createFsBlobStore(directory);
    await expect(
      store.put('liar', Buffer.from('12345'), { contentType: 'image/png', byteSize: 4 }),
    ).rejects.toThrow(/body is/);
    await expect(
      store.put('liar', Buffer.from('123'), { contentType: 'image/png', byteSize: 4 }),
    ).rejects.toThrow(/body is 3 bytes/);
    expect(await store.get('liar')).toBeNull();
    expect(await readdir(join(directory, '.tmp'))).toEqual([]);
  });
});

describe('s3 blob store', () => {
  it('says which backend it is, and reports an unreachable service as an error', async () => {
    const store = createS3BlobStore({
      bucket: 'absent',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      accessKeyId: 'x',
      secretAccessKey: 'y',
      forcePathStyle: true,
    });
    expect(store.backend).toBe('s3');
    await expect(store.get('anything')).rejects.toThrow();
  });
});
