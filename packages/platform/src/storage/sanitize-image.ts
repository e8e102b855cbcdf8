// Owns cleaning an uploaded image: it is decoded and re-encoded in its own format (JPEG, PNG, WebP,
// GIF; animation kept), so the stored bytes are only what the encoder writes: no EXIF, XMP, IPTC or
// GPS (sharp writes no metadata unless asked) and nothing that was appended after the image
// (polyglots). The EXIF orientation is applied to the pixels before it is dropped. Also makes the
// tiny blurred WebP preview shown in place of locked media. Bounded: the dimensions in the header
// are checked before any pixel is decoded (decompression bombs), and decoding enforces them again.
// sharp (libvips) is loaded on first use, so apps that never take images never load it.
import type { Sharp } from 'sharp';
import { AppError } from '../errors/index.js';
import type { SniffedMedia } from './sniff.js';

/** Largest image accepted, all frames of an animation together: 50 megapixels. */
export const MAX_IMAGE_PIXELS = 50_000_000;

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

export async function sanitizeImage(path: string, media: SniffedMedia): Promise<SanitizedImage> {
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
  if (metadata.width * metadata.height > MAX_IMAGE_PIXELS) {
    throw new AppError({
      kind: 'payload_too_large',
      code: 'image_too_large',
      detail: `The image has more than ${MAX_IMAGE_PIXELS} pixels.`,
    });
  }
  const image = sharp(path, {
    animated: true,
    failOn: 'error',
    limitInputPixels: MAX_IMAGE_PIXELS,
  }).autoOrient();
  const { data, info } = await encode(image, format).catch((error: unknown) => {
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
