// Owns the HTTP surface of media: a member (`profile:own`: fans and creators) uploads a file as the
// raw request body, lists and deletes their own uploads; anyone holding a signed URL downloads the
// content, whole or by byte range, without a token (so <img src> and <video src> work).
// The upload route lives in its own plugin scope whose content-type parsers hand the request stream
// through unread (it is kept beside the request, not in request.body, which kernel hooks walk), so
// the service streams it to disk under its cap; the type the client names is only a gate, the bytes
// decide. Downloads carry the stored type with nosniff, a sandboxing CSP and `inline`, and may be
// embedded by other origins (Cross-Origin-Resource-Policy: cross-origin): the signature is the grant.
// HEAD on a download has its own handler answering from the recorded type and size (fastify's
// automatic HEAD route would run the GET handler and read the whole object only to drop it).
import type { Readable } from 'node:stream';
import {
  AppError,
  caller,
  type PlatformServer,
  PROBLEM_CONTENT_TYPE,
  type ProblemBody,
  problemResponses,
} from '@app/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { PairlyContext } from '../context.js';
import {
  ContentHeadResponses,
  ContentQuery,
  ContentResponses,
  MediaListQuery,
  MediaPage,
  MediaParams,
  MediaUploadBody,
  UPLOAD_CONTENT_TYPES,
  UploadBody,
} from './schemas.js';

const tags = ['media'];

const unsupportedType = () =>
  new AppError({
    kind: 'unsupported_media_type',
    code: 'unsupported_media_type',
    detail: `Send the file's bytes as ${UPLOAD_CONTENT_TYPES.join(', ')}; what it is is read from the bytes.`,
  });

const contentLength = (request: FastifyRequest): number | undefined => {
  const header = request.headers['content-length'];
  return header === undefined ? undefined : Number(header);
};

/** The headers every download answer (GET and HEAD) carries. */
function contentHeaders(reply: FastifyReply, found: { contentType: string; maxAge: number }): FastifyReply {
  return reply
    .header('content-type', found.contentType)
    .header('content-disposition', 'inline')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('cache-control', `private, max-age=${found.maxAge}`)
    .header('accept-ranges', 'bytes');
}

export function registerMediaRoutes(app: PlatformServer, context: PairlyContext): void {
  const { media } = context;
  const member = context.identity.requirePermission('profile:own');
  const { maxBytes, urlTtlSeconds, dailyUploads, dailyUploadBytes, concurrentUploads } = media.options;
  const caps = `images ${maxBytes.image} bytes, videos ${maxBytes.video}, audio ${maxBytes.audio}`;

  app.register(async (scope) => {
    const uploads = new WeakMap<FastifyRequest, Readable>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser([...UPLOAD_CONTENT_TYPES], (request, payload, done) => {
      uploads.set(request, payload);
      done(null, undefined);
    });
    scope.addContentTypeParser('*', (_request, _payload, done) => done(unsupportedType(), undefined));

    scope.post(
      '/media',
      {
        preValidation: member,
        schema: {
          tags,
          summary: 'Upload an image, a video or an audio file',
          description: [
            'Permission: `profile:own` (fan, creator). The body is the file itself (not a form), sent as any of the listed types or `application/octet-stream`: the type is read from the bytes, never taken from the header.',
            `Accepted: JPEG, PNG, WebP and GIF images, MP4 video, MP3 and M4A audio; anything else (an SVG, HTML, an archive, a program renamed .jpg) is a 415 \`unsupported_media_type\`. Largest: ${caps}; larger is a 413 \`upload_too_large\`. An empty body is a 400 \`upload_empty\`.`,
            'Images are re-encoded: metadata (EXIF, camera, GPS location) and anything after the image data are removed, and a tiny blurred preview is kept for locked posts; animations of more than 300 frames are a 413 `image_too_many_frames`. Video and audio are checked whole (a file that only starts like MP4 or MP3 is a 415) and their metadata removed without re-encoding: MP4/M4A metadata boxes (location, cover art) are blanked in place, MP3 tags (ID3, APE) are left out.',
            `Quota per user and UTC day: ${dailyUploads} uploads and ${dailyUploadBytes} bytes (deleted uploads still count); beyond it a 429 \`media_daily_quota_exceeded\` with Retry-After until the next UTC midnight. At most ${concurrentUploads} uploads of one user at once: more is a 429 \`media_uploads_in_progress\`. Nothing is stored when an upload is refused.`,
            `The answer's \`url\` is a signed path valid for about ${Math.round(urlTtlSeconds / 60)} minutes; attach the media to a post or profile by its \`id\`.`,
          ].join('\n\n'),
          body: UploadBody,
          response: {
            201: { ...MediaUploadBody, description: 'Stored' },
            ...problemResponses(400, 401, 403, 413, 415, 429),
          },
        },
        // The body is raw bytes the service reads itself; only the documentation above describes it.
        validatorCompiler: () => () => true,
      },
      async (request, reply) => {
        const upload = await media.upload(
          caller(request).userId,
          uploads.get(request),
          contentLength(request),
        );
        return reply.code(201).send(upload);
      },
    );
  });

  app.get(
    '/media',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Your uploads, newest first',
        description:
          'Permission: `profile:own` (fan, creator). Only your own undeleted uploads, each with a fresh signed `url`; newest first, with a cursor.',
        querystring: MediaListQuery,
        response: { 200: MediaPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => media.list(caller(request).userId, request.query),
  );

  app.delete(
    '/media/:id',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Delete one of your uploads',
        description:
          "Permission: `profile:own` (fan, creator). The content is removed at once: its signed URLs answer 404 and posts or profiles that showed it no longer do. Anyone else's (or an already deleted) upload is a 404 `media_not_found`.",
        params: MediaParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await media.remove(caller(request).userId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/media/:id/content',
    {
      // HEAD has its own handler below, which never reads the object.
      exposeHeadRoute: false,
      schema: {
        tags,
        summary: 'Download media through a signed URL (supports Range)',
        description: [
          'Public: no token; the signature in the URL is the permission. Use the `url` given with the media (uploads, posts, profiles) as it is: it expires after about 10 minutes, after which (or when altered) it is a 403 `media_url_invalid`; ask the API again for a fresh one. Deleted media are a 404 `media_not_found`.',
          'Answers with the stored type, `X-Content-Type-Options: nosniff`, `Content-Disposition: inline`, a CSP that forbids running anything, and `Cache-Control: private, max-age=<seconds the URL has left>`.',
          'Byte ranges (`Range: bytes=0-1023`, one range) are answered with 206 and Content-Range; a range outside the content is a 416 `range_not_satisfiable` with `Content-Range: bytes */<size>`.',
        ].join('\n\n'),
        params: MediaParams,
        querystring: ContentQuery,
        response: {
          ...ContentResponses,
          ...problemResponses(400, 403, 404),
          416: {
            description: 'The range lies outside the content',
            content: {
              'application/problem+json': { schema: Type.Object({}, { additionalProperties: true }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const found = await media.content(request.params.id, request.query, request.headers.range);
      if (!found.satisfiable) {
        const problem: ProblemBody = {
          type: 'urn:problem:range_not_satisfiable',
          title: 'Range Not Satisfiable',
          status: 416,
          code: 'range_not_satisfiable',
          detail: `The content has ${found.size} bytes; ask for a range within them.`,
          requestId: request.id,
        };
        return reply
          .code(416)
          .header('content-range', `bytes */${found.size}`)
          .type(PROBLEM_CONTENT_TYPE)
          .send(JSON.stringify(problem));
      }
      const { range, size } = found;
      contentHeaders(reply, found);
      if (range) {
        reply
          .code(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
          .header('content-length', range.end - range.start + 1);
      } else {
        reply.code(200).header('content-length', size);
      }
      return reply.send(found.body);
    },
  );

  app.head(
    '/media/:id/content',
    {
      schema: {
        tags,
        summary: 'Headers of media behind a signed URL (type, length), without the content',
        description:
          'Public: no token; the signature in the URL is the permission, as for GET. Answers 200 with the headers a GET would carry for the whole content (type, `Content-Length`, `Accept-Ranges: bytes`, nosniff, CSP, cache) and no body; the content itself is not read. An altered or expired URL is a 403 `media_url_invalid`, deleted media a 404 `media_not_found`.',
        params: MediaParams,
        querystring: ContentQuery,
        response: { ...ContentHeadResponses, ...problemResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const found = await media.contentHead(request.params.id, request.query);
      return contentHeaders(reply, found).code(200).header('content-length', found.size).send();
    },
  );
}
