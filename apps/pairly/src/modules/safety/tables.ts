// Owns the Kysely row types of the safety tables (migrations/0007_safety.sql), the database handle
// the safety module queries them through (pairly's schema plus these three tables), and writing an
// audit row in a safety transaction.
import {
  type AuditEntry,
  type Clock,
  type Database,
  type IdentitySchema,
  type RequestOrigin,
  recordAudit,
} from '@app/platform';
import type { ColumnType, Kysely, Selectable, Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';

export type ReportReason = 'spam' | 'harassment' | 'sexual_content' | 'scam' | 'other';
export type ReportStatus = 'open' | 'resolved';
export type ReportOutcome = 'dismissed' | 'upheld';

/** One message as a report keeps it. */
export interface SnapshotMessage {
  id: string;
  seq: number;
  senderId: string;
  /** Null when the message had been unsent before the report. */
  body: string | null;
  createdAt: string;
}

/** The reported message and the ones before it (oldest first), as they were when reported. */
export interface ReportSnapshot {
  conversationId: string;
  message: SnapshotMessage;
  context: SnapshotMessage[];
}

export interface SafetyTables {
  user_blocks: { blocker_id: string; blocked_id: string; created_at: Date };
  messaging_restrictions: {
    user_id: string;
    reason: string;
    created_at: Date;
    lifted_at: Date | null;
    lifted_by: string | null;
    lift_note: string | null;
  };
  message_reports: {
    id: string;
    message_id: string;
    conversation_id: string;
    reporter_id: string;
    sender_id: string;
    reason: ReportReason;
    note: string | null;
    snapshot: ColumnType<ReportSnapshot, string, never>;
    status: ColumnType<ReportStatus, never, ReportStatus>;
    outcome: ReportOutcome | null;
    resolved_by: string | null;
    resolved_at: Date | null;
    resolution_note: string | null;
    created_at: Date;
  };
}

export type SafetySchema = PairlySchema & SafetyTables;
export type SafetyDb = Kysely<SafetySchema>;
export type SafetyTransaction = Transaction<SafetySchema>;
export type StoredReport = Selectable<SafetyTables['message_reports']>;
export type StoredRestriction = Selectable<SafetyTables['messaging_restrictions']>;

export function safetyDb(db: Database): SafetyDb {
  return pairlyDb(db) as unknown as SafetyDb;
}

/** One audit row, written in the transaction of the change it records. */
export function auditIn(trx: SafetyTransaction, clock: Clock, origin: RequestOrigin, entry: AuditEntry) {
  return recordAudit(trx as unknown as Transaction<IdentitySchema>, clock, origin, entry);
}
