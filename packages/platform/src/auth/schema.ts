// Owns the Kysely row types of the identity tables (migrations/auth/0001_identity.sql), so the
// identity services query them with checked column names.
import type { Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';

export interface IdentitySchema {
  auth_users: {
    id: Generated<string>;
    email: string;
    password_hash: string;
    role: string;
    created_at: Date;
    password_changed_at: Date;
    totp_secret_sealed: string | null;
    totp_enabled_at: Date | null;
    totp_last_step: number | null;
  };
  auth_sessions: {
    id: string;
    user_id: string;
    created_at: Date;
    last_used_at: Date;
    expires_at: Date;
    revoked_at: Date | null;
    revoked_reason: string | null;
    ip: string | null;
    user_agent: string | null;
  };
  auth_refresh_tokens: { token_hash: string; session_id: string; created_at: Date; rotated_at: Date | null };
  auth_recovery_codes: { user_id: string; code_hash: string; used_at: Date | null };
  auth_password_resets: {
    token_hash: string;
    user_id: string;
    created_at: Date;
    expires_at: Date;
    used_at: Date | null;
  };
  auth_csrf_tokens: {
    token_hash: string;
    user_id: string;
    created_at: Date;
    expires_at: Date;
    consumed_at: Date | null;
  };
  audit_log: {
    id: Generated<number>;
    occurred_at: Date;
    actor_id: string | null;
    action: string;
    target_type: string | null;
    target_id: string | null;
    before: unknown;
    after: unknown;
    ip: string | null;
    user_agent: string | null;
    request_id: string | null;
  };
  mail_outbox: { id: Generated<number>; recipient: string; subject: string; body: string; created_at: Date };
}

export type IdentityDb = Kysely<IdentitySchema>;

export function identityDb(db: Database): IdentityDb {
  return db.kysely as unknown as IdentityDb;
}

export function identityTrx<Schema>(trx: Transaction<Schema>): Transaction<IdentitySchema> {
  return trx as unknown as Transaction<IdentitySchema>;
}
