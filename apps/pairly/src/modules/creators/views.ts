// Owns how creator and fan rows are shown: a creator's card (lists, post authors), the public page,
// the owner's own view (which adds the confirmations and media ids), and a fan's card. Media appear
// only as short-lived signed URLs; no view ever carries an email.
import type { AuthorCard, MediaLike } from './service.js';
import type { CreatorProfileRow, FanProfileRow } from './tables.js';

export type CardRow = Pick<CreatorProfileRow, 'user_id' | 'handle' | 'display_name' | 'avatar_media_id'>;

export interface Prices {
  message: number;
  callMinute: number;
  subscription: number | null;
}

export function createViews(media: MediaLike) {
  const url = (id: string | null) => (id ? media.signedUrl(id) : null);

  const card = (row: CardRow): AuthorCard => ({
    id: row.user_id,
    handle: row.handle,
    displayName: row.display_name,
    avatarUrl: url(row.avatar_media_id),
  });

  /** What anyone who may see the creator sees (the viewer's own relation is added by the caller). */
  const page = (row: CreatorProfileRow, messagePrice: number) => ({
    ...card(row),
    bio: row.bio,
    bannerUrl: url(row.banner_media_id),
    categories: row.categories,
    languages: row.languages,
    prices: {
      message: messagePrice,
      callMinute: row.call_minute_price,
      subscription: row.subscription_price,
    } satisfies Prices,
    subscriberMessagesFree: row.subscriber_messages_free,
    availableForCalls: row.available_for_calls,
    followerCount: row.follower_count,
    createdAt: row.created_at.toISOString(),
  });

  return {
    url,
    card,
    page,
    /** The owner's view: the page plus media ids, confirmations and the last change. */
    own: (row: CreatorProfileRow, messagePrice: number) => ({
      ...page(row, messagePrice),
      avatarMediaId: row.avatar_media_id,
      bannerMediaId: row.banner_media_id,
      ageConfirmedAt: row.age_confirmed_at.toISOString(),
      termsAcceptedAt: row.terms_accepted_at.toISOString(),
      termsVersion: row.terms_version,
      updatedAt: row.updated_at.toISOString(),
    }),
    fan: (row: FanProfileRow) => ({
      id: row.user_id,
      displayName: row.display_name,
      avatarUrl: url(row.avatar_media_id),
    }),
  };
}

export type Views = ReturnType<typeof createViews>;
export type CreatorPage = ReturnType<Views['page']>;
export type OwnCreatorProfile = ReturnType<Views['own']>;
