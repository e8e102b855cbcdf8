// Owns turning invitation rows into what the API shows, and the one rule for the status people see:
// the stored status (pending, started, completed, revoked), except that a pending invitation past
// its expiry is "expired" at the moment it is read. A started invitation stays started past its
// expiry: its attempt runs on its own deadline and is scored by the attempts' expiry job. The token
// never leaves this module except in the mail.

import { page } from '../applications/presenters.js';
import type { InvitationRow, InvitationView } from './repository.js';
import type { Invitation, MyInvitation } from './schemas.js';
import type { InvitationStatus, ResolvedInvitation } from './types.js';

function statusAt(row: Pick<InvitationRow, 'status' | 'expires_at'>, now: Date): InvitationStatus {
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

/** A page of `limit` items from `limit + 1` rows, keyed by creation time and id. */
export function pageOf<T>(rows: InvitationView[], limit: number, present: (row: InvitationView) => T) {
  return page(rows, limit, (row) => ({ at: row.created_at, id: row.id }), present);
}
