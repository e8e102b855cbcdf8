// Receiving an upload: the body lands in a temp file only when it is within the size cap and its
// bytes are an allowed type; every refusal answers with its status and code and leaves nothing behind.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/index.js';
import { receiveUpload } from '../../src/storage/index.js';
import {
  elfExecutable,
  isoMedia,
  noiseJpeg,
  samplePng,
  windowsExecutable,
  zipArchive,
} from './media-samples.js';

let tempDir = '';
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'uploads-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

/** The body in 4 KB chunks, as a network stream delivers it. */
function chunked(bytes: Buffer): Readable {
  return Readable.from(
    Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, index) =>
      bytes.subarray(index * 4096, (index + 1) * 4096),
    ),
  );
}

async function refusal(body: Readable, maxBytes = 1_000_000): Promise<AppError> {
  const error = await receiveUpload(body, { maxBytes, tempDir }).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('receiveUpload', () => {
  it('keeps an allowed file in a temp file, with its exact size and sniffed type', async () => {
    const jpeg = await noiseJpeg();
    const upload = await receiveUpload(chunked(jpeg), { maxBytes: 1_000_000, tempDir });
    expect(upload.byteSize).toBe(jpeg.length);
    expect(upload.media).toEqual({ kind: 'image', contentType: 'image/jpeg', extension: 'jpg' });
    expect(upload.path.startsWith(tempDir)).toBe(true);
    expect((await readFile(upload.path)).equals(jpeg)).toBe(true);
  });

  it('sniffs a file shorter than the sniffed head once it has ended', async () => {
    const png = await samplePng();
    expect(png.length).toBeLessThan(1024);
    const upload = await receiveUpload(Readable.from([png]), { maxBytes: 1_000_000, tempDir });
    expect(upload.media.contentType).toBe('image/png');
    const m4a = await receiveUpload(Readable.from([isoMedia('M4A ', ['M4A ', 'isom'])]), {
      maxBytes: 1000,
      tempDir,
    });
    expect(m4a.media).toEqual({ kind: 'audio', contentType: 'audio/mp4', extension: 'm4a' });
  });

  it('accepts a file of exactly the cap and refuses one byte more with 413 upload_too_large, keeping nothing', async () => {
    const jpeg = await noiseJpeg();
    await expect(receiveUpload(chunked(jpeg), { maxBytes: jpeg.length, tempDir })).resolves.toMatchObject({
      byteSize: jpeg.length,
    });
    await rm(tempDir, { recursive: true });
    const error = await refusal(chunked(jpeg), jpeg.length - 1);
    expect(error).toMatchObject({ kind: 'payload_too_large', code: 'upload_too_large' });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('stops reading an endless body at the cap', async () => {
    const jpegHead = (await noiseJpeg()).subarray(0, 2048);
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 65_536;
        this.push(
          produced === 65_536 ? Buffer.concat([jpegHead, Buffer.alloc(65_536 - 2048)]) : Buffer.alloc(65_536),
        );
      },
    });
    const error = await refusal(endless, 1024 * 1024);
    expect(error.code).toBe('upload_too_large');
    expect(produced).toBeLessThan(4 * 1024 * 1024);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('refuses a disguised executable, an archive and markup with 415 unsupported_media_type, keeping nothing', async () => {
    const bigExe = Buffer.concat([windowsExecutable(), Buffer.alloc(100_000)]);
    for (const body of [bigExe, elfExecutable(), zipArchive(), Buffer.from('<svg onload="alert(1)"/>')]) {
      const error = await refusal(chunked(body));
      expect(error).toMatchObject({ kind: 'unsupported_media_type', code: 'unsupported_media_type' });
    }
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('refuses an empty body with 400 upload_empty', async () => {
    const error = await refusal(Readable.from([]));
    expect(error).toMatchObject({ kind: 'invalid_input', code: 'upload_empty' });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('fails, keeping nothing, when the client goes away mid-upload', async () => {
    const jpeg = await noiseJpeg();
    const body = new Readable({
      read() {
        this.push(jpeg.subarray(0, 2048));
        this.destroy(new Error('aborted'));
      },
    });
    await expect(receiveUpload(body, { maxBytes: 1_000_000, tempDir })).rejects.toThrow('aborted');
    expect(await readdir(tempDir)).toEqual([]);
  });
});
