// Public surface of the identity capability: what an app needs to give its users accounts,
// sessions, a second factor, CSRF-protected cookie sessions, roles and an audit trail.
import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '../db/migrations.js';

/** The identity tables; an app lists this set in its migrations to have accounts. */
export const identityMigrations: MigrationSet = {
  scope: 'auth',
  directory: fileURLToPath(new URL('../../migrations/auth', import.meta.url)),
};

export { type AccessPolicy, defineAccessPolicy } from './access-policy.js';
export type { AccountService, SecondFactorRequired, SignedIn } from './accounts.js';
export { type AuditEntry, type RequestOrigin, recordAudit } from './audit.js';
export {
  ACCESS_COOKIE,
  type AuthContext,
  caller,
  createIdentity,
  type Guard,
  type Identity,
  type IdentityOptions,
  REFRESH_COOKIE,
  requestOrigin,
} from './identity.js';
export type { Mailer, OutgoingMail } from './mail.js';
export { registerIdentityRoutes } from './routes.js';
export { type IdentitySchema, identityDb, identityTrx } from './schema.js';
export { authenticateConnection, type ConnectionAuthOptions, WS_CLOSE } from './ws-auth.js';
