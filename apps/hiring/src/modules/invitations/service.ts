// Owns the invitation token contract the attempts use (types.ts InvitationTokens): what a token
// opens, spending it to start one attempt, and marking the invitation completed when the attempt
// is scored. Any token, known or not, costs one SHA-256 and one read by the unique hash index, so
// a guessed token cannot be told apart by timing; only then is the row classified. Starting is
// ONE conditional update (pending, token unspent, not expired at `now`, an attempt left): of two
// racing starts with one token, exactly one wins and the other gets 410 invitation_used. Never
// opens a transaction of its own inside the caller's (PGlite has one connection).
import type { ServerDependencies } from '@app/platform';
import type { Transaction } from 'kysely';
import { type HiringSchema, hiringDb } from '../../db.js';
import { invitationExpired, invitationNotFound, invitationRevoked, invitationUsed } from './errors.js';
import { toResolved } from './presenters.js';
import { createInvitationRepository, type InvitationRow } from './repository.js';
import { hashToken } from './tokens.js';
import type { InvitationTokens, ResolvedInvitation } from './types.js';

/** Throws the reason a token of this row cannot start an attempt at `now`, if there is one. */
function refuse(row: InvitationRow, now: Date): void {
  if (row.status === 'revoked') throw invitationRevoked();
  if (row.status !== 'pending' || row.token_spent_at !== null || row.attempts_used >= row.attempts_limit) {
    throw invitationUsed();
  }
  if (row.expires_at.getTime() <= now.getTime()) throw invitationExpired();
}

export function createInvitationTokens({
  db,
  clock,
}: Pick<ServerDependencies, 'db' | 'clock'>): InvitationTokens {
  const repository = createInvitationRepository(hiringDb(db));

  return {
    async resolve(token: string): Promise<ResolvedInvitation> {
      const row = await repository.byTokenHash(hashToken(token));
      if (!row) throw invitationNotFound();
      const now = clock.now();
      refuse(row, now);
      return toResolved(row, now);
    },

    async startAttempt(
      trx: Transaction<HiringSchema>,
      token: string,
      now: Date,
    ): Promise<ResolvedInvitation> {
      const hash = hashToken(token);
      const spent = await repository.spendToken(trx, hash, now);
      if (spent) return toResolved(spent, now);
      // Refused: say why, from the row as it is now (a race loser sees the token spent).
      const row = await repository.byTokenHash(hash, trx);
      if (!row) throw invitationNotFound();
      refuse(row, now);
      throw invitationUsed();
    },

    async completed(trx: Transaction<HiringSchema>, invitationId: string, now: Date): Promise<void> {
      await repository.complete(trx, invitationId, now);
    },
  };
}
