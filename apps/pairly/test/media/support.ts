// Test support for media: a test app with small upload caps (so "too large" needs kilobytes, not
// megabytes) and a token that outlives the signed URLs (tests step the fake clock past their expiry),
// the calls a client makes (upload raw bytes, list, delete, follow a signed URL), what is on disk
// (blobs on disk or in the S3 bucket, and upload temp files) and in the table, and the media service
// over the app's database, as other modules call it. Sample files come from the storage suite's samples (real bytes).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createBlobStore, createLogger } from '@app/platform';
import { listBucketKeys, type TestAppOptions } from '@app/platform/testing';
import type { MediaOptionsInput } from '../../src/modules/media/options.js';
import { createMedia, type Media } from '../../src/modules/media/service.js';
import {
  buildPairlyTestApp,
  type PairlyTestApp,
  type Response,
  type TestUser,
} from '../support/pairly-client.js';

export * from '../../../../packages/platform/test/storage/media-samples.js';

export const KB = 1024;

/** Caps used by the tests: 64 KB images, 48 KB video, 32 KB audio. */
export const TEST_CAPS = { image: 64 * KB, video: 48 * KB, audio: 32 * KB };

export function buildMediaTestApp(
  media: MediaOptionsInput = {},
  testOptions: TestAppOptions = {},
): Promise<PairlyTestApp> {
  return buildPairlyTestApp(
    { media: { maxBytes: TEST_CAPS, ...media } },
    { ...testOptions, env: { ACCESS_TOKEN_TTL_SECONDS: '1800', ...testOptions.env } },
  );
}

export function upload(
  t: PairlyTestApp,
  user: TestUser,
  bytes: Buffer,
  contentType = 'application/octet-stream',
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: '/media',
    headers: { ...user.headers, 'content-type': contentType },
    payload: bytes,
  });
}

/** Follows a signed URL (a path) without any token, as <img src> does. */
export function download(
  t: PairlyTestApp,
  url: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return t.app.inject({ method: 'GET', url, headers });
}

export const listMedia = (t: PairlyTestApp, user: TestUser, query = '') =>
  t.app.inject({ method: 'GET', url: `/media${query}`, headers: user.headers });

export const deleteMedia = (t: PairlyTestApp, user: TestUser, id: string) =>
  t.app.inject({ method: 'DELETE', url: `/media/${id}`, headers: user.headers });

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** The objects in the app's S3 bucket (`s3://bucket/key`), listed through the S3 API; [] without S3. */
async function bucketObjects(t: PairlyTestApp): Promise<string[]> {
  const s3 = t.config.storage.s3;
  return s3 ? (await listBucketKeys(s3)).map((key) => `s3://${s3.bucket}/${key}`) : [];
}

/** Every file the app keeps for uploads: stored blobs (on disk or in the bucket) and upload temp files. */
export async function storedFiles(t: PairlyTestApp): Promise<string[]> {
  const { dataDir } = t.config;
  return [
    ...(await filesUnder(join(dataDir, 'blobs'))),
    ...(await bucketObjects(t)),
    ...(await filesUnder(join(dataDir, 'uploads'))),
  ];
}

export async function mediaRows(t: PairlyTestApp, ownerId: string) {
  const { rows } = await t.db.executeSql('select id, deleted_at from media_objects where owner_id = $1', [
    ownerId,
  ]);
  return rows as { id: string; deleted_at: Date | null }[];
}

/** The media service over the app's database and blob store, as other modules call it. */
export function mediaService(t: PairlyTestApp, media: MediaOptionsInput = {}): Media {
  return createMedia({
    db: t.db,
    clock: t.clock,
    logger: createLogger({ level: 'silent', service: 'media-test' }).logger,
    config: t.config,
    options: { media },
    blobs: createBlobStore(t.config),
  });
}
