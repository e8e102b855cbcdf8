// Choosing the storage backend from configuration: files under the app's data directory by default,
// the S3-compatible bucket when STORAGE_S3_BUCKET is set, and a bad storage setting stops the start
// naming the variable.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createBlobStore } from '../../src/storage/index.js';
import { type LocalS3, startLocalS3 } from '../../src/testing/index.js';

let dataDir = '';
let s3: LocalS3;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'storage-config-'));
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const load = (env: Record<string, string>) =>
  loadConfig({ appName: 'pairly', defaultPort: 3002, env: { NODE_ENV: 'test', DATA_DIR: dataDir, ...env } });

function problemsOf(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('storage configuration', () => {
  it('stores files under <DATA_DIR>/<app>/blobs when no bucket is configured', async () => {
    const config = load({});
    expect(config.storage.s3).toBeUndefined();
    const store = createBlobStore(config);
    expect(store.backend).toBe('filesystem');
    await store.put('media/one', Buffer.from('bytes'), { contentType: 'image/png', byteSize: 5 });
    expect(await readdir(join(dataDir, 'pairly', 'blobs', 'media'))).toEqual(['one']);
  });

  it('stores in the S3-compatible bucket when STORAGE_S3_BUCKET is set, app-prefixed settings winning', async () => {
    const config = load({
      STORAGE_S3_BUCKET: 'wrong-bucket',
      PAIRLY_STORAGE_S3_BUCKET: s3.bucket,
      STORAGE_S3_ENDPOINT: s3.endpoint,
      STORAGE_S3_ACCESS_KEY_ID: s3.accessKeyId,
      STORAGE_S3_SECRET: s3.secretAccessKey,
      STORAGE_S3_FORCE_PATH_STYLE: 'true',
    });
    expect(config.storage.s3).toEqual({
      bucket: s3.bucket,
      region: 'us-east-1',
      endpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
    });
    // The local server's fixed secret is weak: outside production that is a warning.
    expect(config.warnings).toContain(
      'STORAGE_S3_SECRET is shorter than 32 bytes; it would be refused in production',
    );
    const store = createBlobStore(config);
    expect(store.backend).toBe('s3');
    await store.put('media/two', Readable.from([Buffer.from('in the bucket')]), {
      contentType: 'video/mp4',
      byteSize: 13,
    });
    expect(await text((await store.get('media/two'))?.body as Readable)).toBe('in the bucket');
  });

  it('refuses bad storage values at start-up, naming each variable', () => {
    const problems = problemsOf({
      STORAGE_S3_BUCKET: 'Not_A_Bucket',
      STORAGE_S3_REGION: 'EU West',
      STORAGE_S3_ENDPOINT: 'ftp://files.example.com',
      STORAGE_S3_FORCE_PATH_STYLE: 'sometimes',
    }).join('\n');
    expect(problems).toMatch(/STORAGE_S3_BUCKET is "Not_A_Bucket"/);
    expect(problems).toMatch(/STORAGE_S3_REGION is "EU West"/);
    expect(problems).toMatch(/STORAGE_S3_ENDPOINT is "ftp:\/\/files.example.com"/);
    expect(problems).toMatch(/STORAGE_S3_FORCE_PATH_STYLE is "sometimes"/);
  });

  it('refuses an access key id without its secret, and S3 settings without a bucket', () => {
    expect(problemsOf({ STORAGE_S3_BUCKET: 'media', STORAGE_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE' })).toEqual([
      'STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET go together: set both, or neither',
    ]);
    expect(problemsOf({ STORAGE_S3_ENDPOINT: 'https://r2.example.com' })).toEqual([
      'STORAGE_S3_ENDPOINT set without STORAGE_S3_BUCKET: files would silently stay on disk',
    ]);
  });

  it('refuses a weak S3 secret in production, like every secret', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      STORAGE_S3_BUCKET: 'media',
      STORAGE_S3_ACCESS_KEY_ID: 'minioadmin',
      STORAGE_S3_SECRET: 'minioadmin',
    });
    expect(problems).toContain('STORAGE_S3_SECRET is shorter than 32 bytes');
  });
});
