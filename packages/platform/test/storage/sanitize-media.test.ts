// Checking and cleaning video and audio without re-encoding: the location planted in an MP4's
// metadata boxes and in an MP3's ID3 tags is gone while the file keeps its structure (same MP4
// length, boxes still chaining; MP3 frames intact), and files that only start like MP3 or MP4
// (markup behind a valid head) are refused with 415.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/index.js';
import { type SniffedMedia, sanitizeMedia, sniffMedia } from '../../src/storage/index.js';
import {
  box,
  isoMedia,
  mp3Frame,
  mp3WithId3,
  mp3WithTags,
  mp4WithLocation,
  PLANTED_LOCATION,
} from './media-samples.js';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sanitize-media-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

let files = 0;
async function fileWith(bytes: Buffer): Promise<string> {
  files += 1;
  const path = join(directory, `media-${files}`);
  await writeFile(path, bytes);
  return path;
}

/** Sanitises the bytes as sniffed; returns what would be stored. */
async function cleaned(bytes: Buffer): Promise<Buffer> {
  const media = sniffMedia(bytes);
  expect(media).not.toBeNull();
  const path = await fileWith(bytes);
  const { start, byteSize } = await sanitizeMedia(path, media as SniffedMedia);
  return (await readFile(path)).subarray(start, start + byteSize);
}

async function refusal(bytes: Buffer, media: SniffedMedia): Promise<unknown> {
  return sanitizeMedia(await fileWith(bytes), media).then(
    () => null,
    (error: unknown) => error,
  );
}

const mp4: SniffedMedia = { kind: 'video', contentType: 'video/mp4', extension: 'mp4' };
const mp3: SniffedMedia = { kind: 'audio', contentType: 'audio/mpeg', extension: 'mp3' };

/** The top-level box types of an ISO file, following the sizes. */
function topLevelTypes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at < bytes.length; at += bytes.readUInt32BE(at))
    types.push(bytes.toString('latin1', at + 4, at + 8));
  return types;
}

describe('sanitizeMedia on MP4 and M4A', () => {
  it('removes the location from udta/©xyz, meta and a trak udta, keeping length and box structure', async () => {
    const original = mp4WithLocation();
    expect(original.includes(PLANTED_LOCATION)).toBe(true);
    const stored = await cleaned(original);
    expect(stored.length).toBe(original.length);
    expect(stored.includes(PLANTED_LOCATION)).toBe(false);
    expect(stored.includes('com.apple.quicktime.location')).toBe(false);
    expect(stored.includes('\xa9xyz')).toBe(false);
    expect(sniffMedia(stored)?.contentType).toBe('video/mp4');
    expect(topLevelTypes(stored)).toEqual(['ftyp', 'moov', 'mdat']);
    // The media data and the movie header are untouched.
    expect(stored.subarray(-600).equals(original.subarray(-600))).toBe(true);
    expect(stored.includes('mvhd')).toBe(true);
    expect(stored.includes('tkhd')).toBe(true);
  });

  it('cleans an M4A the same way, and a top-level meta and uuid (XMP) box', async () => {
    const xmp = box(
      'uuid',
      Buffer.concat([Buffer.alloc(16, 0xbe), Buffer.from(`<x:xmpmeta>${PLANTED_LOCATION}`)]),
    );
    const original = Buffer.concat([
      mp4WithLocation('M4A ', ['M4A ', 'mp42']),
      xmp,
      box('meta', Buffer.from(PLANTED_LOCATION)),
    ]);
    const stored = await cleaned(original);
    expect(stored.length).toBe(original.length);
    expect(stored.includes(PLANTED_LOCATION)).toBe(false);
    expect(topLevelTypes(stored)).toEqual(['ftyp', 'moov', 'mdat', 'free', 'free']);
  });

  it('follows a 64-bit box size and a last box whose size is 0 (to the end of the file)', async () => {
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1, 0);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(BigInt(16 + 100), 8);
    const toEnd = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('mdat'), Buffer.alloc(50)]);
    const original = Buffer.concat([isoMedia('isom', ['isom']), large, Buffer.alloc(100, 1), toEnd]);
    expect((await cleaned(original)).length).toBe(original.length);
  });

  it('refuses an ftyp followed by markup, trailing bytes, an unknown box or a broken moov with 415', async () => {
    const head = isoMedia('isom', ['isom', 'mp42']);
    const cases = [
      // The reviewer's example: a valid head, then a page after the sniffed kilobyte.
      Buffer.concat([head, box('free', Buffer.alloc(1100)), Buffer.from('<script>alert(1)</script>')]),
      Buffer.concat([head, Buffer.alloc(100, 7)]),
      Buffer.concat([head, box('html', Buffer.from('<p>hi</p>'))]),
      Buffer.concat([head, box('moov', Buffer.from('not boxes at all'))]),
      Buffer.concat([head, Buffer.from([0, 0, 0, 4]), Buffer.from('mdat')]),
      // A flood of empty boxes (200 000 of them) is refused rather than walked to the end.
      Buffer.concat([
        head,
        Buffer.concat(Array.from({ length: 200_000 }, () => box('free', Buffer.alloc(0)))),
      ]),
    ];
    for (const bytes of cases) {
      const error = await refusal(bytes, mp4);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ kind: 'unsupported_media_type', code: 'unsupported_media_type' });
    }
  });
});

describe('sanitizeMedia on MP3', () => {
  it('keeps only the MPEG frames: ID3v2 text and APIC cover art and the ID3v1 trailer are gone', async () => {
    const original = mp3WithTags(3);
    expect(original.includes(PLANTED_LOCATION)).toBe(true);
    const stored = await cleaned(original);
    expect(stored.equals(mp3Frame(3))).toBe(true);
    expect(stored.includes(PLANTED_LOCATION)).toBe(false);
    expect(stored.includes('APIC')).toBe(false);
    expect(sniffMedia(stored)?.contentType).toBe('audio/mpeg');
  });

  it('accepts frames of MPEG-2 and MPEG-2.5 with padding, whose lengths come from their own tables', async () => {
    // MPEG-2 layer III, 64 kbit/s, 22.05 kHz, padded: 72 * 64000 / 22050 + 1 = 209 bytes.
    const mpeg2 = Buffer.concat([Buffer.from([0xff, 0xf3, 0x82, 0x00]), Buffer.alloc(205)]);
    // MPEG-2.5 layer III, 8 kbit/s, 8 kHz, no padding: 72 * 8000 / 8000 = 72 bytes.
    const mpeg25 = Buffer.concat([Buffer.from([0xff, 0xe3, 0x18, 0x00]), Buffer.alloc(68)]);
    for (const frame of [mpeg2, mpeg25]) {
      const original = Buffer.concat([frame, frame, frame]);
      expect((await cleaned(original)).equals(original)).toBe(true);
    }
    expect((await cleaned(mp3WithId3())).equals(mp3Frame())).toBe(true);
  });

  it('refuses HTML behind an ID3 header or a lone frame header, and a single frame, with 415', async () => {
    const page = Buffer.from('<!doctype html><body onload=alert(1)>');
    const cases = [
      Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]), page]),
      Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), page]),
      Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(413), page]),
      mp3Frame(1),
      Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0x80, 0, 0, 0]),
    ];
    for (const bytes of cases) {
      expect(await refusal(bytes, mp3)).toMatchObject({ code: 'unsupported_media_type' });
    }
  });
});
