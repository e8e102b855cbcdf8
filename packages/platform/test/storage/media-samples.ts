// Real bytes of every allowed type and of the disguises that must be refused: images are made by
// sharp; MP4, M4A and MP3 heads are built by hand after their specifications (an ftyp box, an ID3v2
// header, an MPEG-1 layer III frame header).
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** A photo-like JPEG (noise, so it is several kilobytes: larger than the sniffed head). */
export async function noiseJpeg(width = 96, height = 64): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index += 1) pixels[index] = (index * 7919) % 251;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const plain = (width: number, height: number, background = '#c8285a') =>
  sharp({ create: { width, height, channels: 3, background } });

export const samplePng = () => plain(12, 8).png().toBuffer();
export const sampleWebp = () => plain(12, 8).webp().toBuffer();
export const sampleGif = () => plain(12, 8).gif().toBuffer();

/** A 3-frame animated GIF (red, green, blue), 10x10 per frame. */
export async function animatedGif(): Promise<Buffer> {
  const frames = await Promise.all(
    ['#f00', '#0f0', '#00f'].map((colour) => plain(10, 10, colour).png().toBuffer()),
  );
  return sharp(frames, { join: { animated: true } })
    .gif({ loop: 0, delay: [100, 100, 100] })
    .toBuffer();
}

function box(type: string, payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + payload.length);
  return Buffer.concat([size, Buffer.from(type, 'latin1'), payload]);
}

/** An ftyp box (major brand, minor version 0x200, compatible brands) followed by a free box. */
export function isoMedia(major: string, compatible: string[]): Buffer {
  const minor = Buffer.from([0, 0, 2, 0]);
  const ftyp = box(
    'ftyp',
    Buffer.concat([Buffer.from(major, 'latin1'), minor, Buffer.from(compatible.join(''), 'latin1')]),
  );
  return Buffer.concat([ftyp, box('free', Buffer.alloc(32))]);
}

/** MPEG-1 layer III frame header: 128 kbit/s, 44.1 kHz, no padding, then a zero frame body. */
export const mp3Frame = (): Buffer =>
  Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(413)]);

/** An ID3v2.4 tag with a TIT2 title, then an MPEG frame. */
export function mp3WithId3(): Buffer {
  const title = Buffer.concat([Buffer.from([3]), Buffer.from('Song', 'utf8')]);
  const frame = Buffer.concat([Buffer.from('TIT2'), Buffer.from([0, 0, 0, title.length, 0, 0]), title]);
  const header = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, frame.length]);
  return Buffer.concat([header, frame, mp3Frame()]);
}

/** A Windows executable: MZ header, PE offset at 0x3c, PE signature. */
export function windowsExecutable(): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}

export const elfExecutable = (): Buffer =>
  Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);

export const zipArchive = (): Buffer =>
  Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('evil.exe')]);

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A PNG header claiming width x height pixels with a few hundred bytes of data: a decompression bomb. */
export function pngBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
