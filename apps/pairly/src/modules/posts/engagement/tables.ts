// Owns the Kysely row types of the tables engagement keeps (migrations/0017_posts.sql: post_comments,
// post_reports), the database handle engagement queries through (those, the posts module's posts,
// post_media and post_likes, and the profile and block tables a comment's author card and the block
// filter read), what engagement asks of the posts module, its services' dependencies, and writing
// an audit row in an engagement transaction.
import {
  type AuditEntry,
  type Clock,
  type Database,
  type IdentitySchema,
  type RequestOrigin,
  recordAudit,
} from '@app/platform';
import type { Kysely, Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../../db.js';
import type { CreatorTables } from '../../creators/tables.js';
import type { SafetyTables } from '../../safety/tables.js';
import type { PostTables } from '../tables.js';
import type { PostReportReason } from './schemas.js';

export type PostReportStatus = 'open' | 'resolved';
export type PostReportOutcome = 'dismissed' | 'upheld';

export interface EngagementTables {
  post_comments: {
    id: string;
    post_id: string;
    author_id: string;
    body: string;
    created_at: Date;
    deleted_at: Date | null;
  };
  post_reports: {
    id: string;
    post_id: string;
    reporter_id: string;
    reason: PostReportReason;
    note: string | null;
    status: PostReportStatus;
    outcome: PostReportOutcome | null;
    resolved_by: string | null;
    resolved_at: Date | null;
    created_at: Date;
  };
}

export type EngagementSchema = PairlySchema &
  EngagementTables &
  Pick<PostTables, 'posts' | 'post_media' | 'post_likes'> &
  Pick<CreatorTables, 'creator_profiles' | 'fan_profiles'> &
  Pick<SafetyTables, 'user_blocks'>;
export type EngagementDb = Kysely<EngagementSchema>;
export type EngagementTransaction = Transaction<EngagementSchema>;

/** The post as the posts module's access check answers it: engagement reads its id, author and life. */
export interface PostAccess {
  post: { id: string; author_id: string; status: string; deleted_at: Date | null; removed_at: Date | null };
  /** False when the post is locked for the viewer (they see a preview only). */
  full: boolean;
}

/**
 * Whether a post takes likes and comments: published and neither deleted nor removed. Only its author
 * reaches a post that is not, and even they cannot engage with it.
 */
export const takesEngagement = ({ post }: PostAccess): boolean =>
  post.status === 'published' && post.deleted_at === null && post.removed_at === null;

/** What engagement asks of the posts module. */
export interface PostsForEngagement {
  /** The post as the viewer may see it; throws 404 `post_not_found` when it does not exist for them. */
  access(viewerId: string, postId: string): Promise<PostAccess>;
}

export interface EngagementDependencies {
  db: Database;
  clock: Clock;
  posts: PostsForEngagement;
}

export function engagementDb(db: Database): EngagementDb {
  return pairlyDb(db) as unknown as EngagementDb;
}

/** The database for `withTransaction`, typed with the engagement tables. */
export const engagementDatabase = (db: Database) => db as Database<EngagementSchema>;

/** One audit row, written in the transaction of the change it records. */
export function auditIn(trx: EngagementTransaction, clock: Clock, origin: RequestOrigin, entry: AuditEntry) {
  return recordAudit(trx as unknown as Transaction<IdentitySchema>, clock, origin, entry);
}
