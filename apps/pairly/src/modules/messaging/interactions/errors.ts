// Owns the errors receipts, unsend and delete-for-me answer with, besides messaging's own
// (../errors.ts: a conversation the caller is not in is `conversation_not_found`, a block `blocked`).
// A message not in the conversation is a plain 404 too.
import { AppError } from '@app/platform';

export const messageNotFound = () =>
  new AppError({ kind: 'not_found', code: 'message_not_found', detail: 'No such message.' });

/** A receipt marker past the conversation's latest message (`path` names the field, e.g. `/body/read`). */
export const receiptBeyondLastSeq = (path: string, lastSeq: number) =>
  new AppError({
    kind: 'invalid_input',
    code: 'receipt_beyond_last_seq',
    detail: `Receipts mark messages up to a seq; this conversation's latest message is seq ${lastSeq}.`,
    fields: [{ path, message: `must be at most ${lastSeq}` }],
  });

export const unsendNotSender = () =>
  new AppError({
    kind: 'forbidden',
    code: 'unsend_not_sender',
    detail: 'Only the sender of a message may unsend it; "delete for me" hides it for you.',
  });

export const messageAlreadyUnsent = () =>
  new AppError({
    kind: 'conflict',
    code: 'message_already_unsent',
    detail: 'The message was already unsent.',
  });

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** A duration as people say it: whole hours, whole minutes, or seconds. */
export function describeDuration(ms: number): string {
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} hours`;
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS} minutes`;
  return `${ms / 1000} seconds`;
}

export const unsendWindowClosed = (windowMs: number) =>
  new AppError({
    kind: 'forbidden',
    code: 'unsend_window_closed',
    detail: `A message can be unsent for ${describeDuration(windowMs)} after it was sent.`,
  });

/** The refund of a paid message could not be posted (the credits already left the recipient's earnings, or an account is frozen). */
export const unsendRefundUnavailable = () =>
  new AppError({
    kind: 'conflict',
    code: 'unsend_refund_unavailable',
    detail: 'The charge for this message cannot be refunded now, so it was not unsent.',
  });
