// Owns reports of posts by their viewers: anyone who can see a post, even locked, reports it once
// (a second report is a 409 `post_already_reported`; the unique (post, reporter) decides, however the
// two race), never their own post (400). The report opens in the moderation queue (report-queue.ts)
// and is audited in the transaction that stores it.
import { randomUUID } from 'node:crypto';
import { type RequestOrigin, withTransaction } from '@app/platform';
import { postAlreadyReported, reportOwnPost } from './errors.js';
import type { PostReportInput } from './schemas.js';
import { auditIn, type EngagementDependencies, type EngagementTables, engagementDatabase } from './tables.js';

export interface PostReportView {
  id: string;
  postId: string;
  reason: PostReportInput['reason'];
  note: string | null;
  status: 'open' | 'resolved';
  createdAt: string;
}

export const toPostReportView = (row: EngagementTables['post_reports']): PostReportView => ({
  id: row.id,
  postId: row.post_id,
  reason: row.reason,
  note: row.note,
  status: row.status,
  createdAt: row.created_at.toISOString(),
});

export function createPostReports({ db, clock, posts }: EngagementDependencies) {
  const database = engagementDatabase(db);
  return {
    async file(
      reporterId: string,
      postId: string,
      input: PostReportInput,
      origin: RequestOrigin,
    ): Promise<PostReportView> {
      const { post } = await posts.access(reporterId, postId);
      if (post.author_id === reporterId) throw reportOwnPost();
      return withTransaction(database, async (trx) => {
        const row = await trx
          .insertInto('post_reports')
          .values({
            id: randomUUID(),
            post_id: postId,
            reporter_id: reporterId,
            reason: input.reason,
            note: input.note ?? null,
            status: 'open',
            outcome: null,
            resolved_by: null,
            resolved_at: null,
            created_at: clock.now(),
          })
          .onConflict((conflict) => conflict.columns(['post_id', 'reporter_id']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) throw postAlreadyReported();
        await auditIn(trx, clock, origin, {
          actorId: reporterId,
          action: 'post.reported',
          targetType: 'post',
          targetId: postId,
          after: { reportId: row.id, authorId: post.author_id, reason: row.reason },
        });
        return toPostReportView(row);
      });
    },
  };
}

export type PostReports = ReturnType<typeof createPostReports>;
