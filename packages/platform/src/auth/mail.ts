// Owns outgoing mail for identity flows (password reset links). `Mailer` is the seam a deployment
// plugs its provider into; the embedded default writes each mail to the `mail_outbox` table (in
// the caller's transaction, so a mail exists only if the change that caused it committed), which
// a delivery worker or a test reads. The log records that a mail was queued, never its body.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../time/clock.js';
import type { IdentitySchema } from './schema.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: OutgoingMail, within?: Transaction<IdentitySchema>): Promise<void>;
}

export function createOutboxMailer(db: Kysely<IdentitySchema>, clock: Clock): Mailer {
  return {
    async send(mail, within) {
      await (within ?? db)
        .insertInto('mail_outbox')
        .values({ recipient: mail.to, subject: mail.subject, body: mail.text, created_at: clock.now() })
        .execute();
    },
  };
}

export interface OutboxMessage {
  id: number;
  to: string;
  subject: string;
  text: string;
  createdAt: Date;
}

/** The latest mails of the outbox, newest first: what development tools show instead of delivering. */
export async function readOutbox(db: Kysely<IdentitySchema>, limit: number): Promise<OutboxMessage[]> {
  const rows = await db.selectFrom('mail_outbox').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((row) => ({
    id: Number(row.id),
    to: row.recipient,
    subject: row.subject,
    text: row.body,
    createdAt: row.created_at,
  }));
}
