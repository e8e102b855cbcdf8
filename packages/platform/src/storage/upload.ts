// Owns receiving an upload: the body streams into a temp file (mode 0600) while it is counted and
// its first bytes sniffed, so nothing past the size cap or of a refused type is ever kept. Refusals:
// 400 upload_empty, 413 upload_too_large, 415 unsupported_media_type; the temp file is removed on
// every refusal and failure. The body is piped, not destroyed, on refusal, so an HTTP request can
// still be answered. On success the caller owns the temp file (store it, then remove it).
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finished, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors/index.js';
import { SNIFF_BYTES, type SniffedMedia, sniffMedia } from './sniff.js';

export interface UploadOptions {
  maxBytes: number;
  /** Created when missing; the temp file is written here. */
  tempDir: string;
}

export interface ReceivedUpload {
  path: string;
  byteSize: number;
  media: SniffedMedia;
}

function refusedType(): AppError {
  return new AppError({
    kind: 'unsupported_media_type',
    code: 'unsupported_media_type',
    detail: 'The file is not an allowed type: JPEG, PNG, WebP, GIF, MP4, MP3 or M4A.',
  });
}

function tooLarge(maxBytes: number): AppError {
  return new AppError({
    kind: 'payload_too_large',
    code: 'upload_too_large',
    detail: `The file is larger than the limit of ${maxBytes} bytes.`,
  });
}

/** Counts and sniffs the bytes passing through; fails at the first byte over the cap or a refused head. */
function inspector(maxBytes: number, found: (media: SniffedMedia, byteSize: number) => void): Transform {
  let byteSize = 0;
  const head: Buffer[] = [];
  // undefined until the head is complete (SNIFF_BYTES, or the whole body when shorter).
  let media: SniffedMedia | null | undefined;
  const sniffHead = () => {
    media = sniffMedia(Buffer.concat(head));
    head.length = 0;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      byteSize += chunk.length;
      if (byteSize > maxBytes) return done(tooLarge(maxBytes));
      if (media === undefined) {
        head.push(chunk);
        if (byteSize >= SNIFF_BYTES) sniffHead();
      }
      done(media === null ? refusedType() : null, chunk);
    },
    flush(done) {
      if (byteSize === 0) {
        return done(
          new AppError({ kind: 'invalid_input', code: 'upload_empty', detail: 'The file is empty.' }),
        );
      }
      if (media === undefined) sniffHead();
      if (!media) return done(refusedType());
      found(media, byteSize);
      done();
    },
  });
}

export async function receiveUpload(body: Readable, options: UploadOptions): Promise<ReceivedUpload> {
  await mkdir(options.tempDir, { recursive: true });
  const path = join(options.tempDir, `upload-${randomUUID()}`);
  let result = null as ReceivedUpload | null;
  const inspect = inspector(options.maxBytes, (media, byteSize) => {
    result = { path, byteSize, media };
  });
  // A client that goes away mid-body ends the upload as a failure rather than leaving it waiting.
  const stopWatching = finished(body, (error) => {
    if (error) inspect.destroy(error);
  });
  body.pipe(inspect);
  try {
    await pipeline(inspect, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    body.unpipe(inspect);
    await rm(path, { force: true });
    throw error;
  } finally {
    stopWatching();
  }
  if (!result) throw new Error('upload finished without being inspected');
  return result;
}
