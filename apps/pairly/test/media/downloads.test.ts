// Downloads through signed URLs: no token needed, the stored type with headers that stop a browser
// from sniffing or running it, byte ranges (206, 416), an altered or expired URL refused (403), a
// deleted object gone (404); HEAD answered from the record without reading the object; and what
// other modules ask of the media service: whether ids are the caller's own media (each once),
// descriptions with signed URLs, placeholders that carry no id or URL; and the sweep of temp files
// a crash left behind.
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { operationsWithoutExamples } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Media } from '../../src/modules/media/service.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  buildMediaTestApp,
  deleteMedia,
  download,
  isoMedia,
  mediaService,
  noiseJpeg,
  samplePng,
  upload,
} from './support.js';

let t: PairlyTestApp;
let media: Media;
let fan: TestUser;
let video: { id: string; url: string; byteSize: number };
let videoBytes: Buffer;

beforeAll(async () => {
  t = await buildMediaTestApp();
  media = mediaService(t);
  fan = await signUp(t, 'fan');
  videoBytes = isoMedia('isom', ['isom', 'mp42'], 4000, 7);
  const response = await upload(t, fan, videoBytes, 'video/mp4');
  expect(response.statusCode, response.body).toBe(201);
  video = response.json();
});
afterAll(async () => t?.close());

describe('GET /media/:id/content', () => {
  it('serves the content without a token, with headers that keep browsers from sniffing or running it', async () => {
    const response = await download(t, video.url);
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(videoBytes)).toBe(true);
    expect(response.headers).toMatchObject({
      'content-type': 'video/mp4',
      'content-length': String(videoBytes.length),
      'x-content-type-options': 'nosniff',
      'content-disposition': 'inline',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'cross-origin',
      'accept-ranges': 'bytes',
    });
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(String(response.headers['cache-control']))?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(600);
    expect(maxAge).toBeLessThanOrEqual(660);
  });

  it('answers a byte range with 206 and Content-Range, and a suffix range with the last bytes', async () => {
    const first = await download(t, video.url, { range: 'bytes=0-99' });
    expect(first.statusCode).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-99/${videoBytes.length}`);
    expect(first.headers['content-length']).toBe('100');
    expect(first.rawPayload.equals(videoBytes.subarray(0, 100))).toBe(true);

    const tail = await download(t, video.url, { range: 'bytes=-10' });
    expect(tail.statusCode).toBe(206);
    expect(tail.headers['content-range']).toBe(
      `bytes ${videoBytes.length - 10}-${videoBytes.length - 1}/${videoBytes.length}`,
    );
    expect(tail.rawPayload.equals(videoBytes.subarray(-10))).toBe(true);

    const open = await download(t, video.url, { range: `bytes=${videoBytes.length - 5}-` });
    expect(open.statusCode).toBe(206);
    expect(open.rawPayload.length).toBe(5);
  });

  it('answers a range past the end with 416 and the size', async () => {
    const response = await download(t, video.url, { range: `bytes=${videoBytes.length}-` });
    expect(response.statusCode).toBe(416);
    expect(response.headers['content-range']).toBe(`bytes */${videoBytes.length}`);
    expect(response.json().code).toBe('range_not_satisfiable');
  });

  it('refuses an altered signature, expiry or id with 403 media_url_invalid', async () => {
    const url = new URL(video.url, 'http://x');
    const signature = url.searchParams.get('signature') as string;
    const expires = Number(url.searchParams.get('expires'));
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    const other = (await upload(t, fan, await samplePng())).json().id;
    const altered = [
      `/media/${video.id}/content?expires=${expires}&signature=${flipped}`,
      `/media/${video.id}/content?expires=${expires + 3600}&signature=${signature}`,
      `/media/${other}/content?expires=${expires}&signature=${signature}`,
    ];
    for (const path of altered) {
      const response = await download(t, path);
      expect({ path, status: response.statusCode, code: response.json().code }).toEqual({
        path,
        status: 403,
        code: 'media_url_invalid',
      });
    }
    // Missing or malformed parts are a 400.
    expect((await download(t, `/media/${video.id}/content`)).statusCode).toBe(400);
    expect(
      (await download(t, `/media/${video.id}/content?expires=${expires}&signature=short`)).statusCode,
    ).toBe(400);
  });

  it('refuses a URL once it has expired, and a fresh one works again', async () => {
    const url = media.signedUrl(video.id);
    expect((await download(t, url)).statusCode).toBe(200);
    t.clock.advance(11 * 60 * 1000);
    const expired = await download(t, url);
    expect(expired.statusCode).toBe(403);
    expect(expired.json().code).toBe('media_url_invalid');
    expect((await download(t, media.signedUrl(video.id))).statusCode).toBe(200);
  });

  it('a deleted object is a 404 through a URL that is still valid', async () => {
    const image = (await upload(t, fan, await noiseJpeg())).json();
    expect((await deleteMedia(t, fan, image.id)).statusCode).toBe(204);
    const response = await download(t, image.url);
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('media_not_found');
  });
});

describe('HEAD /media/:id/content', () => {
  const head = (url: string) => t.app.inject({ method: 'HEAD', url });

  it('answers the headers of the whole content with no body, without reading the stored object', async () => {
    const response = await head(media.signedUrl(video.id));
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.length).toBe(0);
    expect(response.headers).toMatchObject({
      'content-type': 'video/mp4',
      'content-length': String(videoBytes.length),
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });

    // With the stored bytes gone from under the record, GET cannot serve them, HEAD does not need them.
    const other = (await upload(t, fan, isoMedia('isom', ['isom'], 500))).json();
    await rm(join(t.config.dataDir, 'blobs', 'media', other.id));
    expect((await download(t, other.url)).statusCode).toBe(404);
    const answered = await head(other.url);
    expect(answered.statusCode).toBe(200);
    expect(answered.headers['content-length']).toBe(String(other.byteSize));
  });

  it('refuses an altered URL (403) and deleted media (404) as GET does', async () => {
    const url = media.signedUrl(video.id);
    expect((await head(url)).statusCode).toBe(200);
    expect(
      (
        await head(
          url.replace(/signature=./, (found) => (found.endsWith('A') ? 'signature=B' : 'signature=A')),
        )
      ).statusCode,
    ).toBe(403);
    const image = (await upload(t, fan, await samplePng())).json();
    await deleteMedia(t, fan, image.id);
    expect((await head(image.url)).statusCode).toBe(404);
  });
});

describe('the media service, as posts and profiles use it', () => {
  let image: { id: string };
  let audio: { id: string };
  let other: TestUser;
  beforeAll(async () => {
    image = (await upload(t, fan, await noiseJpeg())).json();
    audio = (await upload(t, fan, isoMedia('M4A ', ['M4A '], 100))).json();
    other = await signUp(t, 'creator');
  });

  it('ownedBy returns your own media in the given order, of the allowed kinds', async () => {
    const owned = await media.ownedBy(fan.id, [audio.id, image.id]);
    expect(owned.map((object) => [object.id, object.kind])).toEqual([
      [audio.id, 'audio'],
      [image.id, 'image'],
    ]);
    expect((await media.ownedBy(fan.id, [image.id], ['image'])).map((object) => object.id)).toEqual([
      image.id,
    ]);
  });

  it("ownedBy refuses (400 media_not_found_or_not_yours) another user's, a deleted, an unknown id or a kind not allowed", async () => {
    const deleted = (await upload(t, fan, await samplePng())).json().id;
    await deleteMedia(t, fan, deleted);
    const refusals: [string, string[], ('image' | 'video' | 'audio')[] | undefined][] = [
      [other.id, [image.id], undefined],
      [fan.id, [image.id, deleted], undefined],
      [fan.id, [crypto.randomUUID()], undefined],
      [fan.id, ['not-a-uuid'], undefined],
      [fan.id, [image.id, audio.id], ['image']],
    ];
    for (const [owner, ids, kinds] of refusals) {
      await expect(media.ownedBy(owner, ids, kinds, '/body/avatarMediaId')).rejects.toMatchObject({
        code: 'media_not_found_or_not_yours',
        kind: 'invalid_input',
        fields: [{ path: '/body/avatarMediaId', message: expect.any(String) }],
      });
    }
  });

  it('ownedBy refuses an id listed twice (400 media_id_repeated naming the repeated item)', async () => {
    for (const ids of [
      [image.id, image.id],
      [audio.id, image.id, image.id.toUpperCase()],
    ]) {
      await expect(media.ownedBy(fan.id, ids, undefined, '/body/mediaIds')).rejects.toMatchObject({
        kind: 'invalid_input',
        code: 'media_id_repeated',
        fields: [{ path: `/body/mediaIds/${ids.length - 1}` }],
      });
    }
  });

  it('describe gives signed URLs that work; deleted and unknown ids are left out', async () => {
    const views = await media.describe([image.id, crypto.randomUUID(), video.id]);
    expect(views.map((view) => view.id)).toEqual([image.id, video.id]);
    expect(views[0]).toMatchObject({ kind: 'image', contentType: 'image/jpeg', width: 96, height: 64 });
    for (const view of views) expect((await download(t, view.url)).statusCode).toBe(200);
  });

  it('placeholders carry a blurred preview for images and nothing that leads to the content', async () => {
    const placeholders = [...(await media.placeholders([image.id, audio.id])).values()];
    expect(placeholders).toEqual([
      { kind: 'image', preview: expect.stringMatching(/^data:image\/webp;base64,/), width: 96, height: 64 },
      { kind: 'audio', preview: null, width: null, height: null },
    ]);
    const text = JSON.stringify(placeholders);
    expect(text).not.toContain(image.id);
    expect(text).not.toContain('/media/');
  });
});

describe('/docs', () => {
  it('documents every media route with a summary, its permission and examples; downloads need no token', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(operationsWithoutExamples(document, ['/media'])).toEqual([]);
    const operations = [
      document.paths['/media'].post,
      document.paths['/media'].get,
      document.paths['/media/{id}'].delete,
      document.paths['/media/{id}/content'].get,
    ];
    for (const operation of operations) {
      expect(operation.summary).toEqual(expect.any(String));
      expect(operation.description).toMatch(/^(Permission: `profile:own`|Public: no token)/);
    }
    expect(Object.keys(document.paths['/media'].post.requestBody.content)).toContain('image/jpeg');
    expect(document.paths['/media/{id}/content'].get.security).toBeUndefined();
  });
});

describe('temp files left by a crash', () => {
  it('are swept at start when older than an hour; newer ones (uploads in progress) are kept', async () => {
    const uploads = join(t.config.dataDir, 'uploads');
    const blobTemp = join(t.config.dataDir, 'blobs', '.tmp');
    await mkdir(uploads, { recursive: true });
    await mkdir(blobTemp, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    for (const path of [join(uploads, 'upload-stale'), join(blobTemp, 'stale')]) {
      await writeFile(path, 'left by a crash');
      await utimes(path, twoHoursAgo, twoHoursAgo);
    }
    await writeFile(join(uploads, 'upload-fresh'), 'in progress');

    expect(await media.sweepStaleFiles()).toBe(2);
    expect(await readdir(uploads)).toEqual(['upload-fresh']);
    expect(await readdir(blobTemp)).toEqual([]);
    await rm(join(uploads, 'upload-fresh'));
  });
});
