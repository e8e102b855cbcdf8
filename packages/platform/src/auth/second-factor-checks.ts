// Owns checking a second-factor proof (a TOTP code or a recovery code) for an account: when a
// sign-in challenge is completed, when an enrolment is confirmed and when the second factor is
// turned off. All draw on one budget of attempts per account, so neither a fresh challenge nor
// another route buys more guesses; wrong sign-in codes and the locks they leave are audited.
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../time/clock.js';
import { type RequestOrigin, recordAudit } from './audit.js';
import type { CredentialChecks } from './credentials.js';
import { identityDb } from './schema.js';
import type { AttemptThrottles } from './throttle-failover.js';
import type { SecondFactorProof, TwoFactorService } from './two-factor.js';

export interface SecondFactorCheckDependencies {
  db: Database;
  clock: Clock;
  throttles: AttemptThrottles;
  twoFactor: TwoFactorService;
  credentials: CredentialChecks;
}

const secondFactorInvalid = (kind: 'unauthenticated' | 'forbidden') =>
  new AppError({ kind, code: 'second_factor_invalid', detail: 'The code is not valid.' });

export function createSecondFactorChecks(deps: SecondFactorCheckDependencies) {
  const { clock, throttles, twoFactor, credentials } = deps;
  const kysely = identityDb(deps.db);

  /** Takes one attempt from the account's second-factor budget before any code is checked. */
  async function reserve(userId: string, origin: RequestOrigin) {
    const reservation = await throttles.secondFactor.reserve(userId, origin.ip ?? 'unknown');
    if (!reservation.granted) {
      throw new AppError({
        kind: 'rate_limited',
        code: 'second_factor_locked',
        detail: 'Too many wrong codes; wait before trying again.',
        retryAfterSeconds: Math.ceil(reservation.waitMs / 1000),
      });
    }
    return reservation;
  }

  /**
   * Checks a second-factor proof against the account's own budget of attempts, which spans every
   * challenge and the disable route: a correct password never hands out a fresh one.
   */
  async function checkSecondFactor(
    userId: string,
    proof: SecondFactorProof,
    origin: RequestOrigin,
    refusal: 'unauthenticated' | 'forbidden',
  ): Promise<'code' | 'recovery_code'> {
    const reservation = await reserve(userId, origin);
    const method = await twoFactor.verify(userId, proof);
    if (method) {
      await reservation.succeeded();
      return method;
    }
    await recordAudit(kysely, clock, origin, {
      actorId: userId,
      action: 'auth.second_factor_failed',
      ...(reservation.lockMs > 0
        ? { after: { lockedForSeconds: Math.ceil(reservation.lockMs / 1000) } }
        : {}),
    });
    throw secondFactorInvalid(refusal);
  }

  /**
   * Turns the second factor off after the password and a code or recovery code; both count
   * against the account's budgets, so this route is no way around the sign-in locks.
   */
  async function disableSecondFactor(
    userId: string,
    input: { password: string } & SecondFactorProof,
    origin: RequestOrigin,
  ): Promise<void> {
    await credentials.confirmPassword(userId, input.password, origin);
    await checkSecondFactor(userId, input, origin, 'forbidden');
    await twoFactor.disable(userId);
  }

  /**
   * Confirms a pending enrolment with a code from the authenticator app. The code draws on the same
   * budget: a stolen session cannot guess its way into enabling 2FA and reading the recovery codes.
   */
  async function confirmSecondFactor(userId: string, code: string, origin: RequestOrigin): Promise<string[]> {
    const reservation = await reserve(userId, origin);
    const recoveryCodes = await twoFactor.confirm(userId, code);
    await reservation.succeeded();
    return recoveryCodes;
  }

  return { checkSecondFactor, confirmSecondFactor, disableSecondFactor };
}
