// Owns fan profiles (a display name and an avatar, set by any member for themselves) and the light
// card of any user others may see: the creator card when they have a creator profile, else their fan
// profile; 404 when they have neither or a block stands between the two either way.
import { sql } from 'kysely';
import { fanProfileNotFound, userProfileNotFound } from './errors.js';
import type { MediaLike } from './service.js';
import type { CreatorDb, FanProfileRow } from './tables.js';
import type { Views } from './views.js';
import { unblockedWith } from './visibility.js';

export interface FanProfileInput {
  displayName: string;
  avatarMediaId?: string | null;
}

interface FanDeps {
  db: CreatorDb;
  clock: { now(): Date };
  media: MediaLike;
  views: Views;
}

export function createFans({ db, clock, media, views }: FanDeps) {
  const own = (row: FanProfileRow) => ({
    ...views.fan(row),
    avatarMediaId: row.avatar_media_id,
    updatedAt: row.updated_at.toISOString(),
  });

  return {
    async ownView(userId: string) {
      const row = await db
        .selectFrom('fan_profiles')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) throw fanProfileNotFound();
      return own(row);
    },

    /** Creates or replaces the caller's fan profile; `created` tells which. */
    async replace(userId: string, input: FanProfileInput) {
      const avatar = input.avatarMediaId ?? null;
      if (avatar) await media.ownedBy(userId, [avatar], ['image']);
      const now = clock.now();
      const values = { display_name: input.displayName, avatar_media_id: avatar, updated_at: now };
      const row = await db
        .insertInto('fan_profiles')
        .values({ user_id: userId, ...values, created_at: now })
        .onConflict((conflict) => conflict.column('user_id').doUpdateSet(values))
        .returningAll()
        // xmax is 0 only on a row this statement inserted (an upsert that updated sets it).
        .returning(sql<boolean>`xmax = 0`.as('inserted'))
        .executeTakeFirstOrThrow();
      const { inserted, ...profile } = row;
      return { created: inserted, profile: own(profile) };
    },

    /** The card of `userId` as `viewerId` may see it. */
    async card(viewerId: string, userId: string) {
      const row = await db
        .selectFrom('auth_users')
        .leftJoin('creator_profiles', 'creator_profiles.user_id', 'auth_users.id')
        .leftJoin('fan_profiles', 'fan_profiles.user_id', 'auth_users.id')
        .select([
          'auth_users.id',
          'creator_profiles.handle',
          'creator_profiles.display_name as creator_name',
          'creator_profiles.avatar_media_id as creator_avatar',
          'fan_profiles.display_name as fan_name',
          'fan_profiles.avatar_media_id as fan_avatar',
        ])
        .where('auth_users.id', '=', userId)
        .where(unblockedWith(viewerId, 'auth_users.id'))
        .executeTakeFirst();
      if (row?.handle && row.creator_name)
        return {
          kind: 'creator' as const,
          ...views.card({
            user_id: row.id,
            handle: row.handle,
            display_name: row.creator_name,
            avatar_media_id: row.creator_avatar ?? null,
          }),
        };
      if (row?.fan_name)
        return {
          kind: 'fan' as const,
          id: row.id,
          handle: null,
          displayName: row.fan_name,
          avatarUrl: views.url(row.fan_avatar ?? null),
        };
      throw userProfileNotFound();
    },
  };
}

export type Fans = ReturnType<typeof createFans>;
