// Owns the Kysely row types of the assessment-invitation tables (migration 0010). The stored status
// is pending, started, completed or revoked; "expired" is never stored: it is computed from
// expires_at when read (presenters.ts), so it is true at the moment of reading.
import type { ColumnType, Generated } from 'kysely';

export type StoredInvitationStatus = 'pending' | 'started' | 'completed' | 'revoked';

export interface InvitationTables {
  hiring_assessment_invitations: {
    id: Generated<string>;
    organisation_id: string;
    assessment_id: string;
    /** Normalised (NFKC, trimmed, lower case). */
    email: string;
    name: string | null;
    application_id: string | null;
    /** The candidate account with this email when the invitation was made, if any. */
    candidate_user_id: string | null;
    /** SHA-256 of the current token, hex; the token itself is never stored. */
    token_hash: string;
    token_issued_at: Date;
    /** Set when the current token started an attempt: a token starts one attempt at most. */
    token_spent_at: Date | null;
    /** pending on insert (the column's default). */
    status: ColumnType<StoredInvitationStatus, StoredInvitationStatus | undefined, StoredInvitationStatus>;
    /** How long a token is valid, re-used by a resend. */
    valid_hours: number;
    expires_at: Date;
    attempts_limit: number;
    attempts_used: Generated<number>;
    invited_by: string | null;
    created_at: Date;
    last_sent_at: Date;
    started_at: Date | null;
    completed_at: Date | null;
    revoked_at: Date | null;
    revoked_by: string | null;
  };
  /** Every invitation mail (first one and resends): resends are rate limited from these rows. */
  hiring_assessment_invitation_mails: {
    id: Generated<number>;
    invitation_id: string;
    kind: 'invite' | 'resend';
    queued: boolean;
    created_at: Date;
  };
}
