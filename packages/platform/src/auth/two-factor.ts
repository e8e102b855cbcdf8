// Owns the second factor of an account: enrolment (a TOTP secret sealed to its user, enabled only
// once a code proves the authenticator has it), verification that refuses replayed codes by
// recording the last accepted step in the same UPDATE that accepts it, single-use recovery codes,
// and disabling.
import { sql } from 'kysely';
import { withTransaction } from '../db/transaction.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../time/clock.js';
import { generateRecoveryCodes, hashRecoveryCode, normaliseRecoveryCode } from './recovery-codes.js';
import { identityDb, identityTrx } from './schema.js';
import type { Sealer } from './sealing.js';
import { generateTotpSecret, totpUri, verifyTotp } from './totp.js';

export interface SecondFactorProof {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

export function createTwoFactorService(db: Database, clock: Clock, sealer: Sealer, issuer: string) {
  const kysely = identityDb(db);

  // The user id is the sealing context: a sealed secret copied onto another user's row does not open.
  function openSecret(userId: string, sealed: string): string {
    try {
      return sealer.open(sealed, userId);
    } catch (cause) {
      throw new AppError({
        kind: 'internal',
        code: 'two_factor_secret_unreadable',
        detail: `The stored TOTP secret of user ${userId} cannot be opened`,
        cause,
      });
    }
  }

  async function loadSecret(userId: string) {
    const row = await kysely
      .selectFrom('auth_users')
      .select(['totp_secret_sealed', 'totp_enabled_at', 'totp_last_step'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    return { ...row, secret: row.totp_secret_sealed ? openSecret(userId, row.totp_secret_sealed) : null };
  }

  /** Accepts a code once: the step is recorded by the same statement that checks it is newer. */
  async function acceptCode(userId: string, code: string): Promise<boolean> {
    const { secret, totp_last_step: lastUsedStep } = await loadSecret(userId);
    if (!secret) return false;
    const match = verifyTotp({ secret, code: code.trim(), nowMs: clock.now().getTime(), lastUsedStep });
    if (!match) return false;
    const updated = await kysely
      .updateTable('auth_users')
      .set({ totp_last_step: match.step })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', match.step)]))
      .returning('id')
      .executeTakeFirst();
    return updated !== undefined;
  }

  async function useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const used = await kysely
      .updateTable('auth_recovery_codes')
      .set({ used_at: clock.now() })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hashRecoveryCode(normaliseRecoveryCode(code)))
      .where('used_at', 'is', null)
      .returning('code_hash')
      .executeTakeFirst();
    return used !== undefined;
  }

  return {
    async isEnabled(userId: string): Promise<boolean> {
      const row = await kysely
        .selectFrom('auth_users')
        .select('totp_enabled_at')
        .where('id', '=', userId)
        .executeTakeFirst();
      return row?.totp_enabled_at != null;
    },

    /** Starts (or restarts) enrolment; the factor is not active until `confirm`. */
    async begin(userId: string): Promise<{ secret: string; otpauthUri: string }> {
      // The pending secret, if any, is replaced unread.
      const { email, totp_enabled_at: enabledAt } = await kysely
        .selectFrom('auth_users')
        .select(['email', 'totp_enabled_at'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      if (enabledAt) {
        throw new AppError({
          kind: 'conflict',
          code: 'two_factor_already_enabled',
          detail: 'Two-factor authentication is already on.',
        });
      }
      const secret = generateTotpSecret();
      await kysely
        .updateTable('auth_users')
        .set({ totp_secret_sealed: sealer.seal(secret, userId), totp_last_step: null })
        .where('id', '=', userId)
        .execute();
      return { secret, otpauthUri: totpUri({ secret, accountName: email, issuer }) };
    },

    /** Activates the factor with a first valid code and returns fresh recovery codes, shown once. */
    async confirm(userId: string, code: string): Promise<string[]> {
      const { secret, totp_enabled_at: enabledAt } = await loadSecret(userId);
      if (!secret || enabledAt) {
        throw new AppError({
          kind: 'conflict',
          code: 'two_factor_not_pending',
          detail: 'Start two-factor enrolment first.',
        });
      }
      if (!(await acceptCode(userId, code))) {
        throw new AppError({
          kind: 'invalid_input',
          code: 'two_factor_code_invalid',
          detail: 'The code is not valid.',
        });
      }
      const codes = generateRecoveryCodes(10);
      await withTransaction(db, async (trx) => {
        const t = identityTrx(trx);
        await t
          .updateTable('auth_users')
          .set({ totp_enabled_at: clock.now() })
          .where('id', '=', userId)
          .execute();
        await t.deleteFrom('auth_recovery_codes').where('user_id', '=', userId).execute();
        await t
          .insertInto('auth_recovery_codes')
          .values(
            codes.map((recovery) => ({
              user_id: userId,
              code_hash: hashRecoveryCode(recovery),
              used_at: null,
            })),
          )
          .execute();
      });
      return codes;
    },

    /** True when the proof (a fresh TOTP code, or an unused recovery code) passes; each works once. */
    async verify(userId: string, proof: SecondFactorProof): Promise<'code' | 'recovery_code' | null> {
      if (proof.code && (await acceptCode(userId, proof.code))) return 'code';
      if (proof.recoveryCode && (await useRecoveryCode(userId, proof.recoveryCode))) return 'recovery_code';
      return null;
    },

    async remainingRecoveryCodes(userId: string): Promise<number> {
      const row = await kysely
        .selectFrom('auth_recovery_codes')
        .select(sql<number>`count(*)`.as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async disable(userId: string): Promise<void> {
      await withTransaction(db, async (trx) => {
        const t = identityTrx(trx);
        await t
          .updateTable('auth_users')
          .set({ totp_secret_sealed: null, totp_enabled_at: null, totp_last_step: null })
          .where('id', '=', userId)
          .execute();
        await t.deleteFrom('auth_recovery_codes').where('user_id', '=', userId).execute();
      });
    },
  };
}

export type TwoFactorService = ReturnType<typeof createTwoFactorService>;
