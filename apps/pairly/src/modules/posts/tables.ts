// Owns the Kysely row types of the posts tables (migrations/0017_posts.sql: posts, post_media,
// post_unlocks, and post_likes for the viewer's "liked"; comments and reports belong to engagement/),
// the tables of other modules that post queries read (follows, creator_profiles, user_blocks), and
// the database handle the posts module queries them through.
import type { Database } from '@app/platform';
import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';
import type { CreatorTables } from '../creators/tables.js';
import type { SafetyTables } from '../safety/tables.js';

export type Visibility = 'public' | 'followers' | 'subscribers' | 'pay_per_view';
export type PostStatus = 'draft' | 'scheduled' | 'published';

export interface PostTables {
  posts: {
    id: string;
    author_id: string;
    body: string;
    visibility: Visibility;
    unlock_price: number | null;
    status: PostStatus;
    publish_at: Date | null;
    published_at: Date | null;
    edited_at: Date | null;
    deleted_at: Date | null;
    removed_at: Date | null;
    like_count: Generated<number>;
    comment_count: Generated<number>;
    created_at: Date;
    updated_at: Date;
  };
  post_media: { post_id: string; media_id: string; position: number };
  post_unlocks: { post_id: string; user_id: string; price: number; operation_id: string; created_at: Date };
  post_likes: { post_id: string; user_id: string; created_at: Date };
}

export type PostSchema = PairlySchema &
  PostTables &
  Pick<CreatorTables, 'follows' | 'creator_profiles'> &
  Pick<SafetyTables, 'user_blocks'>;
export type PostDb = Kysely<PostSchema>;
export type PostTransaction = Transaction<PostSchema>;
export type PostRow = Selectable<PostTables['posts']>;

export function postDb(db: Database): PostDb {
  return pairlyDb(db) as unknown as PostDb;
}

/** The database for `withTransaction`, typed with the posts tables. */
export const postDatabase = (db: Database) => db as Database<PostSchema>;
