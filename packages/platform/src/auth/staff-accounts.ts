// Owns making staff: creating an account with a staff role, or promoting an existing one, which
// sign-up never allows. It is the operator's path (scripts/admin.ts), not an HTTP route: whoever
// runs it already holds the database. Staff roles are the app's declared roles that are not open
// to sign-up; the password obeys the same policy as everyone's; every change is audited with the
// operator as the actor (no user id: `user_agent` 'operator/cli' and `after.by`).
import { randomBytes } from 'node:crypto';
import { withTransaction } from '../db/transaction.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../time/clock.js';
import type { AccessPolicy } from './access-policy.js';
import { type RequestOrigin, recordAudit } from './audit.js';
import { passwordProblem } from './password-policy.js';
import type { PasswordHasher } from './passwords.js';
import { identityDb, identityTrx } from './schema.js';
import { insertUser, normaliseEmail } from './users.js';

export const OPERATOR_ACTOR = 'operator/cli';

export interface StaffDependencies {
  db: Database;
  policy: AccessPolicy;
  hasher: PasswordHasher;
  clock: Clock;
}

export function staffRoles(policy: AccessPolicy): string[] {
  return policy.roles.filter((role) => !policy.signupRoles.includes(role));
}

function checkStaffRole(policy: AccessPolicy, role: string): void {
  const allowed = staffRoles(policy);
  if (!allowed.includes(role)) {
    throw new AppError({
      kind: 'invalid_input',
      code: 'role_not_staff',
      detail: `"${role}" is not a staff role of this app; staff roles: ${allowed.join(', ')}.`,
    });
  }
}

const operatorOrigin = (): RequestOrigin => ({
  ip: null,
  userAgent: OPERATOR_ACTOR,
  requestId: `cli-${randomBytes(6).toString('hex')}`,
});

/** A password for a staff account when the operator gives none: 144 random bits. */
export function generateStaffPassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function createStaffAccount(
  deps: StaffDependencies,
  input: { email: string; role: string; password: string },
): Promise<{ userId: string; email: string; role: string }> {
  checkStaffRole(deps.policy, input.role);
  const email = normaliseEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new AppError({
      kind: 'invalid_input',
      code: 'invalid_email',
      detail: `"${email}" is not an email address.`,
    });
  }
  const problem = passwordProblem(input.password, { email });
  if (problem) throw new AppError({ kind: 'invalid_input', code: 'password_rejected', detail: problem });
  const passwordHash = await deps.hasher.hash(input.password);
  const now = deps.clock.now();
  // The account and its audit row commit together.
  const created = await withTransaction(deps.db, async (transaction) => {
    const trx = identityTrx(transaction);
    const row = await insertUser(trx, { email, passwordHash, role: input.role, now });
    if (!row) {
      throw new AppError({
        kind: 'conflict',
        code: 'email_taken',
        detail: `An account with ${email} already exists; use "promote" to give it a staff role.`,
      });
    }
    await recordAudit(trx, deps.clock, operatorOrigin(), {
      actorId: null,
      action: 'staff.created',
      targetType: 'user',
      targetId: row.id,
      after: { role: input.role, by: OPERATOR_ACTOR },
    });
    return row;
  });
  return { userId: created.id, email, role: input.role };
}

export async function promoteToStaff(
  deps: StaffDependencies,
  input: { email: string; role: string },
): Promise<{ userId: string; email: string; role: string; previousRole: string }> {
  checkStaffRole(deps.policy, input.role);
  const email = normaliseEmail(input.email);
  const user = await withTransaction(deps.db, async (transaction) => {
    const trx = identityTrx(transaction);
    const row = await trx
      .selectFrom('auth_users')
      .select(['id', 'role'])
      .where('email', '=', email)
      .forUpdate()
      .executeTakeFirst();
    if (!row) {
      throw new AppError({
        kind: 'not_found',
        code: 'account_not_found',
        detail: `No account with ${email}; use "create-staff" to create one.`,
      });
    }
    await trx.updateTable('auth_users').set({ role: input.role }).where('id', '=', row.id).execute();
    await recordAudit(trx, deps.clock, operatorOrigin(), {
      actorId: null,
      action: 'staff.promoted',
      targetType: 'user',
      targetId: row.id,
      before: { role: row.role },
      after: { role: input.role, by: OPERATOR_ACTOR },
    });
    return row;
  });
  return { userId: user.id, email, role: input.role, previousRole: user.role };
}

/** Whether anyone holds a staff role yet (start-up then says how to create the first one). */
export async function hasStaffAccount(db: Database, policy: AccessPolicy): Promise<boolean> {
  const roles = staffRoles(policy);
  if (roles.length === 0) return true;
  const row = await identityDb(db)
    .selectFrom('auth_users')
    .select('id')
    .where('role', 'in', roles)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
