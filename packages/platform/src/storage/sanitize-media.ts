// Owns checking and cleaning an uploaded video or audio file (MP4, M4A, MP3) without re-encoding it
// (pure TypeScript, no ffmpeg), on the received temp file, reading headers through a file handle so
// a 200 MB upload is never held in memory. The sniffed head only says how a file starts; here the
// whole file must be what it claims, else 415 `unsupported_media_type` (markup behind a valid start):
// - MP4 / M4A (ISO BMFF): the top-level boxes must chain exactly to the end of the file (sizes >= 8,
//   64-bit sizes, size 0 = to the end, known top-level types only, at most 100 000 per level), and
//   so must the children of `moov` and of each `trak`. Metadata is then neutralised IN PLACE: every `udta`, `meta` and `uuid`
//   box (top level, in `moov`, in each `trak`) becomes a `free` box of the same size with zeroed
//   bytes (GPS `©xyz`, `com.apple.quicktime.location.ISO6709`, cover art with EXIF, XMP), and free
//   space (`free`, `skip`, `wide`) is zeroed too; sizes and chunk offsets (stco/co64) stay valid.
// - MP3: after any ID3v2 tags, there must be an MPEG audio layer III frame header and a second one
//   exactly one frame length later. What is kept is the run of whole consecutive frames only: ID3v2
//   tags (text, APIC cover art, GEOB), an ID3v1 or APEv2 trailer and anything else are left out.
import { type FileHandle, open } from 'node:fs/promises';
import { AppError } from '../errors/index.js';
import { isMpegAudioFrame, type SniffedMedia } from './sniff.js';

/** The part of the (cleaned) temp file to store: bytes [start, start + byteSize). */
export interface SanitizedMedia {
  start: number;
  byteSize: number;
}

const WINDOW_BYTES = 256 * 1024;
/** Most boxes one level may hold (real files have a few, fragmented ones thousands): bounds memory and work. */
const MAX_BOXES = 100_000;
const ZEROES = Buffer.alloc(64 * 1024);

function notMedia(detail: string): AppError {
  return new AppError({
    kind: 'unsupported_media_type',
    code: 'unsupported_media_type',
    detail: `The file is not a valid ${detail}.`,
  });
}

type Read = (offset: number, length: number) => Promise<Buffer>;

/** Reads through a window of the file, so walking many small headers costs few system calls. */
function windowedReader(handle: FileHandle, size: number): Read {
  let start = 0;
  let window = Buffer.alloc(0);
  return async (offset, length) => {
    const end = Math.min(offset + length, size);
    if (offset < start || end > start + window.length) {
      const want = Math.max(0, Math.min(Math.max(length, WINDOW_BYTES), size - offset));
      const buffer = Buffer.alloc(want);
      const { bytesRead } = await handle.read(buffer, 0, want, offset);
      start = offset;
      window = buffer.subarray(0, bytesRead);
    }
    return window.subarray(offset - start, Math.max(offset, end) - start);
  };
}

// ---------------------------------------------------------------------------------------------
// ISO base media (MP4, M4A)

const TOP_LEVEL = new Set([
  'ftyp',
  'styp',
  'moov',
  'mdat',
  'free',
  'skip',
  'wide',
  'uuid',
  'moof',
  'mfra',
  'sidx',
  'emsg',
  'pdin',
  'meta',
  'prft',
]);
/** Boxes that carry metadata (location, cover art, XMP): turned into zeroed `free` boxes. */
const METADATA = new Set(['udta', 'meta', 'uuid']);
/** Free space, which may hold leftovers of earlier metadata: zeroed, type kept. */
const FREE_SPACE = new Set(['free', 'skip', 'wide']);

interface Box {
  type: string;
  at: number;
  size: number;
  headerSize: number;
}

/** The boxes from `start` to exactly `end`, or null when they do not chain there. */
async function boxesIn(read: Read, start: number, end: number, topLevel: boolean): Promise<Box[] | null> {
  const boxes: Box[] = [];
  let at = start;
  while (at < end) {
    if (boxes.length === MAX_BOXES) return null;
    const header = await read(at, 16);
    if (header.length < 8) return null;
    const size32 = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let size = size32;
    let headerSize = 8;
    if (size32 === 1) {
      if (header.length < 16) return null;
      const large = header.readBigUInt64BE(8);
      if (large > BigInt(Number.MAX_SAFE_INTEGER)) return null;
      size = Number(large);
      headerSize = 16;
    } else if (size32 === 0) {
      if (!topLevel) return null;
      size = end - at;
    }
    if (size < headerSize || at + size > end) return null;
    if (topLevel && !TOP_LEVEL.has(type)) return null;
    boxes.push({ type, at, size, headerSize });
    at += size;
  }
  return boxes;
}

async function zeroFill(handle: FileHandle, from: number, to: number): Promise<void> {
  for (let at = from; at < to; at += ZEROES.length) {
    await handle.write(ZEROES, 0, Math.min(ZEROES.length, to - at), at);
  }
}

/** Neutralises the metadata boxes among `boxes` in place; descends into moov and trak. */
async function cleanBoxes(handle: FileHandle, read: Read, boxes: Box[]): Promise<boolean> {
  for (const box of boxes) {
    if (METADATA.has(box.type)) {
      await handle.write(Buffer.from('free', 'latin1'), 0, 4, box.at + 4);
      await zeroFill(handle, box.at + box.headerSize, box.at + box.size);
    } else if (FREE_SPACE.has(box.type)) {
      await zeroFill(handle, box.at + box.headerSize, box.at + box.size);
    } else if (box.type === 'moov' || box.type === 'trak') {
      const children = await boxesIn(read, box.at + box.headerSize, box.at + box.size, false);
      if (!children || !(await cleanBoxes(handle, read, children))) return false;
    }
  }
  return true;
}

async function sanitizeIsoMedia(handle: FileHandle, size: number): Promise<SanitizedMedia> {
  const read = windowedReader(handle, size);
  const boxes = await boxesIn(read, 0, size, true);
  if (boxes?.[0]?.type !== 'ftyp' || !(await cleanBoxes(handle, read, boxes))) {
    throw notMedia('MP4 file (its boxes do not chain to the end of the file)');
  }
  return { start: 0, byteSize: size };
}

// ---------------------------------------------------------------------------------------------
// MPEG audio (MP3)

const MPEG1_LAYER3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_LAYER3_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
/** Sample rates by version bits (00 MPEG-2.5, 10 MPEG-2, 11 MPEG-1). */
const SAMPLE_RATES: Record<number, readonly number[]> = {
  0: [11025, 12000, 8000],
  2: [22050, 24000, 16000],
  3: [44100, 48000, 32000],
};

interface Frame {
  length: number;
  /** Version, layer and sample rate bits: every frame of a stream has the same. */
  stream: number;
}

/** The layer III frame whose header is at `offset` of `bytes`, or null. */
function mpegFrameAt(bytes: Buffer, offset = 0): Frame | null {
  if (!isMpegAudioFrame(bytes, offset)) return null;
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  const version = (b1 >> 3) & 0b11;
  const mpeg1 = version === 3;
  const kbps = (mpeg1 ? MPEG1_LAYER3_KBPS : MPEG2_LAYER3_KBPS)[b2 >> 4]!;
  const sampleRate = SAMPLE_RATES[version]![(b2 >> 2) & 0b11]!;
  const padding = (b2 >> 1) & 1;
  const length = Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / sampleRate) + padding;
  return { length, stream: (b1 & 0b0001_1110) * 4 + ((b2 >> 2) & 0b11) };
}

/** The length of the ID3v2 tag at the start of `head` (header, body and footer), 0 when none, null when broken. */
function id3v2Length(head: Buffer): number | null {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0;
  const [major, minor, flags] = [head[3]!, head[4]!, head[5]!];
  const sizeBytes = [head[6]!, head[7]!, head[8]!, head[9]!];
  if (major < 2 || major > 4 || minor === 0xff || sizeBytes.some((byte) => byte >= 0x80)) return null;
  const body = sizeBytes.reduce((total, byte) => total * 128 + byte, 0);
  // The extended header is inside the body; only a v2.4 footer comes on top of it.
  return 10 + body + (major === 4 && flags & 0x10 ? 10 : 0);
}

/** Zero bytes some encoders leave between the tag and the first frame, skipped up to this many. */
const MAX_PADDING = 64 * 1024;

async function sanitizeMp3(handle: FileHandle, size: number): Promise<SanitizedMedia> {
  const read = windowedReader(handle, size);
  let start = 0;
  for (;;) {
    const tag = id3v2Length(await read(start, 10));
    if (tag === null) throw notMedia('MP3 file (a broken ID3 tag)');
    if (tag === 0) break;
    start += tag;
  }
  const paddingEnd = Math.min(size, start + MAX_PADDING);
  while (start < paddingEnd && (await read(start, 1))[0] === 0) start += 1;

  const first = mpegFrameAt(await read(start, 4));
  let end = start;
  let frames = 0;
  for (let frame = first; frame && end + frame.length <= size; ) {
    end += frame.length;
    frames += 1;
    const next = mpegFrameAt(await read(end, 4));
    frame = next && next.stream === first?.stream ? next : null;
  }
  if (frames < 2) throw notMedia('MP3 file (no two consecutive MPEG audio frames)');
  return { start, byteSize: end - start };
}

/**
 * Checks that the received file at `path` is wholly the sniffed video or audio type (else 415) and
 * cleans it in place; returns the range of the file to store. Images go through sanitizeImage.
 */
export async function sanitizeMedia(path: string, media: SniffedMedia): Promise<SanitizedMedia> {
  if (media.kind === 'image') throw new TypeError('sanitizeMedia: images go through sanitizeImage');
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    return media.contentType === 'audio/mpeg'
      ? await sanitizeMp3(handle, size)
      : await sanitizeIsoMedia(handle, size);
  } finally {
    await handle.close();
  }
}
