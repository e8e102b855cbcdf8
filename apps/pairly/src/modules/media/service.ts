// Owns uploaded media (post attachments, avatars, banners): storing an upload, its owner's list and
// delete, serving its bytes through signed URLs, and what other modules ask of it (whether ids are
// the caller's own media, signed URLs, descriptions and locked-view placeholders).
// An upload is streamed to a temporary file with the largest kind's cap, its type sniffed from the
// bytes (the client's Content-Type is never trusted), then held to its kind's own cap; an image is
// re-encoded without its metadata (no EXIF or location, no trailing polyglot bytes) and given a
// blurred preview; video and audio are checked whole (box chain, MPEG frames) and cleaned without
// re-encoding (MP4 metadata boxes zeroed in place, MP3 tags left out). A user has at most a few
// uploads in flight at once (each holds a temp file). The blob is written first and the row,
// under a per-owner lock that checks the daily quota, last: a refusal at any step removes what the
// steps before it stored, and the temporary file is always removed (files a crash left behind are
// swept when the app starts).
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  type BlobStore,
  FS_TEMP_DIR,
  type MediaKind,
  parseByteRange,
  receiveUpload,
  removeStaleFiles,
  sanitizeImage,
  sanitizeMedia,
} from '@app/platform';
import { sql } from 'kysely';
import type { PairlyBaseContext } from '../context.js';
import { nextUtcMidnight, startOfUtcDay } from '../gifts/fraud.js';
import { cursorFrom, pageOf } from '../safety/paging.js';
import {
  mediaIdRepeated,
  mediaNotFound,
  mediaNotFoundOrNotYours,
  mediaUrlInvalid,
  uploadEmpty,
  uploadQuotaExceeded,
  uploadsInProgress,
  uploadTooLarge,
} from './errors.js';
import { mediaOptions, streamCap } from './options.js';
import { createUrlSigner } from './signing.js';
import { type MediaRow, mediaDb } from './tables.js';
import type {
  MediaContent,
  MediaContentHead,
  MediaObject,
  MediaPlaceholder,
  MediaUpload,
  MediaView,
} from './types.js';

/** `config` gives ENCRYPTION_KEY (the URL signing key is derived from it) and the data directory (upload temp files). */
export type MediaDeps = Pick<PairlyBaseContext, 'db' | 'clock' | 'logger' | 'config' | 'options'> & {
  blobs: BlobStore;
};

export type {
  MediaContent,
  MediaContentHead,
  MediaObject,
  MediaPlaceholder,
  MediaUpload,
  MediaView,
} from './types.js';

/** Temp files older than this are left from a crash (no upload takes an hour) and are swept. */
const STALE_TEMP_MS = 60 * 60 * 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The given ids' rows in the given order (unknown, deleted and malformed ids left out). */
function inOrder(rows: MediaRow[], ids: readonly string[]): MediaRow[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id.toLowerCase()) ?? []);
}

export function createMedia(deps: MediaDeps) {
  const { blobs, clock, logger } = deps;
  const db = mediaDb(deps.db);
  const options = mediaOptions(deps.options.media);
  const signer = createUrlSigner(deps.config.secrets.encryption, options.urlTtlSeconds);
  const tempDir = join(deps.config.dataDir, 'uploads');
  /** Uploads in progress per owner, to hold each owner to options.concurrentUploads. */
  const inFlight = new Map<string, number>();

  const signedUrl = (mediaId: string) => signer.sign(mediaId, clock.now());
  const toView = (row: MediaRow): MediaView => ({
    id: row.id,
    kind: row.kind,
    contentType: row.content_type,
    width: row.width,
    height: row.height,
    url: signedUrl(row.id),
  });
  const toUpload = (row: MediaRow): MediaUpload => ({
    ...toView(row),
    byteSize: row.byte_size,
    createdAt: row.created_at.toISOString(),
  });

  async function liveRows(ids: readonly string[]): Promise<MediaRow[]> {
    const wanted = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
    if (wanted.length === 0) return [];
    const rows = await db
      .selectFrom('media_objects')
      .selectAll()
      .where('id', 'in', wanted)
      .where('deleted_at', 'is', null)
      .execute();
    return inOrder(rows, ids);
  }

  /** Refuses (429) when the owner's uploads today, plus `adding` more bytes in one more upload, pass the quota. */
  async function checkQuota(
    query: Pick<typeof db, 'selectFrom'>,
    ownerId: string,
    adding: number,
  ): Promise<void> {
    const now = clock.now();
    const usage = await query
      .selectFrom('media_objects')
      .select((eb) => [eb.fn.countAll<number>().as('uploads'), eb.fn.sum<number>('byte_size').as('bytes')])
      .where('owner_id', '=', ownerId)
      .where('created_at', '>=', startOfUtcDay(now))
      .executeTakeFirstOrThrow();
    const uploads = Number(usage.uploads) + 1;
    const bytes = Number(usage.bytes ?? 0) + adding;
    if (uploads > options.dailyUploads || bytes > options.dailyUploadBytes) {
      throw uploadQuotaExceeded(nextUtcMidnight(now), now);
    }
  }

  async function store(
    ownerId: string,
    id: string,
    kind: MediaKind,
    stored: {
      body: Readable | Buffer;
      contentType: string;
      byteSize: number;
      width: number | null;
      height: number | null;
      preview: string | null;
    },
  ): Promise<MediaRow> {
    const blobKey = `media/${id}`;
    await blobs.put(blobKey, stored.body, { contentType: stored.contentType, byteSize: stored.byteSize });
    try {
      return await db.transaction().execute(async (trx) => {
        // One upload at a time per owner from here to commit, so two cannot both fit the last of a quota.
        await sql`select pg_advisory_xact_lock(hashtextextended(${`media:${ownerId}`}, 0))`.execute(trx);
        await checkQuota(trx, ownerId, stored.byteSize);
        return trx
          .insertInto('media_objects')
          .values({
            id,
            owner_id: ownerId,
            kind,
            content_type: stored.contentType,
            byte_size: stored.byteSize,
            width: stored.width,
            height: stored.height,
            blob_key: blobKey,
            preview: stored.preview,
            created_at: clock.now(),
            deleted_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      });
    } catch (error) {
      await blobs.delete(blobKey).catch((cause: unknown) => {
        logger.error(
          { event: 'media_blob_orphaned', mediaId: id, err: cause },
          'could not remove a refused upload',
        );
      });
      throw error;
    }
  }

  async function receiveAndStore(ownerId: string, body: Readable): Promise<MediaUpload> {
    const cap = streamCap(options);
    await checkQuota(db, ownerId, 1);
    const received = await receiveUpload(body, { maxBytes: cap, tempDir });
    try {
      const { kind } = received.media;
      if (received.byteSize > options.maxBytes[kind]) throw uploadTooLarge(kind, options.maxBytes[kind]);
      const id = randomUUID();
      if (kind === 'image') {
        const clean = await sanitizeImage(received.path, received.media);
        return toUpload(
          await store(ownerId, id, kind, {
            body: clean.bytes,
            contentType: clean.contentType,
            byteSize: clean.bytes.length,
            width: clean.width,
            height: clean.height,
            preview: clean.preview,
          }),
        );
      }
      const clean = await sanitizeMedia(received.path, received.media);
      return toUpload(
        await store(ownerId, id, kind, {
          body: createReadStream(received.path, {
            start: clean.start,
            end: clean.start + clean.byteSize - 1,
          }),
          contentType: received.media.contentType,
          byteSize: clean.byteSize,
          width: null,
          height: null,
          preview: null,
        }),
      );
    } finally {
      await rm(received.path, { force: true });
    }
  }

  /** The live row a signed URL names and the seconds it has left (403 when not ours or expired, 404 when deleted). */
  async function signedRow(mediaId: string, signature: { expires: number; signature: string }) {
    const maxAge = signer.remaining(mediaId, signature.expires, signature.signature, clock.now());
    if (maxAge === null) throw mediaUrlInvalid();
    const [row] = await liveRows([mediaId]);
    if (!row) throw mediaNotFound();
    return { row, maxAge };
  }

  return {
    options,
    signedUrl,

    /**
     * Stores an upload of `ownerId` read from `body`; `declaredBytes` (the Content-Length, when sent)
     * lets an upload too large for any kind be refused before a byte is read.
     */
    async upload(ownerId: string, body: Readable | undefined, declaredBytes?: number): Promise<MediaUpload> {
      const cap = streamCap(options);
      if (declaredBytes !== undefined && declaredBytes > cap) throw uploadTooLarge(null, cap);
      if (body === undefined || declaredBytes === 0) throw uploadEmpty();
      const running = inFlight.get(ownerId) ?? 0;
      if (running >= options.concurrentUploads) throw uploadsInProgress(options.concurrentUploads);
      inFlight.set(ownerId, running + 1);
      try {
        return await receiveAndStore(ownerId, body);
      } finally {
        const left = (inFlight.get(ownerId) ?? 1) - 1;
        if (left > 0) inFlight.set(ownerId, left);
        else inFlight.delete(ownerId);
      }
    },

    /**
     * Removes temp files a crash left behind: uploads being received (<dataDir>/uploads) and, for
     * the filesystem store under <dataDir>/blobs, blobs being written; returns how many.
     */
    async sweepStaleFiles(): Promise<number> {
      const directories = [tempDir];
      if (blobs.backend === 'filesystem') directories.push(join(deps.config.dataDir, 'blobs', FS_TEMP_DIR));
      let removed = 0;
      for (const directory of directories) removed += await removeStaleFiles(directory, STALE_TEMP_MS);
      if (removed > 0) logger.info({ event: 'media_temp_swept', removed }, 'removed stale upload temp files');
      return removed;
    },

    /** The owner's undeleted uploads, newest first, with a cursor. */
    async list(ownerId: string, query: { cursor?: string; limit?: number }) {
      const limit = query.limit ?? 20;
      const after = cursorFrom(query.cursor);
      let select = db
        .selectFrom('media_objects')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('deleted_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (after) {
        select = select.where((eb) =>
          eb.or([
            eb('created_at', '<', after.createdAt),
            eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
          ]),
        );
      }
      return pageOf(await select.execute(), limit, toUpload, (row) => ({
        createdAt: row.created_at,
        id: row.id,
      }));
    },

    /**
     * Deletes the owner's object: the row is kept (deleted_at) and the blob removed, in one step (a
     * blob store failure leaves the object as it was). Anyone else's id is a 404.
     */
    async remove(ownerId: string, mediaId: string): Promise<void> {
      if (!UUID.test(mediaId)) throw mediaNotFound();
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('media_objects')
          .set({ deleted_at: clock.now() })
          .where('id', '=', mediaId)
          .where('owner_id', '=', ownerId)
          .where('deleted_at', 'is', null)
          .returning('blob_key')
          .executeTakeFirst();
        if (!row) throw mediaNotFound();
        await blobs.delete(row.blob_key);
      });
    },

    /** The bytes a signed URL names (403 when the signature is not ours or expired, 404 when deleted). */
    async content(
      mediaId: string,
      signature: { expires: number; signature: string },
      rangeHeader: string | undefined,
    ): Promise<MediaContent> {
      const { row, maxAge } = await signedRow(mediaId, signature);
      const range = parseByteRange(rangeHeader, row.byte_size);
      if (range === 'unsatisfiable') return { satisfiable: false, size: row.byte_size };
      const blob = await blobs.get(row.blob_key, range ?? undefined);
      if (!blob) {
        logger.error({ event: 'media_blob_missing', mediaId }, 'a live media object has no blob');
        throw mediaNotFound();
      }
      return {
        satisfiable: true,
        body: blob.body,
        contentType: row.content_type,
        size: row.byte_size,
        range,
        maxAge,
      };
    },

    /** What a HEAD on a signed URL answers: type, size and cache lifetime; the blob is not read. */
    async contentHead(
      mediaId: string,
      signature: { expires: number; signature: string },
    ): Promise<MediaContentHead> {
      const { row, maxAge } = await signedRow(mediaId, signature);
      return { contentType: row.content_type, size: row.byte_size, maxAge };
    },

    /**
     * Every id as an undeleted object of `ownerId` (of one of `kinds`, when given), in the given
     * order; otherwise a 400 `media_not_found_or_not_yours` naming `path` (the caller's field). An
     * id listed twice is a 400 `media_id_repeated` naming the item (`<path>/<index>`).
     */
    async ownedBy(
      ownerId: string,
      ids: readonly string[],
      kinds?: readonly MediaKind[],
      path = '/body/mediaIds',
    ): Promise<MediaObject[]> {
      const seen = new Set<string>();
      for (const [index, id] of ids.entries()) {
        if (seen.has(id.toLowerCase())) throw mediaIdRepeated(`${path}/${index}`);
        seen.add(id.toLowerCase());
      }
      const rows = await liveRows(ids);
      const fits = (row: MediaRow) => row.owner_id === ownerId && (!kinds || kinds.includes(row.kind));
      if (rows.length !== ids.length || !rows.every(fits)) throw mediaNotFoundOrNotYours(path);
      return rows.map((row) => ({
        id: row.id,
        ownerId: row.owner_id,
        kind: row.kind,
        contentType: row.content_type,
        byteSize: row.byte_size,
        width: row.width,
        height: row.height,
        createdAt: row.created_at,
      }));
    },

    /** Views (with signed URLs) of the given undeleted objects, in the given order; others left out. */
    async describe(ids: readonly string[]): Promise<MediaView[]> {
      return (await liveRows(ids)).map(toView);
    },

    /**
     * Placeholders of the given undeleted objects, by id, in the given order, for viewers without
     * access (one query for a whole page; the placeholder itself holds no id, URL or key).
     */
    async placeholders(ids: readonly string[]): Promise<Map<string, MediaPlaceholder>> {
      return new Map(
        (await liveRows(ids)).map((row) => [
          row.id,
          { kind: row.kind, preview: row.preview, width: row.width, height: row.height },
        ]),
      );
    },
  };
}

export type Media = ReturnType<typeof createMedia>;
