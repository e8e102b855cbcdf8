// Owns the errors gifts answer with: a refusal by a daily limit (429 with Retry-After until the next
// UTC midnight, code `gift_daily_<amount|count>_exceeded`) or by a fraud rule (403, code
// `gift_refused_<rule>`), which carries the rule for the audit log, and the plain refusals.
import { AppError } from '@app/platform';
import type { Finding } from './fraud.js';

/** A gift refused by a limit (429 until the next UTC midnight) or a fraud rule (403); audited. */
export class GiftRefused extends AppError {
  constructor(
    readonly finding: Finding,
    readonly findings: Finding[],
    resetsAt: Date | null,
    now: Date,
  ) {
    super(
      resetsAt
        ? {
            kind: 'rate_limited',
            code: `gift_${finding.rule}_exceeded`,
            detail: `${finding.detail} The limit resets at ${resetsAt.toISOString()}.`,
            retryAfterSeconds: Math.ceil((resetsAt.getTime() - now.getTime()) / 1000),
          }
        : { kind: 'forbidden', code: `gift_refused_${finding.rule}`, detail: finding.detail },
    );
  }
}

export const giftToSelf = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'gift_to_self',
    detail: 'A gift goes to another user.',
    fields: [{ path: '/body/recipientId', message: 'must be another user' }],
  });
export const recipientNotFound = () =>
  new AppError({ kind: 'not_found', code: 'recipient_not_found', detail: 'No such user.' });
export const giftNotFound = () =>
  new AppError({ kind: 'not_found', code: 'gift_not_found', detail: 'No such gift.' });
export const giftResolved = () =>
  new AppError({
    kind: 'conflict',
    code: 'gift_already_resolved',
    detail: 'The gift was already approved or rejected.',
  });
export const ownGift = () =>
  new AppError({
    kind: 'forbidden',
    code: 'gift_review_own',
    detail: 'Staff cannot decide on a gift they sent or received.',
  });
