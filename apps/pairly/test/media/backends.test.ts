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
  mediaRows,
  mp4WithLocation,
  noiseJpeg,
  PLANTED_LOCATION,
  samplePng,
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

  it('stores an image without its EXIF and a video without its location, serves both whole and by range, deletes them', async () => {
    const fan = await signUp(t, 'fan');
    const photo = await sharp(await noiseJpeg(64, 48))
      .withExif({
        IFD0: { Make: 'SpyCam' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 2615/100' },
      })
      .jpeg()
      .toBuffer();
    const clip = mp4WithLocation('mp42', ['isom', 'mp42']);

    const image = await upload(t, fan, photo, 'image/jpeg');
    const video = await upload(t, fan, clip, 'video/mp4');
    expect([image.statusCode, video.statusCode]).toEqual([201, 201]);
    // Where the bytes went: files under the data directory, or objects in the bucket.
    const stored = await storedFiles(t);
    expect(stored).toHaveLength(2);
    expect(
      stored.every((file) => file.startsWith(backend === 'filesystem' ? t.config.dataDir : 's3://')),
    ).toBe(true);

    const served = await download(t, image.json().url);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(served.rawPayload).metadata()).exif).toBeUndefined();
    expect(served.rawPayload.includes('SpyCam')).toBe(false);

    const whole = await download(t, video.json().url);
    expect(whole.rawPayload.length).toBe(clip.length);
    expect(whole.rawPayload.includes(PLANTED_LOCATION)).toBe(false);
    expect(whole.rawPayload.subarray(-600).equals(clip.subarray(-600))).toBe(true);
    const part = await download(t, video.json().url, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${clip.length}`);
    expect(part.rawPayload.equals(whole.rawPayload.subarray(100, 200))).toBe(true);
    expect((await download(t, video.json().url, { range: `bytes=${clip.length + 1}-` })).statusCode).toBe(
      416,
    );

    for (const uploaded of [image, video]) {
      expect((await deleteMedia(t, fan, uploaded.json().id)).statusCode).toBe(204);
      expect((await download(t, uploaded.json().url)).statusCode).toBe(404);
    }
    expect(await storedFiles(t)).toEqual([]);
  });

  it('stores nothing for a refused upload (a program, markup behind an MP3 head), while an accepted one is there', async () => {
    const fan = await signUp(t, 'fan');
    const accepted = await upload(t, fan, await samplePng());
    expect(accepted.statusCode).toBe(201);
    const before = await storedFiles(t);
    expect(before).toHaveLength(1);
    const disguised = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(500, 0x20)]);
    for (const bytes of [windowsExecutable(), disguised]) {
      expect((await upload(t, fan, bytes, 'image/jpeg')).statusCode).toBe(415);
    }
    expect(await mediaRows(t, fan.id)).toHaveLength(1);
    expect(await storedFiles(t)).toEqual(before);
    expect((await deleteMedia(t, fan, accepted.json().id)).statusCode).toBe(204);
    expect(await storedFiles(t)).toEqual([]);
  });
});
