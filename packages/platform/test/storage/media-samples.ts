// Real bytes of every allowed type and of the disguises that must be refused: images are made by
// sharp (or, for animations of many frames, by hand after the GIF89a specification); MP4, M4A and
// MP3 files are built by hand after their specifications (boxes chaining to the end of the file,
// ID3v2 tags, consecutive MPEG-1 layer III frames), some carrying a planted location to strip.
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

/** An ISO BMFF box: 32-bit size, type (latin1, e.g. `\xa9xyz`), payload. */
export function box(type: string, payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + payload.length);
  return Buffer.concat([size, Buffer.from(type, 'latin1'), payload]);
}

function ftyp(major: string, compatible: string[]): Buffer {
  const minor = Buffer.from([0, 0, 2, 0]);
  return box(
    'ftyp',
    Buffer.concat([Buffer.from(major, 'latin1'), minor, Buffer.from(compatible.join(''), 'latin1')]),
  );
}

/**
 * An ftyp box (major brand, minor version 0x200, compatible brands), a free box and, when
 * mdatBytes > 0, an mdat box of that many payload bytes (each `fill`): boxes chain to the end.
 */
export function isoMedia(major: string, compatible: string[], mdatBytes = 0, fill = 0): Buffer {
  const boxes = [ftyp(major, compatible), box('free', Buffer.alloc(32))];
  if (mdatBytes > 0) boxes.push(box('mdat', Buffer.alloc(mdatBytes, fill)));
  return Buffer.concat(boxes);
}

/** The location an iPhone writes (Eiffel Tower), as planted in the MP4 and MP3 samples. */
export const PLANTED_LOCATION = '+48.8584+002.2945/';

/**
 * A minimal MP4 whose moov carries the location three ways: udta/©xyz (the classic QuickTime tag),
 * a meta box with com.apple.quicktime.location.ISO6709, and a trak's own udta; then an mdat.
 */
export function mp4WithLocation(major = 'isom', compatible = ['isom', 'mp42']): Buffer {
  const text = Buffer.from(PLANTED_LOCATION, 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt16BE(text.length, 0);
  length.writeUInt16BE(0x15c7, 2); // language
  const xyz = box('\xa9xyz', Buffer.concat([length, text]));
  const meta = box(
    'meta',
    Buffer.concat([
      Buffer.alloc(4), // version and flags
      box('keys', Buffer.from('com.apple.quicktime.location.ISO6709', 'latin1')),
      box('ilst', box('data', Buffer.concat([Buffer.alloc(8), text]))),
    ]),
  );
  const trak = box('trak', Buffer.concat([box('tkhd', Buffer.alloc(84)), box('udta', xyz)]));
  const moov = box('moov', Buffer.concat([box('mvhd', Buffer.alloc(100)), box('udta', xyz), meta, trak]));
  return Buffer.concat([ftyp(major, compatible), moov, box('mdat', Buffer.alloc(600, 0x55))]);
}

/** `count` MPEG-1 layer III frames: 128 kbit/s, 44.1 kHz, no padding (417 bytes each), zero bodies. */
export const mp3Frame = (count = 2): Buffer =>
  Buffer.concat(
    Array.from({ length: count }, () =>
      Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(413)]),
    ),
  );

function id3Frame(id: string, body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(body.length); // ID3v2.3 frame sizes are plain 32-bit
  return Buffer.concat([Buffer.from(id, 'latin1'), size, Buffer.from([0, 0]), body]);
}

function id3Tag(major: number, frames: Buffer): Buffer {
  const size = frames.length;
  const syncsafe = [(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f];
  return Buffer.concat([Buffer.from([0x49, 0x44, 0x33, major, 0, 0, ...syncsafe]), frames]);
}

/** An ID3v2.4 tag with a TIT2 title, then two MPEG frames. */
export function mp3WithId3(): Buffer {
  const title = Buffer.concat([Buffer.from([3]), Buffer.from('Song', 'utf8')]);
  const frame = Buffer.concat([Buffer.from('TIT2'), Buffer.from([0, 0, 0, title.length, 0, 0]), title]);
  return Buffer.concat([id3Tag(4, frame), mp3Frame()]);
}

/**
 * An MP3 whose ID3v2.3 tag holds a text frame and an APIC cover picture (a JPEG head with EXIF and
 * the location), then `frames` MPEG frames, then an ID3v1 trailer naming the location again.
 */
export function mp3WithTags(frames = 3): Buffer {
  const text = id3Frame('TXXX', Buffer.from(`\0location\0${PLANTED_LOCATION}`, 'latin1'));
  const cover = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x30]),
    Buffer.from(`Exif\0\0GPS ${PLANTED_LOCATION}`, 'latin1'),
  ]);
  const apic = id3Frame('APIC', Buffer.concat([Buffer.from('\0image/jpeg\0\x03\0', 'latin1'), cover]));
  const v1 = Buffer.alloc(128);
  v1.write(`TAG${PLANTED_LOCATION}`, 'latin1');
  return Buffer.concat([id3Tag(3, Buffer.concat([text, apic])), mp3Frame(frames), v1]);
}

/**
 * A GIF89a animation built by hand: a width x height screen and `frames` frames of 1x1 pixel, so
 * thousands of frames (or a huge screen) cost a few bytes each.
 */
export function gifAnimation(width: number, height: number, frames: number): Buffer {
  const screen = Buffer.alloc(13);
  screen.write('GIF89a', 'latin1');
  screen.writeUInt16LE(width, 6);
  screen.writeUInt16LE(height, 8);
  screen.set([0x80, 0, 0], 10); // a global colour table of 2 colours
  const colours = Buffer.from([0, 0, 0, 0xff, 0xff, 0xff]);
  const loop = Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0'), 0x03, 0x01, 0, 0, 0]);
  const frame = Buffer.from([
    ...[0x21, 0xf9, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00], // graphic control: 100 ms
    ...[0x2c, 0, 0, 0, 0, 0x01, 0x00, 0x01, 0x00, 0x00], // a 1x1 image at 0,0
    ...[0x02, 0x02, 0x44, 0x01, 0x00], // its LZW data
  ]);
  return Buffer.concat([
    screen,
    colours,
    loop,
    ...Array.from({ length: frames }, () => frame),
    Buffer.from([0x3b]),
  ]);
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
