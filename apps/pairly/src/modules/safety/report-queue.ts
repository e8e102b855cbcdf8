// Owns the moderators' side of message reports: the queue by status (open by default), oldest first,
// optionally narrowed to one sender, with each report's snapshot; and resolving an open report once,
// dismissed or upheld, by a conditional update (a second decision is a 409), audited in the same
// transaction. A resolution neither restricts nor lifts: restrictions are restrictions.ts.
import { type Clock, type Database, type RequestOrigin, withTransaction } from '@app/platform';
import { reportNotFound, reportResolved } from './errors.js';
import { cursorFrom, pageOf } from './paging.js';
import { type ReportView, toReportView } from './reports.js';
import {
  auditIn,
  type ReportOutcome,
  type ReportSnapshot,
  type ReportStatus,
  type SafetyDb,
  type SafetySchema,
  type StoredReport,
} from './tables.js';

export interface QueuedReportView extends ReportView {
  conversationId: string;
  reporterId: string;
  senderId: string;
  snapshot: ReportSnapshot;
  outcome: ReportOutcome | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolutionNote: string | null;
}

const toQueuedView = (row: StoredReport): QueuedReportView => ({
  ...toReportView(row),
  conversationId: row.conversation_id,
  reporterId: row.reporter_id,
  senderId: row.sender_id,
  snapshot: row.snapshot,
  outcome: row.outcome,
  resolvedBy: row.resolved_by,
  resolvedAt: row.resolved_at?.toISOString() ?? null,
  resolutionNote: row.resolution_note,
});

export function createReportQueue(database: Database, db: SafetyDb, clock: Clock) {
  return {
    /** The moderation queue by status (default open), oldest first; optionally one sender's reports. */
    async list(query: { status?: ReportStatus; senderId?: string; cursor?: string; limit?: number }) {
      const after = cursorFrom(query.cursor);
      const limit = query.limit ?? 50;
      let select = db
        .selectFrom('message_reports')
        .selectAll()
        .where('status', '=', query.status ?? 'open')
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1);
      if (query.senderId) select = select.where('sender_id', '=', query.senderId);
      if (after) {
        select = select.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('created_at', 'id'), '>', tuple(after.createdAt, after.id)),
        );
      }
      return pageOf(await select.execute(), limit, toQueuedView, (row) => ({
        createdAt: row.created_at,
        id: row.id,
      }));
    },

    /** Resolves an open report once (audited); a 409 when it was already resolved. */
    async resolve(
      staffId: string,
      reportId: string,
      input: { outcome: ReportOutcome; note?: string },
      origin: RequestOrigin,
    ): Promise<QueuedReportView> {
      return withTransaction(database as Database<SafetySchema>, async (trx) => {
        const now = clock.now();
        const row = await trx
          .updateTable('message_reports')
          .set({
            status: 'resolved',
            outcome: input.outcome,
            resolved_by: staffId,
            resolved_at: now,
            resolution_note: input.note ?? null,
          })
          .where('id', '=', reportId)
          .where('status', '=', 'open')
          .returningAll()
          .executeTakeFirst();
        if (!row) {
          const exists = await trx
            .selectFrom('message_reports')
            .select('id')
            .where('id', '=', reportId)
            .executeTakeFirst();
          throw exists ? reportResolved() : reportNotFound();
        }
        await auditIn(trx, clock, origin, {
          actorId: staffId,
          action: 'message_report.resolved',
          targetType: 'message_report',
          targetId: reportId,
          before: { status: 'open' },
          after: {
            status: 'resolved',
            outcome: input.outcome,
            note: input.note ?? null,
            senderId: row.sender_id,
          },
        });
        return toQueuedView(row);
      });
    },
  };
}

export type ReportQueue = ReturnType<typeof createReportQueue>;
