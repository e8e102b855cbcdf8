// Owns the moderators' side of post reports: the queue by status (open by default), oldest first
// with a (created_at, id) cursor, each report with its post as it is now (deleted and removed posts
// included: the posts table only soft-deletes), and resolving an open report once by a conditional
// update (a second decision is a 409). Upholding a report removes the post (posts.removed_at: 404 for
// everyone but its author); the decision and the removal are audited in the same transaction. Other
// open reports of the same post stay open for a moderator to close.
import { type RequestOrigin, withTransaction } from '@app/platform';
import { sql } from 'kysely';
import { cursorFrom, pageOf } from '../../safety/paging.js';
import { postReportNotFound, postReportResolved } from './errors.js';
import { type PostReportView, toPostReportView } from './reports.js';
import type { ResolveInput } from './schemas.js';
import {
  auditIn,
  type EngagementDb,
  type EngagementDependencies,
  type EngagementTables,
  engagementDatabase,
  engagementDb,
  type PostReportOutcome,
  type PostReportStatus,
} from './tables.js';

type Iso = string | null;

export interface QueuedPostReportView extends PostReportView {
  reporterId: string;
  outcome: PostReportOutcome | null;
  resolvedBy: string | null;
  resolvedAt: Iso;
  post: {
    id: string;
    authorId: string;
    body: string;
    mediaIds: string[];
    visibility: string;
    status: string;
    publishedAt: Iso;
    editedAt: Iso;
    deletedAt: Iso;
    removedAt: Iso;
  };
}

type QueueRow = EngagementTables['post_reports'] & {
  author_id: string;
  body: string;
  media_ids: string[];
  visibility: string;
  post_status: string;
  published_at: Date | null;
  edited_at: Date | null;
  deleted_at: Date | null;
  removed_at: Date | null;
};

const iso = (at: Date | null): Iso => at?.toISOString() ?? null;

const toQueuedView = (row: QueueRow): QueuedPostReportView => ({
  ...toPostReportView(row),
  reporterId: row.reporter_id,
  outcome: row.outcome,
  resolvedBy: row.resolved_by,
  resolvedAt: iso(row.resolved_at),
  post: {
    id: row.post_id,
    authorId: row.author_id,
    body: row.body,
    mediaIds: row.media_ids,
    visibility: row.visibility,
    status: row.post_status,
    publishedAt: iso(row.published_at),
    editedAt: iso(row.edited_at),
    deletedAt: iso(row.deleted_at),
    removedAt: iso(row.removed_at),
  },
});

/** Reports with their posts and the posts' media ids in order. */
const reportsWithPosts = (db: EngagementDb) =>
  db
    .selectFrom('post_reports as r')
    .innerJoin('posts as p', 'p.id', 'r.post_id')
    .selectAll('r')
    .select([
      'p.author_id',
      'p.body',
      'p.visibility',
      'p.status as post_status',
      'p.published_at',
      'p.edited_at',
      'p.deleted_at',
      'p.removed_at',
      sql<
        string[]
      >`array(select m.media_id::text from post_media m where m.post_id = p.id order by m.position)`.as(
        'media_ids',
      ),
    ]);

export function createPostReportQueue({ db, clock }: Omit<EngagementDependencies, 'posts'>) {
  const kysely = engagementDb(db);
  const database = engagementDatabase(db);
  return {
    /** The queue by status (default open), oldest first. */
    async list(query: { status?: PostReportStatus; cursor?: string; limit?: number }) {
      const after = cursorFrom(query.cursor);
      const limit = query.limit ?? 50;
      let select = reportsWithPosts(kysely)
        .where('r.status', '=', query.status ?? 'open')
        .orderBy('r.created_at')
        .orderBy('r.id')
        .limit(limit + 1);
      if (after) {
        select = select.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('r.created_at', 'r.id'), '>', tuple(after.createdAt, after.id)),
        );
      }
      return pageOf(await select.execute(), limit, toQueuedView, (row) => ({
        createdAt: row.created_at,
        id: row.id,
      }));
    },

    /** Resolves an open report once (audited; upheld removes the post); 409 when already resolved. */
    async resolve(
      staffId: string,
      reportId: string,
      input: ResolveInput,
      origin: RequestOrigin,
    ): Promise<QueuedPostReportView> {
      return withTransaction(database, async (trx) => {
        const now = clock.now();
        const report = await trx
          .updateTable('post_reports')
          .set({ status: 'resolved', outcome: input.outcome, resolved_by: staffId, resolved_at: now })
          .where('id', '=', reportId)
          .where('status', '=', 'open')
          .returning(['post_id'])
          .executeTakeFirst();
        if (!report) {
          const exists = await trx
            .selectFrom('post_reports')
            .select('id')
            .where('id', '=', reportId)
            .executeTakeFirst();
          throw exists ? postReportResolved() : postReportNotFound();
        }
        const removed =
          input.outcome === 'upheld' &&
          (await trx
            .updateTable('posts')
            .set({ removed_at: now })
            .where('id', '=', report.post_id)
            .where('removed_at', 'is', null)
            .returning('id')
            .executeTakeFirst()) !== undefined;
        await auditIn(trx, clock, origin, {
          actorId: staffId,
          action: 'post_report.resolved',
          targetType: 'post_report',
          targetId: reportId,
          before: { status: 'open' },
          after: {
            status: 'resolved',
            outcome: input.outcome,
            note: input.note ?? null,
            postId: report.post_id,
          },
        });
        if (removed) {
          await auditIn(trx, clock, origin, {
            actorId: staffId,
            action: 'post.removed',
            targetType: 'post',
            targetId: report.post_id,
            before: { removedAt: null },
            after: { removedAt: now.toISOString(), reportId, note: input.note ?? null },
          });
        }
        return toQueuedView(
          await reportsWithPosts(trx).where('r.id', '=', reportId).executeTakeFirstOrThrow(),
        );
      });
    },
  };
}

export type PostReportQueue = ReturnType<typeof createPostReportQueue>;
