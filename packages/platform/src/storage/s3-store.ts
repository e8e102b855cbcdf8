// Owns the S3-compatible BlobStore (AWS S3, Cloudflare R2, MinIO...) through the official
// @aws-sdk/client-s3. A put is one streamed PutObject with the exact Content-Length (objects stay
// well under the 5 GB single-request limit, so no multipart upload); checksums are only sent where
// an operation requires them, which every S3-compatible service accepts. Without keys the SDK's
// default credential chain applies (environment, instance or task role). The SDK is loaded on first
// use, so apps that store on the filesystem never load it.
import { Readable } from 'node:stream';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { assertBlobKey, assertRange, type BlobMeta, type BlobStore } from './blob-store.js';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** For S3-compatible services: e.g. `https://<account>.r2.cloudflarestorage.com`, `http://127.0.0.1:9000`. */
  endpoint?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO and local servers). */
  forcePathStyle?: boolean | undefined;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** First byte, last byte and total size from `Content-Range: bytes 0-9/1234`. */
function contentRange(output: GetObjectCommandOutput): { first: number; last: number; total: number } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(output.ContentRange ?? '');
  return match ? { first: Number(match[1]), last: Number(match[2]), total: Number(match[3]) } : null;
}

async function* firstBytes(body: Readable, length: number): AsyncGenerator<Buffer> {
  let left = length;
  for await (const chunk of body) {
    const part = (chunk as Buffer).subarray(0, left);
    left -= part.length;
    yield part;
    if (left === 0) break; // stops reading: the response is closed
  }
}

/**
 * The body as asked for. Some S3-compatible servers send more than a range asked for (s3rver answers
 * `bytes=0-0` with the whole object, saying so in Content-Range): the extra bytes are cut.
 */
function bodyOf(output: GetObjectCommandOutput, range: { start: number; end: number } | undefined) {
  const body = output.Body instanceof Readable ? output.Body : Readable.from([]);
  const sent = contentRange(output);
  if (!range) return { body, byteSize: output.ContentLength ?? 0 };
  if (!sent || sent.first !== range.start) {
    // The unread body holds the connection: release it before giving up.
    body.destroy();
    throw new Error(`range ${range.start}-${range.end} was not honoured`);
  }
  const last = Math.min(range.end, sent.total - 1);
  const trimmed = sent.last > last ? Readable.from(firstBytes(body, last - range.start + 1)) : body;
  return { body: trimmed, byteSize: sent.total };
}

type Sdk = typeof import('@aws-sdk/client-s3');

export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { bucket } = options;
  let connection: Promise<{ sdk: Sdk; client: S3Client }> | undefined;
  const connect = () => {
    connection ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: options.region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        forcePathStyle: options.forcePathStyle ?? false,
        ...(options.accessKeyId && options.secretAccessKey
          ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
          : {}),
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    }));
    return connection;
  };

  async function put(key: string, body: Readable | Buffer, meta: BlobMeta): Promise<void> {
    assertBlobKey(key);
    const { sdk, client } = await connect();
    await client.send(
      new sdk.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: meta.contentType,
        ContentLength: meta.byteSize,
      }),
    );
  }

  async function get(key: string, range?: { start: number; end: number }) {
    assertBlobKey(key);
    assertRange(range);
    const { sdk, client } = await connect();
    try {
      const output = await client.send(
        new sdk.GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      return { ...bodyOf(output, range), contentType: output.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      if (statusOf(error) === 416) throw new RangeError(`range starts past the end of blob ${key}`);
      throw error;
    }
  }

  async function remove(key: string): Promise<void> {
    assertBlobKey(key);
    const { sdk, client } = await connect();
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  return { backend: 's3', put, get, delete: remove };
}
