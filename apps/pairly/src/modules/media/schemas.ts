// Owns the request and response schemas of media: what the owner sees of an upload and of their
// list, the listing query, an object's id, and a signed download URL's query (expiry and signature).
// An upload's body is raw bytes (documented per accepted type, never parsed); a download answers
// with raw bytes of the stored type.
import Type, { type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const EXAMPLE_ID = '3f6c1b2a-9d8e-4f7a-b6c5-d4e3f2a1b0c9';
const EXAMPLE_URL = `/media/${EXAMPLE_ID}/content?expires=1767269400&signature=Qm9vdHN0cmFwcGVkU2lnbmF0dXJlRXhhbXBsZTEyMzQ`;

/** Types an upload may be sent as; the bytes decide what it is, whichever of these is named. */
export const UPLOAD_CONTENT_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'video/mp4',
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'application/octet-stream',
] as const;

const Binary = Type.String({ format: 'binary' });

/** The upload body as documented: the file's bytes under any accepted type. */
export const UploadBody = {
  content: Object.fromEntries(UPLOAD_CONTENT_TYPES.map((type) => [type, { schema: Binary }])),
};

export const MediaKindSchema = Type.Union(
  [Type.Literal('image'), Type.Literal('video'), Type.Literal('audio')],
  {
    description: 'Sniffed from the bytes: image (JPEG, PNG, WebP, GIF), video (MP4), audio (MP3, M4A).',
  },
);

const exampleUpload = {
  id: EXAMPLE_ID,
  kind: 'image',
  contentType: 'image/jpeg',
  byteSize: 184_213,
  width: 1080,
  height: 1350,
  url: EXAMPLE_URL,
  createdAt: '2026-01-01T12:00:00.000Z',
};

export const MediaUploadBody = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: MediaKindSchema,
    contentType: Type.String({ description: 'The stored type, as sniffed (images: after re-encoding).' }),
    byteSize: Type.Integer({ description: 'Bytes stored (images: after metadata was removed).' }),
    width: Nullable(Type.Integer({ description: 'Pixels (images only).' })),
    height: Nullable(Type.Integer({ description: 'Pixels (images only).' })),
    url: Type.String({
      description:
        'Signed path of the content (no host), valid for about 10 minutes: GET it without a token, e.g. as <img src>.',
    }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { examples: [exampleUpload] },
);

export const MediaListQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type MediaListQuery = Static<typeof MediaListQuery>;

export const MediaPage = Type.Object(
  {
    items: Type.Array(MediaUploadBody),
    nextCursor: Nullable(
      Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' }),
    ),
  },
  { examples: [{ items: [exampleUpload], nextCursor: null }] },
);

export const MediaParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const ContentQuery = Type.Object(
  {
    expires: Type.Integer({
      minimum: 0,
      maximum: 253_402_300_799,
      description: 'Unix seconds after which the link stops working (as given in the signed URL).',
    }),
    signature: Type.String({
      pattern: '^[A-Za-z0-9_-]{43}$',
      description: 'The signature given in the signed URL.',
    }),
  },
  { additionalProperties: false },
);
export type ContentQuery = Static<typeof ContentQuery>;

const content = (description: string) => ({ description, content: { '*/*': { schema: Binary } } });

export const ContentResponses = {
  200: content('The whole content, of the stored (sniffed) type'),
  206: content('The asked byte range (Content-Range says which)'),
};

export const ContentHeadResponses = {
  200: { description: 'The headers of the whole content (type, length); no body' },
};
