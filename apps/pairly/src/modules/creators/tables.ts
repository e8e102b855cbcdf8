// Owns the Kysely row types of the creators tables (migrations/0015_creators.sql): creator profiles,
// fan profiles and follows, and the database handle the creators module queries them through
// (pairly's schema plus these tables and the safety module's blocks, which every read filters by).
import type { Database } from '@app/platform';
import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';
import type { SafetyTables } from '../safety/tables.js';

export interface CreatorTables {
  creator_profiles: {
    user_id: string;
    handle: string;
    display_name: string;
    bio: string;
    avatar_media_id: string | null;
    banner_media_id: string | null;
    categories: string[];
    languages: string[];
    subscription_price: number | null;
    call_minute_price: number;
    subscriber_messages_free: boolean;
    available_for_calls: boolean;
    follower_count: Generated<number>;
    age_confirmed_at: Date;
    terms_accepted_at: Date;
    terms_version: string;
    created_at: Date;
    updated_at: Date;
    search: ColumnType<string, never, never>;
  };
  fan_profiles: {
    user_id: string;
    display_name: string;
    avatar_media_id: string | null;
    created_at: Date;
    updated_at: Date;
  };
  follows: { follower_id: string; creator_id: string; created_at: Date };
}

export type CreatorSchema = PairlySchema & CreatorTables & Pick<SafetyTables, 'user_blocks'>;
export type CreatorDb = Kysely<CreatorSchema>;
export type CreatorProfileRow = Omit<Selectable<CreatorTables['creator_profiles']>, 'search'>;
export type FanProfileRow = Selectable<CreatorTables['fan_profiles']>;

export function creatorDb(db: Database): CreatorDb {
  return pairlyDb(db) as unknown as CreatorDb;
}
