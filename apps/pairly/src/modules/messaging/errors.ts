// Owns the refusals of messaging, one place per code, so REST answers and WebSocket error frames
// carry the same codes (docs/messaging.md lists them).
import { AppError } from '@app/platform';

/** Someone else's conversation is answered exactly like a missing one: its existence is not revealed. */
export const conversationNotFound = () =>
  new AppError({ kind: 'not_found', code: 'conversation_not_found', detail: 'No such conversation.' });

export const userNotFound = () =>
  new AppError({
    kind: 'not_found',
    code: 'user_not_found',
    detail: 'No such user.',
    fields: [{ path: '/body/userId', message: 'no such user' }],
  });

export const conversationWithSelf = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'conversation_with_self',
    detail: 'A conversation needs another user.',
    fields: [{ path: '/body/userId', message: 'must be another user' }],
  });

/** Staff roles (a superadmin holds every permission) do not take part in fan/creator messaging. */
export const membersOnly = () =>
  new AppError({
    kind: 'forbidden',
    code: 'members_only',
    detail: 'Conversations are between fans and creators; staff accounts cannot open them.',
  });

/** The price the client agreed to is not the price now: nothing is stored or charged. */
export const messagePriceChanged = (price: number) =>
  new AppError({
    kind: 'conflict',
    code: 'message_price_changed',
    detail: `The price per message is now ${price} credits; nothing was sent or charged. Send again with expectedPrice ${price} to agree to it.`,
  });

export const creatorRequired = () =>
  new AppError({
    kind: 'forbidden',
    code: 'creator_required',
    detail: 'A conversation needs at least one creator in it.',
  });

export const priceForCreatorsOnly = () =>
  new AppError({
    kind: 'forbidden',
    code: 'message_price_creators_only',
    detail: 'Only creators may set a message price.',
    fields: [{ path: '/body/messagePrice', message: 'creators only' }],
  });

export const clientMessageIdReused = () =>
  new AppError({
    kind: 'conflict',
    code: 'client_message_id_reused',
    detail: 'This clientMessageId was already used for another message.',
  });

export const clientMessageIdMissing = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'client_message_id_required',
    detail: 'Send clientMessageId in the body or an Idempotency-Key header.',
    fields: [{ path: '/body/clientMessageId', message: 'required' }],
  });

export function invalidBody(path: string, detail: string): AppError {
  return new AppError({
    kind: 'invalid_input',
    code: 'invalid_message_body',
    detail,
    fields: [{ path, message: detail }],
  });
}

export const invalidCursor = (path: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'cursor_invalid',
    detail: 'The cursor is not one this API issued.',
    fields: [{ path, message: 'unknown cursor' }],
  });
