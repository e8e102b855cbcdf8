// Owns checking a password the account already has, under the brute-force budgets of the account
// and the address (see login-throttle.ts): reserving an attempt before the argon2 check, auditing
// wrong passwords and the locks they leave, and re-authentication before sensitive changes. Also
// the errors these checks, and a new password the policy refuses, answer with.
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../time/clock.js';
import { type RequestOrigin, recordAudit } from './audit.js';
import type { PasswordHasher } from './passwords.js';
import { identityDb } from './schema.js';
import type { AttemptThrottles } from './throttle-failover.js';

export interface CredentialDependencies {
  db: Database;
  clock: Clock;
  hasher: PasswordHasher;
  throttles: AttemptThrottles;
}

export const invalidCredentials = () =>
  new AppError({
    kind: 'unauthenticated',
    code: 'invalid_credentials',
    detail: 'The email or password is incorrect.',
  });

/** `problem` is a whole sentence from the password policy, shown as it is. */
export function weakPassword(problem: string, field: string): AppError {
  return new AppError({
    kind: 'invalid_input',
    code: 'password_rejected',
    detail: problem,
    fields: [{ path: `/body/${field}`, message: problem }],
  });
}

export function createCredentialChecks(deps: CredentialDependencies) {
  const { clock, hasher, throttles } = deps;
  const kysely = identityDb(deps.db);

  /**
   * Reserves a password attempt before the password is checked (see login-throttle.ts): refused
   * while the account or this address is locked, so guesses sent at once cannot all be checked.
   */
  async function reservePasswordAttempt(email: string, origin: RequestOrigin) {
    const reservation = await throttles.password.reserve(email, origin.ip ?? 'unknown');
    if (!reservation.granted) {
      throw new AppError({
        kind: 'rate_limited',
        code: 'login_locked',
        detail: 'Too many failed sign-in attempts; wait before trying again.',
        retryAfterSeconds: Math.ceil(reservation.waitMs / 1000),
      });
    }
    return reservation;
  }

  /** Audits a wrong password, and the lock its reservation left. */
  async function auditFailure(email: string, userId: string | null, lockMs: number, origin: RequestOrigin) {
    const target = { actorId: userId, targetType: 'account', targetId: email };
    await recordAudit(kysely, clock, origin, { ...target, action: 'auth.login_failed' });
    if (lockMs > 0) {
      await recordAudit(kysely, clock, origin, {
        ...target,
        action: 'auth.login_locked',
        after: { lockedForSeconds: Math.ceil(lockMs / 1000) },
      });
    }
  }

  async function verifyPassword(userId: string, password: string): Promise<boolean> {
    const user = await kysely
      .selectFrom('auth_users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    return hasher.verify(user.password_hash, password);
  }

  /** Re-authentication for sensitive changes; wrong passwords count towards the lockout. */
  async function confirmPassword(userId: string, password: string, origin: RequestOrigin): Promise<void> {
    const { email } = await kysely
      .selectFrom('auth_users')
      .select('email')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const attempt = await reservePasswordAttempt(email, origin);
    if (!(await verifyPassword(userId, password))) {
      await auditFailure(email, userId, attempt.lockMs, origin);
      throw new AppError({
        kind: 'forbidden',
        code: 'reauthentication_failed',
        detail: 'The current password is incorrect.',
      });
    }
    await attempt.succeeded();
  }

  return { reservePasswordAttempt, auditFailure, confirmPassword };
}

export type CredentialChecks = ReturnType<typeof createCredentialChecks>;
