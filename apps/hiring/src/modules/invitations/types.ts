// Owns the contract between invitations and attempts: what a candidate's invite token resolves to,
// and the two conditional transitions an attempt makes on its invitation. Implemented by
// invitations/service.ts, used by assessments' attempt routes.
import type { Transaction } from 'kysely';
import type { HiringSchema } from '../../db.js';

export type InvitationStatus = 'pending' | 'started' | 'completed' | 'expired' | 'revoked';

export interface ResolvedInvitation {
  id: string;
  organisationId: string;
  assessmentId: string;
  /** The candidate's account, when the invite was sent to the email of an existing candidate. */
  candidateUserId: string | null;
  email: string;
  applicationId: string | null;
  attemptsLimit: number;
  attemptsUsed: number;
  expiresAt: Date;
  status: InvitationStatus;
}

export interface InvitationTokens {
  /**
   * What a token opens. Unknown tokens: 404 invitation_not_found, after the same work as a known one
   * (hash and one indexed read). Revoked or expired: 410 invitation_revoked / invitation_expired.
   * Used up (attemptsUsed = attemptsLimit, or the token already started an attempt): 410
   * invitation_used.
   */
  resolve(token: string): Promise<ResolvedInvitation>;
  /**
   * Spends the token to start one attempt, by one conditional update (the token is single-use, and
   * attempts_used < attempts_limit and not expired or revoked at `now`); the loser of a race gets
   * 410 invitation_used. Runs in the attempt's transaction.
   */
  startAttempt(trx: Transaction<HiringSchema>, token: string, now: Date): Promise<ResolvedInvitation>;
  /** Marks the invitation completed when its attempt is scored (idempotent). */
  completed(trx: Transaction<HiringSchema>, invitationId: string, now: Date): Promise<void>;
}
