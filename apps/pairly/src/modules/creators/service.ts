// Owns the creators service other modules and the routes use: creator profiles (profiles.ts), fan
// profiles, follows (follows.ts), search (search.ts), the author cards post views show, and the
// subscription-price listeners the subscriptions module registers. Built once from the app's context.
import type { PairlyContext } from '../context.js';
import type { Messaging } from '../messaging/service.js';
import type { Blocks } from '../safety/blocks.js';
import { createFans, type Fans } from './fans.js';
import { createFollows, type Follows } from './follows.js';
import { createProfiles, type Profiles } from './profiles.js';
import { createSearch, type Search } from './search.js';
import { type CreatorProfileRow, creatorDb } from './tables.js';
import { createViews } from './views.js';

/** What this module calls on the media service (modules/media/service.ts). */
export interface MediaLike {
  /** Throws 400 unless every id is an undeleted object of `ownerId` (of one of `kinds`). */
  ownedBy(ownerId: string, ids: readonly string[], kinds?: ('image' | 'video' | 'audio')[]): Promise<unknown>;
  /** A short-lived signed URL path for the object's content. */
  signedUrl(mediaId: string): string;
}

/** Exactly what the service uses: blocks' listener, messaging's price setting, media. */
export type CreatorsDeps = Pick<PairlyContext, 'db' | 'clock' | 'logger'> & {
  safety: { blocks: Pick<Blocks, 'onBlocked'> };
  messaging: Pick<Messaging, 'settings' | 'settingsOf'>;
  media: MediaLike;
};

/** A creator's card in post views and lists. */
export interface AuthorCard {
  id: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
}

/** Told after a committed change of a creator's monthly price (null = no subscriptions offered). */
export type SubscriptionPriceListener = (
  creatorId: string,
  oldPrice: number | null,
  newPrice: number | null,
) => Promise<void> | void;

export interface Creators {
  readonly profiles: Profiles;
  readonly fans: Fans;
  readonly follows: Follows;
  readonly search: Search;
  /** The creator's profile row, or null when the user has none (not a creator, or not set up yet). */
  profileOf(userId: string): Promise<CreatorProfileRow | null>;
  /** The creator's monthly price; null when subscriptions are not offered or the user has no profile. */
  subscriptionPriceOf(creatorId: string): Promise<number | null>;
  /** Registers a listener for subscription price changes (called after the commit, on this instance). */
  onSubscriptionPriceChanged(listener: SubscriptionPriceListener): void;
  /** Cards of those `ids` that have a creator profile (ids without one are absent from the map). */
  authorCards(ids: readonly string[]): Promise<Map<string, AuthorCard>>;
}

/** Builds the service; a new block (on this instance) removes the follows between the two users. */
export function createCreators(deps: CreatorsDeps): Creators {
  const db = creatorDb(deps.db);
  const views = createViews(deps.media);
  const priceListeners: SubscriptionPriceListener[] = [];
  const profiles = createProfiles({ ...deps, db, views, priceListeners });
  const follows = createFollows({ ...deps, db, views });
  deps.safety.blocks.onBlocked((blockerId, blockedId) => void follows.removeBetween(blockerId, blockedId));

  async function authorCards(ids: readonly string[]): Promise<Map<string, AuthorCard>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await db
      .selectFrom('creator_profiles')
      .select(['user_id', 'handle', 'display_name', 'avatar_media_id'])
      .where('user_id', 'in', unique)
      .execute();
    return new Map(rows.map((row) => [row.user_id, views.card(row)]));
  }

  return {
    profiles,
    fans: createFans({ ...deps, db, views }),
    follows,
    search: createSearch(db, views),
    profileOf: profiles.rowOf,
    async subscriptionPriceOf(creatorId) {
      return (await profiles.rowOf(creatorId))?.subscription_price ?? null;
    },
    onSubscriptionPriceChanged: (listener) => void priceListeners.push(listener),
    authorCards,
  };
}
