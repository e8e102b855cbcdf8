// Owns cleaning an uploaded image: it is decoded and re-encoded in its own format (JPEG, PNG, WebP,
// GIF; animation kept), so the stored bytes are only what the encoder writes: no EXIF, XMP, IPTC or
// GPS (sharp writes no metadata unless asked) and nothing that was appended after the image
// (polyglots). The EXIF orientation is applied to the pixels before it is dropped. Also makes the
// tiny blurred WebP preview shown in place of locked media. Bounded, because decoding runs on
// libuv's threadpool and a slow image would stall unrelated file work: the dimensions and frame
// count in the header are checked before any pixel is decoded (decompression bombs, animations of
// thousands of frames), with a lower pixel budget for animations; decoding enforces the pixel
// limit again and is cut off after IMAGE_TIMEOUT_SECONDS; and at most IMAGE_SANITIZE_CONCURRENCY
// images are processed at once in the whole process (the others wait in line).
// sharp (libvips) is loaded on first use, so apps that never take images never load it.
import type { Sharp } from 'sharp';
import { AppError } from '../errors/index.js';
import { createSemaphore } from './semaphore.js';
import type { SniffedMedia } from './sniff.js';

/** Largest still image accepted: 50 megapixels. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Largest animation accepted, all frames together: 10 megapixels (each frame is decoded and encoded). */
export const MAX_ANIMATION_PIXELS = 10_000_000;
/** Most frames an animation may have. */
export const MAX_IMAGE_FRAMES = 300;
/** Longest one image may take to decode and encode. */
export const IMAGE_TIMEOUT_SECONDS = 20;
/** Images processed at once in the process; libuv's threadpool has 4 threads by default. */
export const IMAGE_SANITIZE_CONCURRENCY = 2;

const slots = createSemaphore(IMAGE_SANITIZE_CONCURRENCY);

/** How many images are being sanitised now, and how many wait for their turn. */
export const imageSanitizerLoad = () => ({ running: slots.running, waiting: slots.waiting });

const PREVIEW_EDGE = 16;

export interface SanitizedImage {
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
  /** `data:image/webp;base64,...`, a few hundred bytes. */
  preview: string;
}

const FORMATS = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
} as const;

function undecodable(cause?: unknown): AppError {
  return new AppError({
    kind: 'unsupported_media_type',
    code: 'unsupported_media_type',
    detail: 'The image could not be decoded.',
    ...(cause === undefined ? {} : { cause }),
  });
}

const loadSharp = () => import('sharp').then((module) => module.default);

function encode(image: Sharp, format: (typeof FORMATS)[keyof typeof FORMATS]) {
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: 85, mozjpeg: true }).toBuffer({ resolveWithObject: true });
    case 'png':
      return image.png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true });
    case 'webp':
      return image.webp({ quality: 85 }).toBuffer({ resolveWithObject: true });
    case 'gif':
      return image.gif().toBuffer({ resolveWithObject: true });
  }
}

async function blurredPreview(bytes: Buffer): Promise<string> {
  const sharp = await loadSharp();
  const preview = await sharp(bytes, { pages: 1 })
    .resize(PREVIEW_EDGE, PREVIEW_EDGE, { fit: 'inside' })
    .blur(0.6)
    .webp({ quality: 40 })
    .toBuffer();
  return `data:image/webp;base64,${preview.toString('base64')}`;
}

const tooLarge = (code: string, detail: string) => new AppError({ kind: 'payload_too_large', code, detail });

/** Refuses, from the header alone, an image too large or with too many frames to decode. */
function checkBounds(metadata: { width: number; height: number; pages?: number | undefined }): void {
  const frames = metadata.pages ?? 1;
  if (frames > MAX_IMAGE_FRAMES) {
    throw tooLarge('image_too_many_frames', `The animation has more than ${MAX_IMAGE_FRAMES} frames.`);
  }
  const budget = frames > 1 ? MAX_ANIMATION_PIXELS : MAX_IMAGE_PIXELS;
  if (metadata.width * metadata.height > budget) {
    throw tooLarge(
      'image_too_large',
      frames > 1
        ? `The animation has more than ${budget} pixels in all its frames together.`
        : `The image has more than ${budget} pixels.`,
    );
  }
}

export function sanitizeImage(path: string, media: SniffedMedia): Promise<SanitizedImage> {
  return slots.run(() => sanitize(path, media));
}

async function sanitize(path: string, media: SniffedMedia): Promise<SanitizedImage> {
  const format = media.kind === 'image' ? FORMATS[media.contentType as keyof typeof FORMATS] : undefined;
  if (!format) throw undecodable();
  const sharp = await loadSharp();
  // Reads the header only, so the pixel limit is checked here rather than by sharp (whose refusal
  // would not be told apart from a broken file). With all frames, height covers every frame.
  const metadata = await sharp(path, { animated: true, limitInputPixels: false })
    .metadata()
    .catch((error: unknown) => {
      throw undecodable(error);
    });
  if (metadata.format !== format) throw undecodable();
  checkBounds(metadata);
  const image = sharp(path, {
    animated: true,
    failOn: 'error',
    limitInputPixels: MAX_IMAGE_PIXELS,
  })
    .autoOrient()
    .timeout({ seconds: IMAGE_TIMEOUT_SECONDS });
  const { data, info } = await encode(image, format).catch((error: unknown) => {
    if (error instanceof Error && error.message.startsWith('timeout')) {
      throw tooLarge(
        'image_too_complex',
        `The image took longer than ${IMAGE_TIMEOUT_SECONDS} s to process.`,
      );
    }
    throw undecodable(error);
  });
  return {
    bytes: data,
    contentType: media.contentType,
    width: info.width,
    height: info.pageHeight ?? info.height,
    preview: await blurredPreview(data),
  };
}
