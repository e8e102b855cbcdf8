// Owns what an author does to their own posts: create (published now, a draft, or scheduled),
// edit (text, media, visibility, price, schedule; an edit of a published post's content sets
// edited_at; a price change never touches existing unlocks), publish a draft or scheduled post now
// (a conditional update from draft/scheduled, so it happens once), and delete (soft: deleted_at; the
// row stays for moderation). Someone else's post, or one deleted, is a 404 as if it did not exist.
// Media are checked (the author's own, undeleted) before the transaction that attaches them: on
// PGlite a query outside an open transaction would wait for it.
import { randomUUID } from 'node:crypto';
import { type Clock, type Database, withTransaction } from '@app/platform';
import {
  creatorProfileRequired,
  duplicateMedia,
  emptyPost,
  postAlreadyPublished,
  postNotFound,
  postRemoved,
  publishAtInPast,
  publishAtInvalid,
  publishAtTooFar,
  unlockPriceNotAllowed,
  unlockPriceRequired,
} from './errors.js';
import type { PostsOptions } from './options.js';
import type { CreatePostInput, PublishInput, UpdatePostInput } from './schemas.js';
import {
  type PostRow,
  type PostStatus,
  type PostTransaction,
  postDatabase,
  postDb,
  type Visibility,
} from './tables.js';

/** What authoring calls on the media module: a 400 unless every id is the owner's undeleted media. */
export interface AuthoringMedia {
  ownedBy(ownerId: string, ids: readonly string[]): Promise<unknown>;
}
/** What authoring calls on the creators module: null when the user has no creator profile. */
export interface AuthoringCreators {
  profileOf(userId: string): Promise<unknown | null>;
}

export interface AuthoringDeps {
  db: Database;
  clock: Clock;
  media: AuthoringMedia;
  creators: AuthoringCreators;
  options: PostsOptions;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createAuthoring({ db, clock, media, creators, options }: AuthoringDeps) {
  const posts = postDb(db);

  /** The status and times a `publish` input asks for at `now`. */
  function schedule(publish: PublishInput, now: Date) {
    if (publish === 'now') return { status: 'published' as PostStatus, publish_at: null, published_at: now };
    if (publish === 'draft') return { status: 'draft' as PostStatus, publish_at: null, published_at: null };
    const at = new Date(publish.at);
    if (Number.isNaN(at.getTime())) throw publishAtInvalid();
    if (at.getTime() <= now.getTime()) throw publishAtInPast();
    if (at.getTime() > now.getTime() + options.maxScheduleDays * DAY_MS)
      throw publishAtTooFar(options.maxScheduleDays);
    return { status: 'scheduled' as PostStatus, publish_at: at, published_at: null };
  }

  /** The price a post with `visibility` keeps: required for pay-per-view, refused otherwise. */
  function priceFor(
    visibility: Visibility,
    given: number | undefined,
    current: number | null,
  ): number | null {
    if (visibility !== 'pay_per_view') {
      if (given !== undefined) throw unlockPriceNotAllowed();
      return null;
    }
    const price = given ?? current;
    if (price === null) throw unlockPriceRequired();
    return price;
  }

  /** Refuses a list naming one object twice, then anything not the author's own undeleted media. */
  async function checkMedia(authorId: string, ids: readonly string[]) {
    if (new Set(ids.map((id) => id.toLowerCase())).size !== ids.length)
      throw duplicateMedia('/body/mediaIds');
    if (ids.length > 0) await media.ownedBy(authorId, ids);
  }

  async function attach(trx: PostTransaction, postId: string, ids: readonly string[]) {
    await trx.deleteFrom('post_media').where('post_id', '=', postId).execute();
    if (ids.length === 0) return;
    await trx
      .insertInto('post_media')
      .values(
        ids.map((mediaId, position) => ({ post_id: postId, media_id: mediaId.toLowerCase(), position })),
      )
      .execute();
  }

  async function mediaCount(postId: string): Promise<number> {
    const row = await posts
      .selectFrom('post_media')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('post_id', '=', postId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The author's own undeleted post; 404 otherwise (including someone else's). */
  async function ownPost(authorId: string, postId: string, trx?: PostTransaction): Promise<PostRow> {
    let query = (trx ?? posts)
      .selectFrom('posts')
      .selectAll()
      .where('id', '=', postId)
      .where('author_id', '=', authorId)
      .where('deleted_at', 'is', null);
    if (trx) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row) throw postNotFound();
    return row;
  }

  return {
    /** Creates a post; returns its id. */
    async create(authorId: string, input: CreatePostInput): Promise<string> {
      if (!(await creators.profileOf(authorId))) throw creatorProfileRequired();
      const body = input.body ?? '';
      const mediaIds = input.mediaIds ?? [];
      if (body.trim() === '' && mediaIds.length === 0) throw emptyPost('/body/body');
      const unlockPrice = priceFor(input.visibility, input.unlockPrice, null);
      const now = clock.now();
      const times = schedule(input.publish ?? 'now', now);
      await checkMedia(authorId, mediaIds);
      const id = randomUUID();
      await withTransaction(postDatabase(db), async (trx) => {
        await trx
          .insertInto('posts')
          .values({
            id,
            author_id: authorId,
            body,
            visibility: input.visibility,
            unlock_price: unlockPrice,
            ...times,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await attach(trx, id, mediaIds);
      });
      return id;
    },

    /** Edits the author's own post (see the header). */
    async update(authorId: string, postId: string, input: UpdatePostInput): Promise<void> {
      await ownPost(authorId, postId);
      if (input.mediaIds) await checkMedia(authorId, input.mediaIds);
      const attachments = input.mediaIds?.length ?? (await mediaCount(postId));
      await withTransaction(postDatabase(db), async (trx) => {
        const row = await ownPost(authorId, postId, trx);
        if (row.removed_at) throw postRemoved();
        const now = clock.now();
        const body = input.body ?? row.body;
        if (body.trim() === '' && attachments === 0)
          throw emptyPost(input.body !== undefined ? '/body/body' : '/body/mediaIds');
        const visibility = input.visibility ?? row.visibility;
        const unlockPrice = priceFor(visibility, input.unlockPrice, row.unlock_price);
        if (input.publish !== undefined && row.status === 'published') throw postAlreadyPublished();
        const times = input.publish !== undefined ? schedule(input.publish, now) : {};
        const edited =
          row.status === 'published' &&
          (body !== row.body ||
            visibility !== row.visibility ||
            unlockPrice !== row.unlock_price ||
            input.mediaIds !== undefined);
        await trx
          .updateTable('posts')
          .set({
            body,
            visibility,
            unlock_price: unlockPrice,
            ...times,
            updated_at: now,
            ...(edited && { edited_at: now }),
          })
          .where('id', '=', postId)
          .execute();
        if (input.mediaIds) await attach(trx, postId, input.mediaIds);
      });
    },

    /** Publishes a draft or scheduled post now, once: 409 when it is already published. */
    async publish(authorId: string, postId: string): Promise<void> {
      const now = clock.now();
      const published = await posts
        .updateTable('posts')
        .set({ status: 'published', published_at: now, updated_at: now })
        .where('id', '=', postId)
        .where('author_id', '=', authorId)
        .where('status', 'in', ['draft', 'scheduled'])
        .where('deleted_at', 'is', null)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (published.numUpdatedRows > 0n) return;
      const row = await ownPost(authorId, postId);
      throw row.removed_at ? postRemoved() : postAlreadyPublished();
    },

    /** Soft-deletes the author's own post: gone for everyone else, kept for moderation. */
    async remove(authorId: string, postId: string): Promise<void> {
      const now = clock.now();
      const deleted = await posts
        .updateTable('posts')
        .set({ deleted_at: now, updated_at: now })
        .where('id', '=', postId)
        .where('author_id', '=', authorId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (deleted.numUpdatedRows === 0n) throw postNotFound();
    },
  };
}

export type Authoring = ReturnType<typeof createAuthoring>;
