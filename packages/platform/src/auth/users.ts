// Owns the account row itself: how an email is normalised before it is stored or looked up, and
// inserting a new user, which sign-up and the operator's create-staff both go through. An email
// already taken inserts nothing, and each caller says so in its own words.
import type { IdentityDb } from './schema.js';

export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** Inserts the user with a fresh password (changed "now"); undefined when the email is taken. */
export async function insertUser(
  db: IdentityDb,
  user: { email: string; passwordHash: string; role: string; now: Date },
): Promise<{ id: string } | undefined> {
  return db
    .insertInto('auth_users')
    .values({
      email: user.email,
      password_hash: user.passwordHash,
      role: user.role,
      created_at: user.now,
      password_changed_at: user.now,
    })
    .onConflict((conflict) => conflict.column('email').doNothing())
    .returning('id')
    .executeTakeFirst();
}
