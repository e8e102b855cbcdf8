// Owns the errors posts answer with, each with a stable code. A post someone may not see is a 404
// `post_not_found` whatever the reason (draft, scheduled, deleted, removed, blocked, someone else's
// post being edited), so its existence never leaks.
import { AppError } from '@app/platform';

const invalid = (code: string, detail: string, path: string, message: string) =>
  new AppError({ kind: 'invalid_input', code, detail, fields: [{ path, message }] });

export const postNotFound = () =>
  new AppError({ kind: 'not_found', code: 'post_not_found', detail: 'No such post.' });
export const creatorNotFound = () =>
  new AppError({ kind: 'not_found', code: 'creator_not_found', detail: 'No such creator.' });
export const creatorProfileRequired = () =>
  new AppError({
    kind: 'forbidden',
    code: 'creator_profile_required',
    detail: 'Only creators with a creator profile publish posts; create your profile first.',
  });
export const postAlreadyPublished = () =>
  new AppError({
    kind: 'conflict',
    code: 'post_already_published',
    detail: 'The post is already published; its schedule cannot change.',
  });
export const unlockPriceChanged = (price: number) =>
  new AppError({
    kind: 'conflict',
    code: 'unlock_price_changed',
    detail: `The unlock price is now ${price} credits; nothing was charged. Unlock again, with a new Idempotency-Key and expectedPrice ${price}, to agree to it.`,
  });
export const postRemoved = () =>
  new AppError({
    kind: 'conflict',
    code: 'post_removed',
    detail: 'The post was removed by moderation and cannot be changed.',
  });
export const emptyPost = (path: string) =>
  invalid(
    'post_empty',
    'A post needs text or at least one attachment.',
    path,
    'must not be empty without media',
  );
export const duplicateMedia = (path: string) =>
  invalid('media_duplicated', 'An attachment appears twice.', path, 'must list each media object once');
export const unlockPriceRequired = () =>
  invalid(
    'unlock_price_required',
    'A pay-per-view post needs an unlock price.',
    '/body/unlockPrice',
    'required when visibility is pay_per_view',
  );
export const unlockPriceNotAllowed = () =>
  invalid(
    'unlock_price_not_allowed',
    'Only pay-per-view posts have an unlock price.',
    '/body/unlockPrice',
    'only with visibility pay_per_view',
  );
export const publishAtInPast = () =>
  invalid(
    'publish_at_in_past',
    'A post is scheduled for a time in the future.',
    '/body/publish/at',
    'must be in the future',
  );
export const publishAtInvalid = () =>
  invalid(
    'publish_at_invalid',
    'The publishing time is not a real instant (a leap second, say).',
    '/body/publish/at',
    'must be a real date and time',
  );
export const publishAtTooFar = (days: number) =>
  invalid(
    'publish_at_too_far',
    `A post is scheduled at most ${days} days ahead.`,
    '/body/publish/at',
    `must be within ${days} days`,
  );
export const ownStatusOnly = () =>
  invalid(
    'status_own_posts_only',
    'Only the author lists their drafts and scheduled posts.',
    '/querystring/status',
    'must be published for another creator',
  );
export const unlockOwnPost = () =>
  invalid(
    'unlock_own_post',
    'An author does not unlock their own post.',
    '/params/postId',
    'is your own post',
  );
export const notPayPerView = () =>
  invalid(
    'post_not_pay_per_view',
    'Only pay-per-view posts are unlocked.',
    '/params/postId',
    'is not a pay-per-view post',
  );
