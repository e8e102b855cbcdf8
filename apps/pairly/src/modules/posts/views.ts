// Owns turning post rows into what a viewer receives, a page at a time: the full view (text, media
// described with signed URLs, the viewer's like and unlock) or the locked view (author, counts,
// price and media placeholders: never text, media ids, URLs or keys). Author cards come from the
// creators module, media from the media module, each asked once per page where it can be.
import type { ViewerPost } from './access.js';
import type { FullPost, LockedPost, Post } from './schemas.js';
import type { PostDb } from './tables.js';

export interface AuthorCard {
  id: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
}
export interface MediaView {
  id: string;
  kind: string;
  contentType: string;
  width: number | null;
  height: number | null;
  url: string;
}
export interface MediaPlaceholder {
  kind: string;
  preview: string | null;
  width: number | null;
  height: number | null;
}

/** What views call on the media module (modules/media/service.ts). */
export interface ViewMedia {
  /** Views (signed URLs) of the undeleted objects among `ids`, in order. */
  describe(ids: readonly string[]): Promise<MediaView[]>;
  /** Placeholders (no id, URL or key) of the undeleted objects among `ids`, by id. */
  placeholders(ids: readonly string[]): Promise<Map<string, MediaPlaceholder>>;
}

/** What views call on the creators module (modules/creators/service.ts). */
export interface ViewCreators {
  authorCards(ids: readonly string[]): Promise<Map<string, AuthorCard>>;
}

const iso = (at: Date | null) => (at ? at.toISOString() : null);

export function createViews(db: PostDb, media: ViewMedia, creators: ViewCreators) {
  /** Each post's media ids in order. */
  async function attachments(postIds: string[]): Promise<Map<string, string[]>> {
    const byPost = new Map<string, string[]>(postIds.map((id) => [id, []]));
    if (postIds.length === 0) return byPost;
    const rows = await db
      .selectFrom('post_media')
      .select(['post_id', 'media_id'])
      .where('post_id', 'in', postIds)
      .orderBy('post_id')
      .orderBy('position')
      .execute();
    for (const row of rows) byPost.get(row.post_id)?.push(row.media_id);
    return byPost;
  }

  async function render(rows: readonly ViewerPost[]): Promise<Post[]> {
    const [cards, mediaOf] = await Promise.all([
      creators.authorCards(rows.map((row) => row.author_id)),
      attachments(rows.map((row) => row.id)),
    ]);
    const idsOf = (full: boolean) =>
      rows.filter((row) => row.full === full).flatMap((row) => mediaOf.get(row.id) ?? []);
    const [descriptions, placeholders] = await Promise.all([
      media.describe(idsOf(true)),
      media.placeholders(idsOf(false)),
    ]);
    const described = new Map(descriptions.map((view) => [view.id, view]));
    const authorOf = (row: ViewerPost): AuthorCard =>
      cards.get(row.author_id) ?? { id: row.author_id, handle: '', displayName: '', avatarUrl: null };

    return rows.map((row): Post => {
      const ids = mediaOf.get(row.id) ?? [];
      const shared = {
        id: row.id,
        author: authorOf(row),
        visibility: row.visibility,
        unlockPrice: row.unlock_price,
        likeCount: row.like_count,
        commentCount: row.comment_count,
      };
      if (!row.full) {
        const locked: LockedPost = {
          ...shared,
          publishedAt: (row.published_at as Date).toISOString(),
          locked: true,
          media: ids.flatMap((id) => placeholders.get(id) ?? []),
        };
        return locked;
      }
      const full: FullPost = {
        ...shared,
        body: row.body,
        media: ids.flatMap((id) => described.get(id) ?? []),
        viewer: { liked: row.liked, unlocked: row.unlocked },
        status: row.status,
        publishAt: iso(row.publish_at),
        publishedAt: iso(row.published_at),
        editedAt: iso(row.edited_at),
        deletedAt: iso(row.deleted_at),
        removedAt: iso(row.removed_at),
        locked: false,
      };
      return full;
    });
  }

  return {
    render,
    /** One post's view. */
    async one(row: ViewerPost): Promise<Post> {
      return (await render([row]))[0] as Post;
    },
  };
}

export type Views = ReturnType<typeof createViews>;
