// Owns how a payout leaves the service: the creator's view (their own payout, without who decided
// it or finance's notes) and the staff view (everything finance needs to decide and reconcile).
// Dates go out as ISO strings; a stored (replayed) result is already in this shape.
import type { PayoutRecord } from './repository.js';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function presentPayout(row: PayoutRecord) {
  return {
    id: row.id,
    creatorId: row.creator_id,
    credits: row.credits,
    amount: row.amount,
    currency: row.currency,
    provider: row.provider,
    destinationAccountId: row.destination_account_id,
    status: row.status,
    providerPayoutId: row.provider_payout_id,
    failureReason: row.failure_reason,
    decisionReason: row.decision_reason,
    requestedAt: iso(row.requested_at) as string,
    decidedAt: iso(row.decided_at),
    settledAt: iso(row.settled_at),
  };
}

export function presentStaffPayout(row: PayoutRecord) {
  return {
    ...presentPayout(row),
    holdId: row.hold_id,
    rate: row.rate,
    decidedBy: row.decided_by,
    settledBy: row.settled_by,
    reference: row.reference,
    note: row.note,
    sendAttempts: row.send_attempts,
    lastSendError: row.last_send_error,
    lateOutcome: row.late_outcome,
    lateReason: row.late_reason,
    updatedAt: iso(row.updated_at) as string,
  };
}

export type PresentedPayout = ReturnType<typeof presentPayout>;
export type PresentedStaffPayout = ReturnType<typeof presentStaffPayout>;

/** The keyset cursor of a page: the last payout's request time and id, opaque to clients. */
export const encodeCursor = (row: PayoutRecord) =>
  Buffer.from(`${new Date(row.requested_at).toISOString()}|${row.id}`).toString('base64url');

export function decodeCursor(cursor: string | undefined): { requestedAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const requestedAt = new Date(at ?? '');
  if (
    !id ||
    Number.isNaN(requestedAt.getTime()) ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
  )
    return undefined;
  return { requestedAt, id };
}
