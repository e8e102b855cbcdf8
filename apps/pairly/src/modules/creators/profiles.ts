// Owns creator profiles: a creator account creates its profile once (confirming it is 18+ and
// accepting the current terms, both recorded with the time), then replaces it (PUT) or changes some
// fields (PATCH); anyone who may see the creator reads the public page by handle. The per-message
// price is messaging's (messaging_settings.message_price, the one price messaging charges): profiles
// write and read it through the messaging service. A committed subscription price change is told to
// the registered listeners.
import type { Logger } from '@app/platform';
import type { Messaging } from '../messaging/service.js';
import {
  ageNotConfirmed,
  creatorNotFound,
  creatorsOnly,
  handleReserved,
  handleTaken,
  profileNotFound,
  termsNotAccepted,
  unknownLanguages,
} from './errors.js';
import { LANGUAGES, RESERVED_HANDLES, TERMS_VERSION } from './rules.js';
import type { MediaLike, SubscriptionPriceListener } from './service.js';
import type { CreatorDb, CreatorProfileRow, CreatorTables } from './tables.js';
import type { Views } from './views.js';
import { unblockedWith } from './visibility.js';

export interface ProfileFields {
  handle: string;
  displayName: string;
  bio: string;
  avatarMediaId: string | null;
  bannerMediaId: string | null;
  categories: string[];
  languages: string[];
  prices: { message: number; callMinute: number; subscription: number | null };
  subscriberMessagesFree: boolean;
  availableForCalls: boolean;
}

/** A PATCH: any of the fields, prices one by one. */
export type ProfileChange = Partial<Omit<ProfileFields, 'prices'>> & {
  prices?: Partial<ProfileFields['prices']>;
};

/** A PUT: the required fields, the rest take their defaults; the confirmations matter at creation. */
export type ProfileReplacement = ProfileChange &
  Pick<ProfileFields, 'handle' | 'displayName' | 'prices'> & {
    confirmAge?: boolean;
    acceptTerms?: string;
  };

const DEFAULTS: Omit<ProfileFields, 'handle' | 'displayName' | 'prices'> = {
  bio: '',
  avatarMediaId: null,
  bannerMediaId: null,
  categories: [],
  languages: [],
  subscriberMessagesFree: false,
  availableForCalls: false,
};

interface ProfileDeps {
  db: CreatorDb;
  clock: { now(): Date };
  logger: Logger;
  messaging: Pick<Messaging, 'settings' | 'settingsOf'>;
  media: MediaLike;
  views: Views;
  priceListeners: readonly SubscriptionPriceListener[];
}

type Caller = { userId: string; role: string };
type Row = CreatorTables['creator_profiles'];

const fieldsOf = (row: CreatorProfileRow, messagePrice: number): ProfileFields => ({
  handle: row.handle,
  displayName: row.display_name,
  bio: row.bio,
  avatarMediaId: row.avatar_media_id,
  bannerMediaId: row.banner_media_id,
  categories: row.categories,
  languages: row.languages,
  prices: { message: messagePrice, callMinute: row.call_minute_price, subscription: row.subscription_price },
  subscriberMessagesFree: row.subscriber_messages_free,
  availableForCalls: row.available_for_calls,
});

const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

export function createProfiles(deps: ProfileDeps) {
  const { db, views } = deps;

  async function rowOf(userId: string): Promise<CreatorProfileRow | null> {
    const row = await db
      .selectFrom('creator_profiles')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) return null;
    const { search: _search, ...profile } = row;
    return profile;
  }

  /** Refuses what the schemas cannot: reserved handles, unknown languages, media not the caller's images. */
  async function check(userId: string, change: ProfileChange): Promise<void> {
    if (change.handle !== undefined && RESERVED_HANDLES.has(change.handle.toLowerCase()))
      throw handleReserved();
    const unknown = (change.languages ?? []).flatMap((code, index) => (LANGUAGES.has(code) ? [] : [index]));
    if (unknown.length > 0) throw unknownLanguages(unknown);
    const media = [change.avatarMediaId, change.bannerMediaId].filter((id): id is string => !!id);
    if (media.length > 0) await deps.media.ownedBy(userId, media, ['image']);
  }

  /** Stores the whole profile (insert or update) and answers the row before and after. */
  async function store(userId: string, fields: ProfileFields, created: boolean) {
    const now = deps.clock.now();
    const values = {
      handle: fields.handle,
      display_name: fields.displayName,
      bio: fields.bio,
      avatar_media_id: fields.avatarMediaId,
      banner_media_id: fields.bannerMediaId,
      categories: fields.categories,
      languages: fields.languages,
      subscription_price: fields.prices.subscription,
      call_minute_price: fields.prices.callMinute,
      subscriber_messages_free: fields.subscriberMessagesFree,
      available_for_calls: fields.availableForCalls,
      updated_at: now,
    } satisfies Partial<Row>;
    try {
      return await db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('creator_profiles')
          .select('subscription_price')
          .where('user_id', '=', userId)
          .forUpdate()
          .executeTakeFirst();
        if (!before && !created) throw profileNotFound();
        await trx
          .insertInto('creator_profiles')
          .values({
            user_id: userId,
            ...values,
            age_confirmed_at: now,
            terms_accepted_at: now,
            terms_version: TERMS_VERSION,
            created_at: now,
          })
          .onConflict((conflict) => conflict.column('user_id').doUpdateSet(values))
          .execute();
        return { oldPrice: before ? before.subscription_price : undefined };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw handleTaken();
      throw error;
    }
  }

  /** Writes the message price (messaging's) and tells the listeners of a changed subscription price. */
  async function afterCommit(
    caller: Caller,
    fields: ProfileFields,
    messagePriceBefore: number,
    oldPrice: number | null | undefined,
  ) {
    if (fields.prices.message !== messagePriceBefore)
      await deps.messaging.settings.update(caller, { messagePrice: fields.prices.message });
    if (oldPrice === undefined || oldPrice === fields.prices.subscription) return;
    for (const listener of deps.priceListeners) {
      try {
        await listener(caller.userId, oldPrice, fields.prices.subscription);
      } catch (error) {
        deps.logger.error({ err: error, creatorId: caller.userId }, 'subscription price listener failed');
      }
    }
  }

  async function ownView(userId: string) {
    const row = await rowOf(userId);
    if (!row) throw profileNotFound();
    return views.own(row, (await deps.messaging.settingsOf(userId)).messagePrice);
  }

  async function save(caller: Caller, fields: ProfileFields, messagePriceBefore: number, creating: boolean) {
    const { oldPrice } = await store(caller.userId, fields, creating);
    await afterCommit(caller, fields, messagePriceBefore, oldPrice);
    return ownView(caller.userId);
  }

  return {
    rowOf,
    ownView,

    /** PUT: creates the profile (confirmations required) or replaces every field of it. */
    async replace(caller: Caller, input: ProfileReplacement) {
      if (caller.role !== 'creator') throw creatorsOnly();
      const { confirmAge, acceptTerms, ...change } = input;
      await check(caller.userId, change);
      const existing = await rowOf(caller.userId);
      if (!existing) {
        if (confirmAge !== true) throw ageNotConfirmed();
        if (acceptTerms !== TERMS_VERSION) throw termsNotAccepted(TERMS_VERSION);
      }
      const messagePrice = (await deps.messaging.settingsOf(caller.userId)).messagePrice;
      const fields: ProfileFields = {
        ...DEFAULTS,
        ...change,
        prices: { ...input.prices },
      };
      return { created: !existing, profile: await save(caller, fields, messagePrice, !existing) };
    },

    /** PATCH: changes only the fields sent; 404 before the profile exists. */
    async update(caller: Caller, change: ProfileChange) {
      if (caller.role !== 'creator') throw creatorsOnly();
      await check(caller.userId, change);
      const existing = await rowOf(caller.userId);
      if (!existing) throw profileNotFound();
      const messagePrice = (await deps.messaging.settingsOf(caller.userId)).messagePrice;
      const current = fieldsOf(existing, messagePrice);
      const fields: ProfileFields = {
        ...current,
        ...change,
        prices: { ...current.prices, ...change.prices },
      };
      return save(caller, fields, messagePrice, false);
    },

    /** The page of the creator with `handle` as `viewerId` sees it; 404 when absent or blocked either way. */
    async page(viewerId: string, handle: string) {
      const row = await db
        .selectFrom('creator_profiles')
        .selectAll()
        .select((eb) =>
          eb
            .exists(
              eb
                .selectFrom('follows')
                .select('follows.creator_id')
                .whereRef('follows.creator_id', '=', 'creator_profiles.user_id')
                .where('follows.follower_id', '=', viewerId),
            )
            .as('following'),
        )
        .where((eb) => eb(eb.fn('lower', ['handle']), '=', handle.toLowerCase()))
        .where(unblockedWith(viewerId, 'creator_profiles.user_id'))
        .executeTakeFirst();
      if (!row) throw creatorNotFound();
      const { search: _search, following, ...profile } = row;
      const { messagePrice } = await deps.messaging.settingsOf(profile.user_id);
      return { ...views.page(profile, messagePrice), viewer: { following: Boolean(following) } };
    },
  };
}

export type Profiles = ReturnType<typeof createProfiles>;
