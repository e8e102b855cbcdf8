// Owns the error codes of safety: blocks (yourself is a 400, an unknown user or block a 404), reports
// (a message the reporter is not in reads as missing, 404; their own message is a 400), the
// moderation queue (a report resolved once, 409; no active restriction to lift, 404) and the two
// refusals messaging answers a sender with (restricted pending review; a block either way).
import { AppError } from '@app/platform';

const notFound = (code: string, detail: string) => new AppError({ kind: 'not_found', code, detail });

export const blockSelf = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'block_self',
    detail: 'You cannot block yourself.',
    fields: [{ path: '/body/userId', message: 'must be another user' }],
  });

export const userNotFound = () => notFound('user_not_found', 'No such user.');

export const blockNotFound = () => notFound('block_not_found', 'You have not blocked this user.');

export const messageNotFound = () => notFound('message_not_found', 'No such message in your conversations.');

export const reportOwnMessage = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'report_own_message',
    detail: 'You cannot report your own message.',
    fields: [{ path: '/params/messageId', message: 'must be a message someone else sent' }],
  });

export const reportNotFound = () => notFound('report_not_found', 'No such report.');

export const reportResolved = () =>
  new AppError({
    kind: 'conflict',
    code: 'report_already_resolved',
    detail: 'The report was already resolved.',
  });

export const restrictionNotFound = () =>
  notFound('restriction_not_found', 'The user has no active messaging restriction.');

export const messagingRestricted = () =>
  new AppError({
    kind: 'forbidden',
    code: 'messaging_restricted',
    detail: 'Your messaging is paused while reports about your messages are reviewed.',
  });

export const blockedByYou = () =>
  new AppError({
    kind: 'forbidden',
    code: 'user_blocked',
    detail: 'You blocked this user; unblock them to message them.',
  });

export const recipientUnavailable = () =>
  new AppError({
    kind: 'forbidden',
    code: 'recipient_unavailable',
    detail: 'This user cannot receive your messages.',
  });
