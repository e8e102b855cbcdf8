// Owns what a person does with their account: sign up, sign in (password, then the second factor
// when enabled), refresh, sign out and read the profile. Unknown email and wrong password are
// indistinguishable (same error, same argon2 cost, same throttling); every outcome is audited.
// The service also carries re-authentication (credentials.ts), the second-factor checks
// (second-factor-checks.ts) and password changes and resets (password-changes.ts), so callers
// keep one `AccountService`.

import type { Database } from '../db/types.js';
import { AppError, dependencyUnavailable } from '../errors/index.js';
import type { KeyValueStore } from '../kv/types.js';
import type { Clock } from '../time/clock.js';
import type { AccessPolicy } from './access-policy.js';
import { type RequestOrigin, recordAudit } from './audit.js';
import { createCredentialChecks, invalidCredentials, weakPassword } from './credentials.js';
import type { Mailer } from './mail.js';
import { createPasswordChanges } from './password-changes.js';
import { passwordProblem } from './password-policy.js';
import type { PasswordHasher } from './passwords.js';
import { identityDb } from './schema.js';
import { createSecondFactorChecks } from './second-factor-checks.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';
import type { SessionService } from './sessions.js';
import type { AttemptThrottles } from './throttle-failover.js';
import type { TokenService } from './tokens.js';
import type { SecondFactorProof, TwoFactorService } from './two-factor.js';
import { insertUser, normaliseEmail } from './users.js';

export { normaliseEmail } from './users.js';

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

/** The challenge of a two-factor sign-in lives in the key-value store; without it, say so with a 503. */
async function challengeStore<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (cause) {
    throw dependencyUnavailable('Two-factor sign-in is temporarily unavailable; retry shortly.', cause);
  }
}

export function createAccountService(deps: AccountDependencies) {
  const { db, kv, clock, hasher, sessions, tokens } = deps;
  const kysely = identityDb(db);
  const credentials = createCredentialChecks(deps);
  const secondFactor = createSecondFactorChecks({ ...deps, credentials });
  const passwords = createPasswordChanges({ ...deps, credentials });
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
      const created = await insertUser(kysely, { email, passwordHash, role: input.role, now });
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
      const attempt = await credentials.reservePasswordAttempt(email, origin);
      const user = await kysely
        .selectFrom('auth_users')
        .select(['id', 'role', 'password_hash', 'totp_enabled_at'])
        .where('email', '=', email)
        .executeTakeFirst();
      if (!user) {
        await hasher.dummyVerify(input.password);
        await credentials.auditFailure(email, null, attempt.lockMs, origin);
        throw invalidCredentials();
      }
      if (!(await hasher.verify(user.password_hash, input.password))) {
        await credentials.auditFailure(email, user.id, attempt.lockMs, origin);
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
        method = await secondFactor.checkSecondFactor(challenge.userId, proof, origin, 'unauthenticated');
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

    confirmPassword: credentials.confirmPassword,
    confirmSecondFactor: secondFactor.confirmSecondFactor,
    disableSecondFactor: secondFactor.disableSecondFactor,
    changePassword: passwords.changePassword,
    requestPasswordReset: passwords.requestPasswordReset,
    resetPassword: passwords.resetPassword,
    purgeExpiredResets: passwords.purgeExpiredResets,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
