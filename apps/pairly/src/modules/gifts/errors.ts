// Owns the errors gifts answer with: a refusal by a daily limit (429 with Retry-After until the next
// UTC midnight, code `gift_daily_<amount|count>_exceeded`) or by a fraud rule (403 `gift_refused`),
// which carries the rule for the audit log and the staff logs, and the plain refusals. A fraud
// refusal never names its rule to the sender: the linked-accounts rules would tell a stranger where
// the recipient signs in from, so every fraud rule answers with the same code and detail.
import { AppError } from '@app/platform';
import type { Finding } from './fraud.js';

const GIFT_REFUSED_DETAIL = 'This gift cannot be sent.';

/**
 * A gift refused by a limit (429 until the next UTC midnight, naming the sender's own limit) or a
 * fraud rule (403, the same answer for every rule); audited with the rule.
 */
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
        : { kind: 'forbidden', code: 'gift_refused', detail: GIFT_REFUSED_DETAIL },
    );
  }
}

/** The one answer for a gift refused for something about the recipient the sender must not learn. */
export const giftRefused = () =>
  new AppError({ kind: 'forbidden', code: 'gift_refused', detail: GIFT_REFUSED_DETAIL });

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
