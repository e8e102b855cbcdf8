// Owns what an upload IS, decided from its first bytes and never from the client's name or header:
// JPEG, PNG, WebP, GIF, MP4 video, M4A audio (MP4 with an audio brand) and MP3 are allowed; anything
// else (SVG, HTML, executables, archives, unknown) is refused. Hand-written rather than `file-type`:
// the allow-list is seven signatures, and file-type recognises hundreds of formats we would then
// have to refuse one by one; here an unknown format is refused by construction. As a polyglot
// guard, a head that also holds markup (`<html`, `<script`, `<svg`, `<?xml`, `<!doctype`, `<body`,
// `<iframe`, `<img`, `<object`, `<embed`, `<a `, `javascript:`) is refused whatever it starts with.
// The head alone cannot tell a real MP3 or MP4 from markup behind a valid-looking start: the whole
// file is checked by sanitizeMedia once received. Downloads are served with the sniffed type and
// `X-Content-Type-Options: nosniff`.
export type MediaKind = 'image' | 'video' | 'audio';

export type MediaContentType =
  | 'image/jpeg'
  | 'image/png'
  | 'image/webp'
  | 'image/gif'
  | 'video/mp4'
  | 'audio/mpeg'
  | 'audio/mp4';

export interface SniffedMedia {
  kind: MediaKind;
  contentType: MediaContentType;
  extension: string;
}

/** How many leading bytes sniffMedia wants to see (fewer only when the whole file is shorter). */
export const SNIFF_BYTES = 1024;

const MARKUP = [
  '<html',
  '<script',
  '<svg',
  '<?xml',
  '<!doctype',
  '<body',
  '<iframe',
  '<img',
  '<object',
  '<embed',
  '<a ',
  'javascript:',
];

// ISO base media brands of plain MP4 video; 'qt  ' (QuickTime), HEIF/AVIF and 3GP are not allowed.
const VIDEO_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'mp41',
  'mp42',
  'avc1',
  'M4V ',
  'dash',
]);
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ']);

const media = (kind: MediaKind, contentType: MediaContentType, extension: string): SniffedMedia => ({
  kind,
  contentType,
  extension,
});

function startsWith(head: Buffer, bytes: readonly number[], offset = 0): boolean {
  return head.length >= offset + bytes.length && bytes.every((byte, index) => head[offset + index] === byte);
}

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

function sniffIsoMedia(head: Buffer): SniffedMedia | null {
  if (head.length < 16 || head.toString('latin1', 4, 8) !== 'ftyp') return null;
  const boxSize = head.readUInt32BE(0);
  if (boxSize < 16 || boxSize % 4 !== 0 || boxSize > 512) return null;
  const major = head.toString('latin1', 8, 12);
  // The major brand decides; compatible brands (from offset 16) only rescue an unknown major brand.
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= Math.min(boxSize, head.length); at += 4)
    compatible.push(head.toString('latin1', at, at + 4));
  if (AUDIO_BRANDS.has(major)) return media('audio', 'audio/mp4', 'm4a');
  if (VIDEO_BRANDS.has(major)) return media('video', 'video/mp4', 'mp4');
  if (compatible.some((brand) => AUDIO_BRANDS.has(brand))) return media('audio', 'audio/mp4', 'm4a');
  if (compatible.some((brand) => VIDEO_BRANDS.has(brand))) return media('video', 'video/mp4', 'mp4');
  return null;
}

/** Whether the 4 bytes at `offset` are an MPEG audio layer III frame header (MPEG-1, 2 or 2.5). */
export function isMpegAudioFrame(head: Buffer, offset = 0): boolean {
  if (head.length < offset + 4) return false;
  const b0 = head[offset]!;
  const b1 = head[offset + 1]!;
  const b2 = head[offset + 2]!;
  const version = (b1 >> 3) & 0b11; // 01 is reserved
  const layer = (b1 >> 1) & 0b11; // 01 = layer III
  const bitrate = b2 >> 4; // 0000 free, 1111 bad
  const sampleRate = (b2 >> 2) & 0b11; // 11 reserved
  return (
    b0 === 0xff &&
    (b1 & 0xe0) === 0xe0 &&
    version !== 1 &&
    layer === 1 &&
    bitrate !== 0 &&
    bitrate !== 15 &&
    sampleRate !== 3
  );
}

function sniffSignature(head: Buffer): SniffedMedia | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return media('image', 'image/jpeg', 'jpg');
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return media('image', 'image/png', 'png');
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a')))
    return media('image', 'image/gif', 'gif');
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBPVP8'), 8))
    return media('image', 'image/webp', 'webp');
  const iso = sniffIsoMedia(head);
  if (iso) return iso;
  if (startsWith(head, ascii('ID3')) && head.length >= 10 && head[3]! >= 2 && head[3]! <= 4) {
    return media('audio', 'audio/mpeg', 'mp3');
  }
  if (isMpegAudioFrame(head)) return media('audio', 'audio/mpeg', 'mp3');
  return null;
}

/** What the first bytes are, against the allow-list; null = refused (SVG, HTML, executables, zip, unknown). */
export function sniffMedia(head: Buffer): SniffedMedia | null {
  const found = sniffSignature(head);
  if (!found) return null;
  const text = head.subarray(0, SNIFF_BYTES).toString('latin1').toLowerCase();
  return MARKUP.some((tag) => text.includes(tag)) ? null : found;
}
