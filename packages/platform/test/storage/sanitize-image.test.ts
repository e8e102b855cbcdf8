// Cleaning images: what is stored is a fresh encoding of the pixels, so location and camera
// metadata never leak and nothing appended to an image (a ZIP, HTML) survives; orientation is
// applied, animation kept, and images too large or undecodable are refused.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IMAGE_SANITIZE_CONCURRENCY,
  imageSanitizerLoad,
  MAX_IMAGE_FRAMES,
  receiveUpload,
  type SniffedMedia,
  sanitizeImage,
  sniffMedia,
} from '../../src/storage/index.js';
import {
  animatedGif,
  gifAnimation,
  noiseJpeg,
  pngBomb,
  samplePng,
  sampleWebp,
  zipArchive,
} from './media-samples.js';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sanitize-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

let files = 0;
async function fileWith(bytes: Buffer): Promise<string> {
  files += 1;
  const path = join(directory, `image-${files}`);
  await writeFile(path, bytes);
  return path;
}

const media = (bytes: Buffer) => sniffMedia(bytes) as SniffedMedia;

const MARKER = 'Secret Hideout, 51N 0W';
/** The EXIF tag pointing at the GPS sub-directory (0x8825), little-endian as sharp writes it. */
const GPS_IFD_POINTER = Buffer.from([0x25, 0x88]);

/** A JPEG carrying camera EXIF and GPS coordinates. */
async function jpegWithGps(): Promise<Buffer> {
  return sharp(await noiseJpeg(64, 48))
    .withExif({
      IFD0: { Make: 'SpyCam', Model: 'X1', ImageDescription: MARKER },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 2615/100',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 3960/100',
      },
    })
    .jpeg()
    .toBuffer();
}

describe('sanitizeImage', () => {
  it('drops EXIF with GPS coordinates entirely, keeping the picture and its size', async () => {
    const input = await jpegWithGps();
    const before = await sharp(input).metadata();
    expect(before.exif).toBeDefined();
    expect(before.exif?.includes('SpyCam')).toBe(true);
    expect(before.exif?.includes(GPS_IFD_POINTER)).toBe(true);
    expect(input.includes(MARKER)).toBe(true);

    const clean = await sanitizeImage(await fileWith(input), media(input));
    const after = await sharp(clean.bytes).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(clean.bytes.includes('Exif\0\0')).toBe(false);
    expect(clean.bytes.includes(MARKER)).toBe(false);
    expect(clean.bytes.includes('SpyCam')).toBe(false);
    expect(after).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    expect(clean).toMatchObject({ contentType: 'image/jpeg', width: 64, height: 48 });
  });

  it('stores only the re-encoded image of a JPEG with a ZIP and HTML appended (polyglot)', async () => {
    const jpeg = await noiseJpeg();
    const polyglot = Buffer.concat([
      jpeg,
      zipArchive(),
      Buffer.from('<html><script>alert(document.cookie)</script>'),
    ]);
    // Accepted as a JPEG: the appended parts are past the sniffed head...
    const upload = await receiveUpload(Readable.from([polyglot]), {
      maxBytes: 1_000_000,
      tempDir: directory,
    });
    expect(upload.media.contentType).toBe('image/jpeg');
    // ...but only its fresh encoding is kept.
    const clean = await sanitizeImage(upload.path, upload.media);
    expect(clean.bytes.includes('PK\x03\x04')).toBe(false);
    expect(clean.bytes.includes('<html')).toBe(false);
    expect(clean.bytes.includes('<script')).toBe(false);
    expect(clean.bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(await sharp(clean.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 96, height: 64 });
  });

  it('applies the EXIF orientation to the pixels before dropping it', async () => {
    // Stored 40 wide and 20 high, to be shown rotated a quarter turn (orientation 6).
    const sideways = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#3366ff' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(sideways).metadata()).orientation).toBe(6);
    const clean = await sanitizeImage(await fileWith(sideways), media(sideways));
    expect(clean).toMatchObject({ width: 20, height: 40 });
    const after = await sharp(clean.bytes).metadata();
    expect(after).toMatchObject({ width: 20, height: 40 });
    expect(after.orientation).toBeUndefined();
  });

  it('keeps every frame of an animated GIF', async () => {
    const gif = await animatedGif();
    const clean = await sanitizeImage(await fileWith(gif), media(gif));
    expect(clean).toMatchObject({ contentType: 'image/gif', width: 10, height: 10 });
    expect(await sharp(clean.bytes, { animated: true }).metadata()).toMatchObject({
      format: 'gif',
      pages: 3,
    });
  });

  it('keeps PNG and WebP in their own format', async () => {
    for (const bytes of [await samplePng(), await sampleWebp()]) {
      const clean = await sanitizeImage(await fileWith(bytes), media(bytes));
      expect(clean.contentType).toBe(media(bytes).contentType);
      expect(await sharp(clean.bytes).metadata()).toMatchObject({ width: 12, height: 8 });
    }
  });

  it('makes a tiny blurred WebP preview as a data URL under 1 KB', async () => {
    const jpeg = await noiseJpeg(640, 480);
    const { preview } = await sanitizeImage(await fileWith(jpeg), media(jpeg));
    expect(preview.startsWith('data:image/webp;base64,')).toBe(true);
    expect(preview.length).toBeLessThanOrEqual(1024);
    const decoded = Buffer.from(preview.slice('data:image/webp;base64,'.length), 'base64');
    const metadata = await sharp(decoded).metadata();
    expect(metadata.format).toBe('webp');
    expect(Math.max(metadata.width, metadata.height)).toBeLessThanOrEqual(16);
  });

  it('refuses a decompression bomb (50 000 x 50 000 pixels in a few hundred bytes) with 413 image_too_large', async () => {
    const bomb = pngBomb(50_000, 50_000);
    expect(bomb.length).toBeLessThan(60_000);
    await expect(sanitizeImage(await fileWith(bomb), media(bomb))).rejects.toMatchObject({
      kind: 'payload_too_large',
      code: 'image_too_large',
    });
  });

  it('refuses bytes that start like an image but do not decode, and media that is not an image, with 415', async () => {
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x41)]);
    await expect(sanitizeImage(await fileWith(broken), media(broken))).rejects.toMatchObject({
      code: 'unsupported_media_type',
    });
    const jpeg = await noiseJpeg();
    await expect(
      sanitizeImage(await fileWith(jpeg), { kind: 'image', contentType: 'image/png', extension: 'png' }),
    ).rejects.toMatchObject({ code: 'unsupported_media_type' });
    await expect(
      sanitizeImage(await fileWith(jpeg), { kind: 'video', contentType: 'video/mp4', extension: 'mp4' }),
    ).rejects.toMatchObject({ code: 'unsupported_media_type' });
  });

  it('refuses an animation of more frames than allowed with 413 image_too_many_frames, before decoding', async () => {
    // The reviewer's case scaled down: small frames, many of them (3000 frames of 128x128 took seconds).
    const many = gifAnimation(128, 128, 3000);
    await expect(sanitizeImage(await fileWith(many), media(many))).rejects.toMatchObject({
      kind: 'payload_too_large',
      code: 'image_too_many_frames',
    });
    const limit = gifAnimation(4, 4, MAX_IMAGE_FRAMES + 1);
    await expect(sanitizeImage(await fileWith(limit), media(limit))).rejects.toMatchObject({
      code: 'image_too_many_frames',
    });
    const allowed = gifAnimation(4, 4, MAX_IMAGE_FRAMES);
    expect(await sanitizeImage(await fileWith(allowed), media(allowed))).toMatchObject({
      width: 4,
      height: 4,
    });
  });

  it('holds animations to a lower pixel budget than still images: 20 frames of 1000x600 is 413 image_too_large', async () => {
    // 12 megapixels in all: a still image that size is fine, an animation is not.
    const animation = gifAnimation(1000, 600, 20);
    await expect(sanitizeImage(await fileWith(animation), media(animation))).rejects.toMatchObject({
      code: 'image_too_large',
      message: expect.stringContaining('animation'),
    });
  });

  it(`processes at most ${IMAGE_SANITIZE_CONCURRENCY} images at once; the others wait their turn and all succeed`, async () => {
    const jpeg = await noiseJpeg(400, 300);
    const paths = await Promise.all(Array.from({ length: 6 }, () => fileWith(jpeg)));
    let busiest = 0;
    let waitedMost = 0;
    let done = false;
    const all = Promise.all(paths.map((path) => sanitizeImage(path, media(jpeg)))).finally(() => {
      done = true;
    });
    while (!done) {
      const load = imageSanitizerLoad();
      busiest = Math.max(busiest, load.running);
      waitedMost = Math.max(waitedMost, load.waiting);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await all).map((clean) => clean.width)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(busiest).toBe(IMAGE_SANITIZE_CONCURRENCY);
    expect(waitedMost).toBe(6 - IMAGE_SANITIZE_CONCURRENCY);
    expect(imageSanitizerLoad()).toEqual({ running: 0, waiting: 0 });
  });
});
