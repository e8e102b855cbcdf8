// Owns reports of messages. A participant of a conversation reports a message someone else sent,
// once per message: the report keeps a snapshot of the message and the few before it as they were
// then, and opens in the moderation queue. Reports against one sender are counted under a lock on
// that sender, so that when `autoRestrictAfterReports` distinct reporters report them within
// `reportWindowMs` they are restricted from messaging exactly once, however the reports race
// (dismissed reports, reports older than the sender's last lift, and reports by accounts younger than
// `minReporterAccountAgeMs` when they reported, do not count; all of them still reach the queue).
// The moderators' side of reports is report-queue.ts.
import { type Clock, type Database, type Logger, type RequestOrigin, withTransaction } from '@app/platform';
import { sql } from 'kysely';
import { messageNotFound, reportOwnMessage } from './errors.js';
import type { SafetyOptions } from './options.js';
import { restrict } from './restrictions.js';
import type {
  ReportReason,
  ReportSnapshot,
  ReportStatus,
  SafetyDb,
  SafetySchema,
  SafetyTransaction,
  SnapshotMessage,
  StoredReport,
} from './tables.js';
import { auditIn } from './tables.js';

export interface ReportView {
  id: string;
  messageId: string;
  reason: ReportReason;
  note: string | null;
  status: ReportStatus;
  createdAt: string;
}

export const toReportView = (row: StoredReport): ReportView => ({
  id: row.id,
  messageId: row.message_id,
  reason: row.reason,
  note: row.note,
  status: row.status,
  createdAt: row.created_at.toISOString(),
});

const snapshotMessage = (row: {
  id: string;
  seq: number;
  sender_id: string;
  body: string | null;
  created_at: Date;
}): SnapshotMessage => ({
  id: row.id,
  seq: Number(row.seq),
  senderId: row.sender_id,
  body: row.body,
  createdAt: row.created_at.toISOString(),
});

/** The report window in words: "24 hours", "90 minutes", "30 seconds". */
function describeWindow(ms: number): string {
  const [size, unit] =
    ms % 3_600_000 === 0
      ? [ms / 3_600_000, 'hour']
      : ms % 60_000 === 0
        ? [ms / 60_000, 'minute']
        : [ms / 1000, 'second'];
  return `${size} ${unit}${size === 1 ? '' : 's'}`;
}

interface ReportDependencies {
  database: Database;
  db: SafetyDb;
  clock: Clock;
  logger: Logger;
  options: SafetyOptions;
}

export function createReports({ database, db, clock, logger, options }: ReportDependencies) {
  /** The message with the ones before it, if the reporter may report it (in the conversation, not theirs). */
  async function takeSnapshot(reporterId: string, messageId: string): Promise<ReportSnapshot> {
    const target = await db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select([
        'm.id',
        'm.conversation_id',
        'm.seq',
        'm.sender_id',
        'm.body',
        'm.created_at',
        'c.user_a',
        'c.user_b',
      ])
      .where('m.id', '=', messageId)
      .executeTakeFirst();
    if (!target || (target.user_a !== reporterId && target.user_b !== reporterId)) throw messageNotFound();
    if (target.sender_id === reporterId) throw reportOwnMessage();
    const before = await db
      .selectFrom('messages')
      .select(['id', 'seq', 'sender_id', 'body', 'created_at'])
      .where('conversation_id', '=', target.conversation_id)
      .where('seq', '<', target.seq)
      .orderBy('seq', 'desc')
      .limit(options.snapshotContextMessages)
      .execute();
    return {
      conversationId: target.conversation_id,
      message: snapshotMessage(target),
      context: before.reverse().map(snapshotMessage),
    };
  }

  /**
   * Restricts the sender when enough distinct users with established accounts reported them within
   * the window (since their last lift, dismissed reports aside); runs under the sender's lock, after
   * the new report.
   */
  async function restrictIfReported(trx: SafetyTransaction, report: StoredReport, origin: RequestOrigin) {
    const now = clock.now();
    const windowStart = new Date(now.getTime() - options.reportWindowMs);
    const { rows } = await sql<{ reporters: number }>`
      select count(distinct r.reporter_id)::int as reporters
      from message_reports r join auth_users u on u.id = r.reporter_id
      where r.sender_id = ${report.sender_id} and r.created_at > ${windowStart}
        and r.outcome is distinct from 'dismissed'
        and r.created_at - u.created_at >= ${options.minReporterAccountAgeMs}::double precision * interval '1 millisecond'
        and r.created_at > coalesce(
          (select lifted_at from messaging_restrictions where user_id = ${report.sender_id}),
          '-infinity'::timestamptz)
    `.execute(trx);
    const reporters = rows[0]?.reporters ?? 0;
    if (reporters < options.autoRestrictAfterReports) return undefined;
    const reason = `${reporters} users reported their messages within ${describeWindow(options.reportWindowMs)}`;
    const restriction = await restrict(trx, report.sender_id, reason, now);
    if (!restriction) return undefined;
    const details = {
      by: 'auto_restrict',
      reporters,
      threshold: options.autoRestrictAfterReports,
      windowMs: options.reportWindowMs,
      minReporterAccountAgeMs: options.minReporterAccountAgeMs,
      reportId: report.id,
      reporterId: report.reporter_id,
    };
    await auditIn(trx, clock, origin, {
      actorId: null,
      action: 'messaging.restricted',
      targetType: 'user',
      targetId: report.sender_id,
      after: { reason, ...details },
    });
    return details;
  }

  return {
    /**
     * Files the reporter's report of a message; `created` is false when they had reported it already
     * (the first report is answered, nothing is counted twice).
     */
    async file(
      reporterId: string,
      messageId: string,
      input: { reason: ReportReason; note?: string },
      origin: RequestOrigin,
    ): Promise<{ created: boolean; report: ReportView }> {
      const snapshot = await takeSnapshot(reporterId, messageId);
      const senderId = snapshot.message.senderId;
      const outcome = await withTransaction(database as Database<SafetySchema>, async (trx) => {
        // Reports against one sender are counted one at a time (see restrictIfReported).
        await sql`select pg_advisory_xact_lock(hashtext(${`pairly.safety.reports:${senderId}`}))`.execute(
          trx,
        );
        const row = await trx
          .insertInto('message_reports')
          .values({
            id: crypto.randomUUID(),
            message_id: messageId,
            conversation_id: snapshot.conversationId,
            reporter_id: reporterId,
            sender_id: senderId,
            reason: input.reason,
            note: input.note ?? null,
            snapshot: JSON.stringify(snapshot),
            created_at: clock.now(),
          })
          .onConflict((conflict) => conflict.columns(['message_id', 'reporter_id']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) {
          const existing = await trx
            .selectFrom('message_reports')
            .selectAll()
            .where('message_id', '=', messageId)
            .where('reporter_id', '=', reporterId)
            .executeTakeFirstOrThrow();
          return { row: existing, created: false, restricted: undefined };
        }
        await auditIn(trx, clock, origin, {
          actorId: reporterId,
          action: 'message.reported',
          targetType: 'message',
          targetId: messageId,
          after: { reportId: row.id, senderId, reason: row.reason },
        });
        return { row, created: true, restricted: await restrictIfReported(trx, row, origin) };
      });
      const { row, created, restricted } = outcome;
      if (created) {
        logger.info(
          {
            event: 'message_reported',
            reportId: row.id,
            messageId,
            reporterId,
            senderId,
            reason: row.reason,
          },
          'message reported',
        );
      }
      if (restricted) {
        logger.warn(
          { event: 'messaging_auto_restricted', userId: senderId, ...restricted },
          'sender restricted from messaging pending review',
        );
      }
      return { created, report: toReportView(row) };
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
