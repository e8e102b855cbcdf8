// Owns writing the audit log: one append-only row per security-relevant event (who, what, on
// which target, before/after where it matters, from where, under which request id). Rows are
// never updated or deleted; a database trigger refuses it even if code tried.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../time/clock.js';
import type { IdentitySchema } from './schema.js';

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(
  db: Kysely<IdentitySchema> | Transaction<IdentitySchema>,
  clock: Clock,
  origin: RequestOrigin,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      occurred_at: clock.now(),
      actor_id: entry.actorId,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      ip: origin.ip,
      user_agent: origin.userAgent?.slice(0, 512) ?? null,
      request_id: origin.requestId,
    })
    .execute();
}
