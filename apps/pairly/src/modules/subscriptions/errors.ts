// Owns the errors subscriptions answer with, by stable code. An unknown creator, one who offers no
// subscriptions and one blocked either way all answer the same 404, as does another fan's
// subscription: existence never leaks.
import { AppError } from '@app/platform';

export const creatorNotFound = () =>
  new AppError({
    kind: 'not_found',
    code: 'creator_not_found',
    detail: 'No such creator offering subscriptions.',
  });
export const subscriptionNotFound = () =>
  new AppError({ kind: 'not_found', code: 'subscription_not_found', detail: 'No such subscription.' });
export const subscribeToSelf = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'subscribe_to_self',
    detail: 'You cannot subscribe to yourself.',
    fields: [{ path: '/params/creatorId', message: 'must be another user' }],
  });
export const alreadySubscribed = () =>
  new AppError({
    kind: 'conflict',
    code: 'already_subscribed',
    detail: 'You already have a live subscription to this creator.',
  });
export const subscriptionPriceChanged = (price: number) =>
  new AppError({
    kind: 'conflict',
    code: 'subscription_price_changed',
    detail: `The subscription price is now ${price} credits; nothing was charged.`,
  });
export const subscriptionNotLive = () =>
  new AppError({
    kind: 'conflict',
    code: 'subscription_not_live',
    detail: 'The subscription has ended or lapsed; subscribe again instead.',
  });
export const subscriptionsNotOffered = () =>
  new AppError({
    kind: 'conflict',
    code: 'subscriptions_not_offered',
    detail: 'The creator no longer offers subscriptions; yours ends at the period end.',
  });
