// Uploads through POST /media: every allowed type is stored as sniffed from its bytes (whatever the
// client's Content-Type says); location metadata never reaches a downloader (image EXIF, MP4
// metadata boxes, MP3 tags); disguised (markup behind a valid MP3/MP4 head), oversized and empty
// uploads are refused with nothing kept (no row, no blob, no temp file); the daily quota and the
// cap on one user's uploads in flight; the owner's list with its cursor; delete; and another user
// can neither list nor delete someone's media.
import { PassThrough } from 'node:stream';
import { sniffMedia } from '@app/platform';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  buildMediaTestApp,
  deleteMedia,
  download,
  elfExecutable,
  isoMedia,
  KB,
  listMedia,
  mediaRows,
  mp3Frame,
  mp3WithId3,
  mp3WithTags,
  mp4WithLocation,
  noiseJpeg,
  PLANTED_LOCATION,
  sampleGif,
  samplePng,
  sampleWebp,
  storedFiles,
  TEST_CAPS,
  upload,
  windowsExecutable,
  zipArchive,
} from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildMediaTestApp({ dailyUploads: 1000 });
});
afterAll(async () => t?.close());

describe('POST /media stores each allowed type as read from its bytes', () => {
  const cases: [string, () => Buffer | Promise<Buffer>, string, object][] = [
    ['JPEG', () => noiseJpeg(96, 64), 'image/jpeg', { kind: 'image', width: 96, height: 64 }],
    ['PNG', samplePng, 'image/png', { kind: 'image', width: 12, height: 8 }],
    ['WebP', sampleWebp, 'image/webp', { kind: 'image', width: 12, height: 8 }],
    ['GIF', sampleGif, 'image/gif', { kind: 'image', width: 12, height: 8 }],
    [
      'MP4',
      () => isoMedia('isom', ['isom', 'mp42'], 2000, 3),
      'video/mp4',
      { kind: 'video', width: null, height: null },
    ],
    [
      'M4A',
      () => isoMedia('M4A ', ['M4A ', 'mp42'], 2000, 3),
      'audio/mp4',
      { kind: 'audio', width: null, height: null },
    ],
    ['MP3', mp3WithId3, 'audio/mpeg', { kind: 'audio', width: null, height: null }],
  ];

  for (const [name, make, contentType, expected] of cases) {
    it(`${name}: 201 with the sniffed type, and the signed URL serves it`, async () => {
      const fan = await signUp(t, 'fan');
      const bytes = await make();
      // The client names no real type: the bytes decide.
      const response = await upload(t, fan, bytes, 'application/octet-stream');
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({ contentType, ...expected });
      expect(Object.keys(body).sort()).toEqual(
        ['byteSize', 'contentType', 'createdAt', 'height', 'id', 'kind', 'url', 'width'].sort(),
      );
      expect(body.url).toMatch(new RegExp(`^/media/${body.id}/content\\?expires=\\d+&signature=[\\w-]{43}$`));

      const content = await download(t, body.url);
      expect(content.statusCode).toBe(200);
      expect(content.headers['content-type']).toBe(contentType);
      expect(content.rawPayload.length).toBe(body.byteSize);
      // Images are re-encoded and MP3 tags left out (see below); these samples carry no metadata.
      if (body.kind !== 'image') {
        expect(content.rawPayload.equals(contentType === 'audio/mpeg' ? mp3Frame() : bytes)).toBe(true);
      }
    });
  }

  it('a creator may upload too; a wrong declared type does not matter (a PNG sent as image/jpeg)', async () => {
    const creator = await signUp(t, 'creator');
    const response = await upload(t, creator, await samplePng(), 'image/jpeg');
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ kind: 'image', contentType: 'image/png' });
  });

  it('staff without profile:own cannot upload (403), and nobody without a token (401)', async () => {
    const finance = await signUp(t, 'finance');
    expect((await upload(t, finance, await samplePng())).statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/media',
      headers: { 'content-type': 'image/png' },
      payload: await samplePng(),
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('GPS and camera EXIF never reach anyone who downloads the image', () => {
  it('a JPEG with GPS coordinates is served without any EXIF, same picture size', async () => {
    const fan = await signUp(t, 'fan');
    const marker = 'Home address 51N 0W';
    const original = await sharp(await noiseJpeg(64, 48))
      .withExif({
        IFD0: { Make: 'SpyCam', Model: 'X1', ImageDescription: marker },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '51/1 30/1 2615/100',
          GPSLongitudeRef: 'W',
          GPSLongitude: '0/1 7/1 3960/100',
        },
      })
      .jpeg()
      .toBuffer();
    expect((await sharp(original).metadata()).exif).toBeDefined();

    const uploaded = await upload(t, fan, original, 'image/jpeg');
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const served = (await download(t, uploaded.json().url)).rawPayload;
    const metadata = await sharp(served).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    expect(metadata.exif).toBeUndefined();
    expect(metadata.xmp).toBeUndefined();
    expect(served.includes('Exif\0\0')).toBe(false);
    expect(served.includes('SpyCam')).toBe(false);
    expect(served.includes(marker)).toBe(false);
  });

  it('an MP4 with the location in udta/©xyz and meta boxes is served without it: same length, still an MP4', async () => {
    const fan = await signUp(t, 'fan');
    const original = mp4WithLocation();
    expect(original.includes(PLANTED_LOCATION)).toBe(true);
    const uploaded = await upload(t, fan, original, 'video/mp4');
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    expect(uploaded.json()).toMatchObject({
      kind: 'video',
      contentType: 'video/mp4',
      byteSize: original.length,
    });
    const served = (await download(t, uploaded.json().url)).rawPayload;
    expect(served.length).toBe(original.length);
    expect(served.includes(PLANTED_LOCATION)).toBe(false);
    expect(served.includes('com.apple.quicktime.location')).toBe(false);
    expect(sniffMedia(served)?.contentType).toBe('video/mp4');
    // The media data is untouched.
    expect(served.subarray(-600).equals(original.subarray(-600))).toBe(true);
  });

  it('an MP3 with an ID3v2 text frame, APIC cover art and an ID3v1 trailer is served as its audio frames only', async () => {
    const fan = await signUp(t, 'fan');
    const original = mp3WithTags(3);
    const uploaded = await upload(t, fan, original, 'audio/mpeg');
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const served = (await download(t, uploaded.json().url)).rawPayload;
    expect(served.includes(PLANTED_LOCATION)).toBe(false);
    expect(served.includes('APIC')).toBe(false);
    expect(served.equals(mp3Frame(3))).toBe(true);
    expect(uploaded.json().byteSize).toBe(served.length);
    expect(sniffMedia(served)?.contentType).toBe('audio/mpeg');
  });

  it('a JPEG with a ZIP appended (polyglot) is served as the image alone', async () => {
    const fan = await signUp(t, 'fan');
    const polyglot = Buffer.concat([await noiseJpeg(), zipArchive()]);
    const uploaded = await upload(t, fan, polyglot, 'image/jpeg');
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const served = (await download(t, uploaded.json().url)).rawPayload;
    expect(served.includes('PK\x03\x04')).toBe(false);
    expect(served.includes('evil.exe')).toBe(false);
  });
});

describe('refused uploads store nothing', () => {
  let fan: TestUser;
  beforeAll(async () => {
    fan = await signUp(t, 'fan');
  });

  async function expectNothingStored(before: string[]) {
    expect(await mediaRows(t, fan.id)).toEqual([]);
    expect(await storedFiles(t)).toEqual(before);
  }

  const disguises: [string, () => Buffer | Promise<Buffer>, string][] = [
    ['a Windows executable named .jpg', windowsExecutable, 'image/jpeg'],
    ['an ELF executable', elfExecutable, 'application/octet-stream'],
    [
      'an SVG',
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'image/png',
    ],
    ['an HTML page', () => Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), 'image/gif'],
    ['a ZIP archive', zipArchive, 'application/octet-stream'],
    [
      'an empty ID3 header followed by a page',
      () =>
        Buffer.concat([
          Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]),
          Buffer.from('<!doctype html><body onload=alert(1)>'),
        ]),
      'audio/mpeg',
    ],
    [
      'an MPEG frame header followed by a page',
      () =>
        Buffer.concat([
          Buffer.from([0xff, 0xfb, 0x90, 0x00]),
          Buffer.from('<!DOCTYPE html><body onload=x()>'),
        ]),
      'audio/mpeg',
    ],
    [
      'an MPEG frame header followed by a page past the sniffed kilobyte',
      () =>
        Buffer.concat([
          Buffer.from([0xff, 0xfb, 0x90, 0x00]),
          Buffer.alloc(1100, 0x20),
          Buffer.from('<script>x</script>'),
        ]),
      'audio/mpeg',
    ],
    [
      'an ftyp box followed by a script past the sniffed kilobyte',
      () =>
        Buffer.concat([
          isoMedia('isom', ['isom']),
          Buffer.alloc(1100, 0x20),
          Buffer.from('<script>alert(1)</script>'),
        ]),
      'video/mp4',
    ],
    [
      'a JPEG head with HTML inside it',
      async () =>
        Buffer.concat([(await noiseJpeg()).subarray(0, 200), Buffer.from('<html><script>x</script>')]),
      'image/jpeg',
    ],
  ];
  for (const [name, make, declared] of disguises) {
    it(`${name}: 415 unsupported_media_type`, async () => {
      const before = await storedFiles(t);
      const response = await upload(t, fan, await make(), declared);
      expect(response.statusCode, response.body).toBe(415);
      expect(response.json().code).toBe('unsupported_media_type');
      await expectNothingStored(before);
    });
  }

  it('a Content-Type that is not a media type (text/html, image/svg+xml, none) is a 415 before any byte is read', async () => {
    const before = await storedFiles(t);
    for (const type of [
      'text/html',
      'image/svg+xml',
      'multipart/form-data; boundary=x',
      'application/json',
    ]) {
      const response = await upload(t, fan, await samplePng(), type);
      expect({ type, status: response.statusCode, code: response.json().code }).toEqual({
        type,
        status: 415,
        code: 'unsupported_media_type',
      });
    }
    const untyped = await t.app.inject({
      method: 'POST',
      url: '/media',
      headers: fan.headers,
      payload: await samplePng(),
    });
    expect(untyped.statusCode).toBe(415);
    await expectNothingStored(before);
  });

  it('over the largest cap: 413 upload_too_large, from the Content-Length or while streaming', async () => {
    const before = await storedFiles(t);
    const huge = Buffer.concat([await noiseJpeg(), Buffer.alloc(TEST_CAPS.image + KB)]);
    const declared = await upload(t, fan, huge, 'image/jpeg');
    expect(declared.statusCode).toBe(413);
    expect(declared.json().code).toBe('upload_too_large');

    const chunked = await t.app.inject({
      method: 'POST',
      url: '/media',
      headers: { ...fan.headers, 'content-type': 'image/jpeg', 'transfer-encoding': 'chunked' },
      payload: huge,
    });
    expect(chunked.statusCode).toBe(413);
    await expectNothingStored(before);
  });

  it("over its own kind's cap after sniffing (audio larger than audio's cap, under the image cap): 413", async () => {
    const before = await storedFiles(t);
    const longAudio = Buffer.concat([mp3WithId3(), Buffer.alloc(TEST_CAPS.audio + KB)]);
    const response = await upload(t, fan, longAudio);
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json()).toMatchObject({
      code: 'upload_too_large',
      detail: expect.stringContaining('audio'),
    });
    await expectNothingStored(before);
  });

  it('an empty body: 400 upload_empty', async () => {
    const before = await storedFiles(t);
    const response = await upload(t, fan, Buffer.alloc(0), 'image/png');
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('upload_empty');
    await expectNothingStored(before);
  });
});

describe('the daily quota', () => {
  let quota: PairlyTestApp;
  beforeAll(async () => {
    quota = await buildMediaTestApp({ dailyUploads: 2 });
  });
  afterAll(async () => quota?.close());

  it('refuses the upload past the quota with 429 until the next UTC midnight, then allows again', async () => {
    quota.clock.set(new Date('2026-03-01T23:40:00.000Z'));
    const fan = await signUp(quota, 'fan');
    const first = await upload(quota, fan, await samplePng());
    expect((await upload(quota, fan, await samplePng())).statusCode).toBe(201);
    // Deleting does not give the upload back.
    expect((await deleteMedia(quota, fan, first.json().id)).statusCode).toBe(204);
    const refused = await upload(quota, fan, await samplePng());
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('media_daily_quota_exceeded');
    expect(refused.headers['retry-after']).toBe(String(20 * 60));
    expect(await mediaRows(quota, fan.id)).toHaveLength(2);
    // Another user's quota is their own.
    expect((await upload(quota, await signUp(quota, 'fan'), await samplePng())).statusCode).toBe(201);

    quota.clock.set(new Date('2026-03-02T00:00:00.000Z'));
    expect((await upload(quota, fan, await samplePng())).statusCode).toBe(201);
  });
});

describe('uploads in flight per user', () => {
  it('a user may have 3 uploads in progress; a fourth is a 429 media_uploads_in_progress, other users are not held up', async () => {
    const fan = await signUp(t, 'fan');
    const bodies = Array.from({ length: 3 }, () => new PassThrough());
    const pending = bodies.map((body) =>
      t.app.inject({
        method: 'POST',
        url: '/media',
        headers: { ...fan.headers, 'content-type': 'application/octet-stream' },
        payload: body,
      }),
    );
    const jpeg = await noiseJpeg();
    for (const body of bodies) body.write(jpeg.subarray(0, 2048));
    // All three are being received (each has its temp file) before the fourth comes.
    await vi.waitFor(
      async () => expect((await storedFiles(t)).filter((file) => file.includes('upload-'))).toHaveLength(3),
      { timeout: 20_000, interval: 50 },
    );

    const fourth = await upload(t, fan, await samplePng());
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().code).toBe('media_uploads_in_progress');
    expect(fourth.headers['retry-after']).toBeDefined();
    expect((await upload(t, await signUp(t, 'fan'), await samplePng())).statusCode).toBe(201);

    for (const body of bodies) body.end(jpeg.subarray(2048));
    expect((await Promise.all(pending)).map((response) => response.statusCode)).toEqual([201, 201, 201]);
    // Once they are done, the user may upload again.
    expect((await upload(t, fan, await samplePng())).statusCode).toBe(201);
  });
});

describe('GET /media and DELETE /media/:id: your own uploads only', () => {
  it("lists your uploads newest first with a cursor, and never anyone else's", async () => {
    const fan = await signUp(t, 'fan');
    const other = await signUp(t, 'fan');
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      t.clock.advance(1000);
      ids.push((await upload(t, fan, await samplePng())).json().id);
    }
    await upload(t, other, await samplePng());

    const first = await listMedia(t, fan, '?limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]]);
    const second = await listMedia(t, fan, `?limit=2&cursor=${first.json().nextCursor}`);
    expect(second.json()).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });

    const theirs = await listMedia(t, other);
    expect(theirs.json().items.map((item: { id: string }) => item.id)).not.toContain(ids[0]);
    expect((await listMedia(t, fan, '?cursor=not-a-cursor')).statusCode).toBe(400);
  });

  it("another user's delete is a 404 and changes nothing; the owner's delete removes the content", async () => {
    const fan = await signUp(t, 'fan');
    const other = await signUp(t, 'creator');
    const uploaded = (await upload(t, fan, await noiseJpeg())).json();

    const refused = await deleteMedia(t, other, uploaded.id);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().code).toBe('media_not_found');
    expect((await download(t, uploaded.url)).statusCode).toBe(200);

    const blobsBefore = (await storedFiles(t)).length;
    expect((await deleteMedia(t, fan, uploaded.id)).statusCode).toBe(204);
    expect((await download(t, uploaded.url)).statusCode).toBe(404);
    expect((await storedFiles(t)).length).toBe(blobsBefore - 1);
    expect((await listMedia(t, fan)).json().items).toEqual([]);
    const [row] = await mediaRows(t, fan.id);
    expect(row?.deleted_at).not.toBeNull();
    // A second delete, and a delete of an id that never existed, are 404s too.
    expect((await deleteMedia(t, fan, uploaded.id)).statusCode).toBe(404);
    expect((await deleteMedia(t, fan, crypto.randomUUID())).statusCode).toBe(404);
  });
});
