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
