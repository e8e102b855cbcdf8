// Owns the media module's settings and their defaults: the largest upload of each kind (the stream
// is cut off at the largest of them, then the sniffed kind's own cap applies), how long a signed
// download URL stays valid, and each user's daily upload quota (uploads and bytes per UTC day,
// deleted uploads included, so deleting does not buy more), and how many uploads one user may have
// in flight at once (each holds a temp file of up to the largest cap).
import type { MediaKind } from '@app/platform';

const MB = 1024 * 1024;

export interface MediaOptions {
  /** Largest upload per sniffed kind, in bytes. */
  maxBytes: Record<MediaKind, number>;
  /** How long a signed download URL is valid, in seconds (rounded up to the next whole minute). */
  urlTtlSeconds: number;
  /** Uploads one user may make per UTC day. */
  dailyUploads: number;
  /** Bytes one user may upload per UTC day (as stored: images after sanitising). */
  dailyUploadBytes: number;
  /** Uploads one user may have in progress at once (in this process). */
  concurrentUploads: number;
}

export type MediaOptionsInput = Partial<Omit<MediaOptions, 'maxBytes'>> & {
  maxBytes?: Partial<Record<MediaKind, number>>;
};

export const DEFAULT_MEDIA_OPTIONS: MediaOptions = {
  maxBytes: { image: 20 * MB, video: 200 * MB, audio: 50 * MB },
  urlTtlSeconds: 600,
  dailyUploads: 200,
  dailyUploadBytes: 2048 * MB,
  concurrentUploads: 3,
};

/** The app's media options with defaults filled in; a bad value stops the app from starting. */
export function mediaOptions(input: MediaOptionsInput = {}): MediaOptions {
  const resolved: MediaOptions = {
    ...DEFAULT_MEDIA_OPTIONS,
    ...input,
    maxBytes: { ...DEFAULT_MEDIA_OPTIONS.maxBytes, ...input.maxBytes },
  };
  const positive = (value: number) => Number.isSafeInteger(value) && value > 0;
  for (const [kind, bytes] of Object.entries(resolved.maxBytes)) {
    if (!positive(bytes)) throw new Error(`media: maxBytes.${kind} must be a positive whole number of bytes`);
  }
  if (!positive(resolved.urlTtlSeconds) || resolved.urlTtlSeconds > 7 * 24 * 3600) {
    throw new Error('media: urlTtlSeconds must be a whole number of seconds from 1 to 604800 (7 days)');
  }
  if (!positive(resolved.dailyUploads))
    throw new Error('media: dailyUploads must be a positive whole number');
  if (!positive(resolved.dailyUploadBytes)) {
    throw new Error('media: dailyUploadBytes must be a positive whole number of bytes');
  }
  if (!positive(resolved.concurrentUploads))
    throw new Error('media: concurrentUploads must be a positive whole number');
  return resolved;
}

/** The stream cap of an upload: the largest of the kinds' caps (the kind is only known once sniffed). */
export const streamCap = (options: MediaOptions): number => Math.max(...Object.values(options.maxBytes));
