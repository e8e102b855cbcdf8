// Owns the BlobStore contract every backend keeps, and the choice of backend from configuration:
// S3-compatible when STORAGE_S3_BUCKET is set, else files under <data dir>/blobs (embedded default).
// Keys are chosen by the platform's callers (e.g. `media/<uuid>`), never by clients; both backends
// accept the same key alphabet so objects can move between them.
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { PlatformConfig } from '../config/index.js';
import { createFsBlobStore } from './fs-store.js';
import { createS3BlobStore } from './s3-store.js';

export interface BlobMeta {
  contentType: string;
  /** The body's exact length; a body of another length is refused and nothing is stored. */
  byteSize: number;
}

export interface BlobObject {
  body: Readable;
  /** The whole object's size, also when a range was asked for. */
  byteSize: number;
  contentType: string;
}

export interface BlobStore {
  readonly backend: 'filesystem' | 's3';
  /** Stores the bytes under key (streamed; overwrites). */
  put(key: string, body: Readable | Buffer, meta: BlobMeta): Promise<void>;
  /**
   * The object, or a byte range of it (inclusive end, clamped to the object's last byte), or null
   * when absent. byteSize = whole object size. A range starting past the end throws RangeError:
   * callers check ranges with parseByteRange against the size they recorded.
   */
  get(key: string, range?: { start: number; end: number }): Promise<BlobObject | null>;
  /** Removes the object; an absent key is no error. */
  delete(key: string): Promise<void>;
}

export function createBlobStore(config: Pick<PlatformConfig, 'dataDir' | 'storage'>): BlobStore {
  const s3 = config.storage.s3;
  return s3 ? createS3BlobStore(s3) : createFsBlobStore(join(config.dataDir, 'blobs'));
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.=-]*(\/[A-Za-z0-9][A-Za-z0-9_.=-]*)*$/;

/**
 * Throws unless key is 1 to 512 characters of path segments made of letters, digits, `_ . = -`, each
 * starting with a letter or digit: so no `..`, no absolute path, no hidden file, no backslash.
 */
export function assertBlobKey(key: string): void {
  if (key.length > 512 || !KEY.test(key)) throw new TypeError(`invalid blob key ${JSON.stringify(key)}`);
}

export function assertRange(range: { start: number; end: number } | undefined): void {
  if (
    range &&
    !(
      Number.isSafeInteger(range.start) &&
      Number.isSafeInteger(range.end) &&
      range.start >= 0 &&
      range.end >= range.start
    )
  ) {
    throw new RangeError(`invalid byte range ${range.start}-${range.end}`);
  }
}
