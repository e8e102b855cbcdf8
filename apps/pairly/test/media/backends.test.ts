// The same upload, download (whole and ranged), refusal and delete, once on each storage backend:
// the filesystem under the data directory (the embedded default) and an S3-compatible bucket (a
// local S3 server on 127.0.0.1, configured through the STORAGE_S3_* environment as in production).
import { type LocalS3, startLocalS3 } from '@app/platform/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PairlyTestApp, signUp } from '../support/pairly-client.js';
import {
  buildMediaTestApp,
  deleteMedia,
  download,
  isoMedia,
  mediaRows,
  noiseJpeg,
  storedFiles,
  upload,
  windowsExecutable,
} from './support.js';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => s3?.close());

const backends = {
  filesystem: () => ({}),
  s3: () => ({
    STORAGE_S3_BUCKET: s3.bucket,
    STORAGE_S3_REGION: s3.region,
    STORAGE_S3_ENDPOINT: s3.endpoint,
    STORAGE_S3_ACCESS_KEY_ID: s3.accessKeyId,
    STORAGE_S3_SECRET: s3.secretAccessKey,
    STORAGE_S3_FORCE_PATH_STYLE: 'true',
  }),
};

describe.each(Object.entries(backends))('media on the %s backend', (backend, env) => {
  let t: PairlyTestApp;
  beforeAll(async () => {
    t = await buildMediaTestApp({}, { env: env() });
  });
  afterAll(async () => t?.close());

  it('stores an image without its EXIF and a video as sent, serves both whole and by range, deletes them', async () => {
    const fan = await signUp(t, 'fan');
    const photo = await sharp(await noiseJpeg(64, 48))
      .withExif({
        IFD0: { Make: 'SpyCam' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 2615/100' },
      })
      .jpeg()
      .toBuffer();
    const clip = Buffer.concat([isoMedia('mp42', ['isom', 'mp42']), Buffer.alloc(3000, 9)]);

    const image = await upload(t, fan, photo, 'image/jpeg');
    const video = await upload(t, fan, clip, 'video/mp4');
    expect([image.statusCode, video.statusCode]).toEqual([201, 201]);
    // Where the bytes went: files under the data directory, or none of them (the bucket).
    expect((await storedFiles(t)).length).toBe(backend === 'filesystem' ? 2 : 0);

    const served = await download(t, image.json().url);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(served.rawPayload).metadata()).exif).toBeUndefined();
    expect(served.rawPayload.includes('SpyCam')).toBe(false);

    const whole = await download(t, video.json().url);
    expect(whole.rawPayload.equals(clip)).toBe(true);
    const part = await download(t, video.json().url, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${clip.length}`);
    expect(part.rawPayload.equals(clip.subarray(100, 200))).toBe(true);
    expect((await download(t, video.json().url, { range: `bytes=${clip.length + 1}-` })).statusCode).toBe(
      416,
    );

    for (const uploaded of [image, video]) {
      expect((await deleteMedia(t, fan, uploaded.json().id)).statusCode).toBe(204);
      expect((await download(t, uploaded.json().url)).statusCode).toBe(404);
    }
    expect(await storedFiles(t)).toEqual([]);
  });

  it('stores nothing for a refused upload', async () => {
    const fan = await signUp(t, 'fan');
    const response = await upload(t, fan, windowsExecutable(), 'image/jpeg');
    expect(response.statusCode).toBe(415);
    expect(await mediaRows(t, fan.id)).toEqual([]);
    expect(await storedFiles(t)).toEqual([]);
  });
});
