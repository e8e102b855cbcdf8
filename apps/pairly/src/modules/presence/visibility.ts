// Owns the hidden-presence setting: presence_settings in the database is the truth; the key-value
// store keeps a mirror so a lookup stays one key-value round trip. Where the mirror is gone (expired,
// or the store lost its data) the database answers and the mirror is restored, so a hidden user is
// never shown by mistake. A change clears the mirror, then writes the setting and, still holding the
// setting's row lock, the mirror from the value the database returned: concurrent changes of one
// user write their mirrors in the order they commit, so the last mirror written is the stored value.
// A lookup restoring the mirror meanwhile only writes where nothing is, so it cannot win with an old
// value. If the change fails after its mirror write, the mirror is cleared (the database answers).
import type { Clock, Database } from '@app/platform';
import type { Kysely } from 'kysely';
import type { PresenceRecord, PresenceStore } from './store.js';

interface PresenceTables {
  presence_settings: { user_id: string; hidden: boolean; updated_at: Date };
}

export type Visibility = ReturnType<typeof createVisibility>;

export function createVisibility(db: Database, clock: Clock, store: PresenceStore) {
  const kysely = db.kysely as unknown as Kysely<PresenceTables>;

  async function hiddenAmong(userIds: readonly string[]): Promise<Set<string>> {
    const rows = await kysely
      .selectFrom('presence_settings')
      .select('user_id')
      .where('user_id', 'in', userIds)
      .where('hidden', '=', true)
      .execute();
    return new Set(rows.map((row) => row.user_id));
  }

  return {
    isHidden: async (userId: string) => (await hiddenAmong([userId])).has(userId),

    async setHidden(userId: string, hidden: boolean): Promise<void> {
      await store.forgetHidden(userId);
      try {
        await kysely.transaction().execute(async (trx) => {
          const stored = await trx
            .insertInto('presence_settings')
            .values({ user_id: userId, hidden, updated_at: clock.now() })
            .onConflict((conflict) =>
              conflict.column('user_id').doUpdateSet({ hidden, updated_at: clock.now() }),
            )
            .returning('hidden')
            .executeTakeFirstOrThrow();
          await store.mirrorHidden(userId, stored.hidden);
        });
      } catch (error) {
        await store.forgetHidden(userId);
        throw error;
      }
    },

    /**
     * The records with `hidden` filled in from the database where the mirror is gone and the record
     * has something to hide (a lease or a last activity); restores those mirrors.
     */
    async resolve(records: PresenceRecord[]): Promise<PresenceRecord[]> {
      const unknown = records.filter(
        (record) => record.hidden === null && (record.leases.length > 0 || record.lastActiveAt !== null),
      );
      if (unknown.length === 0) return records;
      const hidden = await hiddenAmong(unknown.map((record) => record.userId));
      await Promise.all(
        unknown.map((record) => store.restoreHidden(record.userId, hidden.has(record.userId))),
      );
      return records.map((record) =>
        unknown.includes(record) ? { ...record, hidden: hidden.has(record.userId) } : record,
      );
    },
  };
}
