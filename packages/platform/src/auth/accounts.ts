// Owns what a person does with their account: sign up, sign in (password, then the second factor
// when enabled), refresh, sign out, change or reset the password. Unknown email and wrong password
// are indistinguishable (same error, same argon2 cost, same throttling); every outcome is audited.

import { withTransaction } from '../db/transaction.js';
import type { Database } from '../db/types.js';
import { AppError, dependencyUnavailable } from '../errors/index.js';
import type { KeyValueStore } from '../kv/types.js';
import type { Clock } from '../time/clock.js';
import type { AccessPolicy } from './access-policy.js';
import { type RequestOrigin, recordAudit } from './audit.js';
import type { Mailer } from './mail.js';
import { passwordProblem } from './password-policy.js';
import type { PasswordHasher } from './passwords.js';
import { identityDb, identityTrx } from './schema.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';
import type { SessionService } from './sessions.js';
import type { AttemptThrottles } from './throttle-failover.js';
import type { TokenService } from './tokens.js';
import type { SecondFactorProof, TwoFactorService } from './two-factor.js';

export interface SignedIn {
  status: 'authenticated';
  userId: string;
  role: string;
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
}

export interface SecondFactorRequired {
  status: 'two_factor_required';
  challengeToken: string;
  expiresInSeconds: number;
}

export interface AccountDependencies {
  db: Database;
  kv: KeyValueStore;
  clock: Clock;
  policy: AccessPolicy;
  hasher: PasswordHasher;
  throttles: AttemptThrottles;
  sessions: SessionService;
  tokens: TokenService;
  twoFactor: TwoFactorService;
  mailer: Mailer;
  appName: string;
}

const CHALLENGE_TTL_SECONDS = 300;
const CHALLENGE_MAX_ATTEMPTS = 5;
const RESET_TTL_MS = 30 * 60 * 1000;

export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

const invalidCredentials = () =>
  new AppError({
    kind: 'unauthenticated',
    code: 'invalid_credentials',
    detail: 'The email or password is incorrect.',
  });

/** `problem` is a whole sentence from the password policy, shown as it is. */
function weakPassword(problem: string, field: string): AppError {
  return new AppError({
    kind: 'invalid_input',
    code: 'password_rejected',
    detail: problem,
    fields: [{ path: `/body/${field}`, message: problem }],
  });
}

const secondFactorInvalid = (kind: 'unauthenticated' | 'forbidden') =>
  new AppError({ kind, code: 'second_factor_invalid', detail: 'The code is not valid.' });

/** The challenge of a two-factor sign-in lives in the key-value store; without it, say so with a 503. */
async function challengeStore<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (cause) {
    throw dependencyUnavailable('Two-factor sign-in is temporarily unavailable; retry shortly.', cause);
  }
}

export function createAccountService(deps: AccountDependencies) {
  const { db, kv, clock, hasher, throttles, sessions, tokens, twoFactor } = deps;
  const kysely = identityDb(db);
  const challengeKey = (token: string) => `auth:login-challenge:${hashSecretToken(token)}`;
  const challengeAttemptsKey = (token: string) => `auth:login-challenge-attempts:${hashSecretToken(token)}`;

  async function signIn(userId: string, role: string, origin: RequestOrigin): Promise<SignedIn> {
    const { sessionId, refreshToken } = await sessions.start(userId, origin);
    const access = await tokens.issue({ userId, role, sessionId });
    return {
      status: 'authenticated',
      userId,
      role,
      sessionId,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
    };
  }

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
    const reservation = await throttles.secondFactor.reserve(userId, origin.ip ?? 'unknown');
    if (!reservation.granted) {
      throw new AppError({
        kind: 'rate_limited',
        code: 'second_factor_locked',
        detail: 'Too many wrong codes; wait before trying again.',
        retryAfterSeconds: Math.ceil(reservation.waitMs / 1000),
      });
    }
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

  async function verifyPassword(userId: string, password: string): Promise<boolean> {
    const user = await kysely
      .selectFrom('auth_users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    return hasher.verify(user.password_hash, password);
  }

  return {
    async signUp(
      input: { email: string; password: string; role: string },
      origin: RequestOrigin,
    ): Promise<SignedIn> {
      const email = normaliseEmail(input.email);
      if (!deps.policy.signupRoles.includes(input.role)) {
        throw new AppError({
          kind: 'invalid_input',
          code: 'role_not_allowed',
          detail: `Sign-up is open to: ${deps.policy.signupRoles.join(', ')}.`,
          fields: [{ path: '/body/role', message: 'not a role one can sign up for' }],
        });
      }
      const problem = passwordProblem(input.password, { email });
      if (problem) throw weakPassword(problem, 'password');
      const passwordHash = await hasher.hash(input.password);
      const now = clock.now();
      const created = await kysely
        .insertInto('auth_users')
        .values({
          email,
          password_hash: passwordHash,
          role: input.role,
          created_at: now,
          password_changed_at: now,
        })
        .onConflict((conflict) => conflict.column('email').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!created) {
        throw new AppError({
          kind: 'conflict',
          code: 'email_taken',
          detail: 'An account with this email already exists.',
        });
      }
      await recordAudit(kysely, clock, origin, {
        actorId: created.id,
        action: 'auth.signed_up',
        targetType: 'user',
        targetId: created.id,
      });
      return signIn(created.id, input.role, origin);
    },

    async logIn(
      input: { email: string; password: string },
      origin: RequestOrigin,
    ): Promise<SignedIn | SecondFactorRequired> {
      const email = normaliseEmail(input.email);
      const attempt = await reservePasswordAttempt(email, origin);
      const user = await kysely
        .selectFrom('auth_users')
        .select(['id', 'role', 'password_hash', 'totp_enabled_at'])
        .where('email', '=', email)
        .executeTakeFirst();
      if (!user) {
        await hasher.dummyVerify(input.password);
        await auditFailure(email, null, attempt.lockMs, origin);
        throw invalidCredentials();
      }
      if (!(await hasher.verify(user.password_hash, input.password))) {
        await auditFailure(email, user.id, attempt.lockMs, origin);
        throw invalidCredentials();
      }
      await attempt.succeeded();
      if (hasher.needsRehash(user.password_hash)) {
        const upgraded = await hasher.hash(input.password);
        await kysely
          .updateTable('auth_users')
          .set({ password_hash: upgraded })
          .where('id', '=', user.id)
          .execute();
      }
      if (user.totp_enabled_at) {
        const challengeToken = newSecretToken();
        await challengeStore(
          kv.set(challengeKey(challengeToken), JSON.stringify({ userId: user.id, email }), {
            ttlMs: CHALLENGE_TTL_SECONDS * 1000,
          }),
        );
        await recordAudit(kysely, clock, origin, {
          actorId: user.id,
          action: 'auth.login_second_factor_requested',
        });
        return { status: 'two_factor_required', challengeToken, expiresInSeconds: CHALLENGE_TTL_SECONDS };
      }
      await recordAudit(kysely, clock, origin, { actorId: user.id, action: 'auth.login_succeeded' });
      return signIn(user.id, user.role, origin);
    },

    async completeSecondFactor(
      challengeToken: string,
      proof: SecondFactorProof,
      origin: RequestOrigin,
    ): Promise<SignedIn> {
      const key = challengeKey(challengeToken);
      const stored = await challengeStore(kv.get(key));
      const invalid = new AppError({
        kind: 'unauthenticated',
        code: 'challenge_invalid',
        detail: 'The sign-in challenge is invalid or has expired; sign in again.',
      });
      if (!stored) throw invalid;
      const challenge = JSON.parse(stored) as { userId: string; email: string };
      // Each challenge also takes at most a few tries, counted before the proof is checked; the
      // account-wide budget in checkSecondFactor is what bounds guessing across challenges.
      const attempt = await challengeStore(
        kv.increment(challengeAttemptsKey(challengeToken), 1, { ttlMs: CHALLENGE_TTL_SECONDS * 1000 }),
      );
      if (attempt > CHALLENGE_MAX_ATTEMPTS) {
        await challengeStore(kv.delete(key));
        throw invalid;
      }
      let method: 'code' | 'recovery_code';
      try {
        method = await checkSecondFactor(challenge.userId, proof, origin, 'unauthenticated');
      } catch (error) {
        if (attempt >= CHALLENGE_MAX_ATTEMPTS) await challengeStore(kv.delete(key));
        throw error;
      }
      // Deleting is the atomic step: of two concurrent completions only one gets a session.
      if (!(await challengeStore(kv.delete(key)))) throw invalid;
      const user = await kysely
        .selectFrom('auth_users')
        .select('role')
        .where('id', '=', challenge.userId)
        .executeTakeFirstOrThrow();
      await recordAudit(kysely, clock, origin, {
        actorId: challenge.userId,
        action:
          method === 'recovery_code' ? 'auth.login_succeeded_with_recovery_code' : 'auth.login_succeeded',
      });
      return signIn(challenge.userId, user.role, origin);
    },

    async refresh(refreshToken: string, origin: RequestOrigin): Promise<SignedIn> {
      const rotated = await sessions.rotate(refreshToken, origin);
      const user = await kysely
        .selectFrom('auth_users')
        .select('role')
        .where('id', '=', rotated.userId)
        .executeTakeFirstOrThrow();
      const access = await tokens.issue({
        userId: rotated.userId,
        role: user.role,
        sessionId: rotated.sessionId,
      });
      return {
        status: 'authenticated',
        userId: rotated.userId,
        role: user.role,
        sessionId: rotated.sessionId,
        accessToken: access.token,
        accessTokenExpiresAt: access.expiresAt,
        refreshToken: rotated.refreshToken,
      };
    },

    async logOut(userId: string, sessionId: string, origin: RequestOrigin): Promise<void> {
      await sessions.revoke(userId, sessionId, 'logout');
      await recordAudit(kysely, clock, origin, {
        actorId: userId,
        action: 'auth.logged_out',
        targetType: 'session',
        targetId: sessionId,
      });
    },

    /** Re-authentication for sensitive changes; wrong passwords count towards the lockout. */
    async confirmPassword(userId: string, password: string, origin: RequestOrigin): Promise<void> {
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
    },

    /**
     * Turns the second factor off after the password and a code or recovery code; both count
     * against the account's budgets, so this route is no way around the sign-in locks.
     */
    async disableSecondFactor(
      userId: string,
      input: { password: string } & SecondFactorProof,
      origin: RequestOrigin,
    ): Promise<void> {
      await this.confirmPassword(userId, input.password, origin);
      await checkSecondFactor(userId, input, origin, 'forbidden');
      await twoFactor.disable(userId);
    },

    async changePassword(
      userId: string,
      sessionId: string,
      input: { currentPassword: string; newPassword: string; endOtherSessions: boolean },
      origin: RequestOrigin,
    ): Promise<{ endedSessions: number }> {
      await this.confirmPassword(userId, input.currentPassword, origin);
      const { email } = await kysely
        .selectFrom('auth_users')
        .select('email')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      const problem = passwordProblem(input.newPassword, { email });
      if (problem) throw weakPassword(problem, 'newPassword');
      const passwordHash = await hasher.hash(input.newPassword);
      await kysely
        .updateTable('auth_users')
        .set({ password_hash: passwordHash, password_changed_at: clock.now() })
        .where('id', '=', userId)
        .execute();
      const ended = input.endOtherSessions
        ? await sessions.revokeAll(userId, 'password_changed', sessionId)
        : [];
      await recordAudit(kysely, clock, origin, {
        actorId: userId,
        action: 'auth.password_changed',
        targetType: 'user',
        targetId: userId,
        after: { endedSessions: ended.length },
      });
      return { endedSessions: ended.length };
    },

    /** Always succeeds from the caller's point of view, whether or not the email has an account. */
    async requestPasswordReset(emailInput: string, origin: RequestOrigin): Promise<void> {
      const email = normaliseEmail(emailInput);
      const user = await kysely
        .selectFrom('auth_users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirst();
      if (!user) return;
      const token = newSecretToken();
      const now = clock.now();
      await withTransaction(db, async (trx) => {
        const t = identityTrx(trx);
        await t
          .insertInto('auth_password_resets')
          .values({
            token_hash: hashSecretToken(token),
            user_id: user.id,
            created_at: now,
            expires_at: new Date(now.getTime() + RESET_TTL_MS),
          })
          .execute();
        await deps.mailer.send(
          {
            to: email,
            subject: `Reset your ${deps.appName} password`,
            text: `Someone asked to reset the password of your ${deps.appName} account. If it was you, use this code within 30 minutes:\n\n${token}\n\nIf it was not you, ignore this mail; your password has not changed.`,
          },
          t,
        );
        await recordAudit(t, clock, origin, { actorId: user.id, action: 'auth.password_reset_requested' });
      });
    },

    async resetPassword(input: { token: string; newPassword: string }, origin: RequestOrigin): Promise<void> {
      const now = clock.now();
      const email = await withTransaction(db, async (trx) => {
        const t = identityTrx(trx);
        const reset = await t
          .updateTable('auth_password_resets')
          .set({ used_at: now })
          .where('token_hash', '=', hashSecretToken(input.token))
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .returning('user_id')
          .executeTakeFirst();
        if (!reset) {
          throw new AppError({
            kind: 'invalid_input',
            code: 'reset_token_invalid',
            detail: 'The reset code is invalid or has expired.',
          });
        }
        const user = await t
          .selectFrom('auth_users')
          .select('email')
          .where('id', '=', reset.user_id)
          .executeTakeFirstOrThrow();
        const problem = passwordProblem(input.newPassword, { email: user.email });
        // Thrown inside the transaction, so the code stays usable for a better password.
        if (problem) throw weakPassword(problem, 'newPassword');
        const passwordHash = await hasher.hash(input.newPassword);
        await t
          .updateTable('auth_users')
          .set({ password_hash: passwordHash, password_changed_at: now })
          .where('id', '=', reset.user_id)
          .execute();
        await t
          .updateTable('auth_password_resets')
          .set({ used_at: now })
          .where('user_id', '=', reset.user_id)
          .where('used_at', 'is', null)
          .execute();
        await recordAudit(t, clock, origin, {
          actorId: reset.user_id,
          action: 'auth.password_reset',
          targetType: 'user',
          targetId: reset.user_id,
        });
        return { userId: reset.user_id, email: user.email };
      });
      await sessions.revokeAll(email.userId, 'password_reset');
      // Only the password locks: a reset proves control of the mailbox, not of the second factor.
      await throttles.password.clearAccount(email.email);
    },

    async profile(userId: string) {
      const user = await kysely
        .selectFrom('auth_users')
        .select(['id', 'email', 'role', 'created_at', 'totp_enabled_at'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!user)
        throw new AppError({
          kind: 'unauthenticated',
          code: 'account_missing',
          detail: 'This account no longer exists.',
        });
      return {
        id: user.id,
        email: user.email,
        role: user.role,
        createdAt: user.created_at.toISOString(),
        twoFactorEnabled: user.totp_enabled_at !== null,
        permissions: [...deps.policy.permissionsOf(user.role)],
      };
    },

    async purgeExpiredResets(): Promise<void> {
      const cutoff = new Date(clock.now().getTime() - 86_400_000);
      await kysely.deleteFrom('auth_password_resets').where('expires_at', '<', cutoff).execute();
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
