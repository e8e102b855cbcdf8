// Owns turning invitation rows into what the API shows, and the one rule for the status people see:
// the stored status (pending, started, completed, revoked), except that a pending invitation past
// its expiry is "expired" at the moment it is read. A started invitation stays started past its
// expiry: its attempt runs on its own deadline and is scored by the attempts' expiry job. The token
// never leaves this module except in the mail.

import type { Cursor, InvitationRow, InvitationView } from './repository.js';
import type { Invitation, MyInvitation } from './schemas.js';
import type { InvitationStatus, ResolvedInvitation } from './types.js';

export function statusAt(row: Pick<InvitationRow, 'status' | 'expires_at'>, now: Date): InvitationStatus {
  if (row.status === 'pending' && row.expires_at.getTime() <= now.getTime()) return 'expired';
  return row.status;
}

/** Whether the link last mailed can still start an attempt now. */
export function linkActive(row: InvitationRow, now: Date): boolean {
  return (
    statusAt(row, now) === 'pending' && row.token_spent_at === null && row.attempts_used < row.attempts_limit
  );
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toInvitation(row: InvitationView, now: Date): Invitation {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    assessmentId: row.assessment_id,
    assessmentTitle: row.assessment_title,
    email: row.email,
    name: row.name,
    applicationId: row.application_id,
    candidateUserId: row.candidate_user_id,
    status: statusAt(row, now),
    linkActive: linkActive(row, now),
    attemptsLimit: row.attempts_limit,
    attemptsUsed: row.attempts_used,
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    lastSentAt: row.last_sent_at.toISOString(),
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    revokedAt: iso(row.revoked_at),
  };
}

export function toMyInvitation(row: InvitationView, now: Date): MyInvitation {
  return {
    id: row.id,
    organisationName: row.organisation_name,
    assessmentTitle: row.assessment_title,
    timeLimitMinutes: row.time_limit_minutes,
    status: statusAt(row, now),
    attemptsLimit: row.attempts_limit,
    attemptsUsed: row.attempts_used,
    expiresAt: row.expires_at.toISOString(),
    invitedAt: row.created_at.toISOString(),
  };
}

export function toResolved(row: InvitationRow, now: Date): ResolvedInvitation {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    assessmentId: row.assessment_id,
    candidateUserId: row.candidate_user_id,
    email: row.email,
    applicationId: row.application_id,
    attemptsLimit: row.attempts_limit,
    attemptsUsed: row.attempts_used,
    expiresAt: row.expires_at,
    status: statusAt(row, now),
  };
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at.toISOString(), cursor.id])).toString('base64url');
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Undefined when the text is not a cursor this API issued. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, id] = value;
    if (typeof at !== 'string' || !ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at))) return undefined;
    if (typeof id !== 'string' || !UUID.test(id)) return undefined;
    return { at: new Date(at), id };
  } catch {
    return undefined;
  }
}

/** A page of `limit` items from `limit + 1` rows: the extra row only says there is a next page. */
export function page<T>(rows: InvitationView[], limit: number, present: (row: InvitationView) => T) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
  };
}
