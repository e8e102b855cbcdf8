// Owns the Kysely row types of the subscriptions tables (migrations/0016_subscriptions.sql) and the
// database handle the subscriptions module queries them through: pairly's schema, these tables,
// the creators' profiles (prices, read in SQL) and the safety module's blocks.
import type { Database } from '@app/platform';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';
import type { CreatorTables } from '../creators/tables.js';
import type { SafetyTables } from '../safety/tables.js';

export type SubscriptionStatus = 'active' | 'past_due' | 'ended' | 'lapsed';
export type EndReason = 'cancelled' | 'not_offered' | 'blocked' | 'lapsed';

export interface SubscriptionTables {
  fan_subscriptions: {
    id: string;
    fan_id: string;
    creator_id: string;
    status: SubscriptionStatus;
    price: number;
    next_price: number | null;
    next_price_from: Date | null;
    anchor_at: Date;
    period_index: number;
    current_period_start: Date;
    current_period_end: Date;
    cancel_at_period_end: boolean;
    end_reason: EndReason | null;
    grace_until: Date | null;
    access_until: Date;
    ended_at: Date | null;
    created_at: Date;
    updated_at: Date;
  };
  subscription_charges: {
    subscription_id: string;
    period_index: number;
    amount: number;
    operation_id: string;
    period_start: Date;
    period_end: Date;
    charged_at: Date;
  };
}

export type SubscriptionSchema = PairlySchema &
  SubscriptionTables &
  Pick<CreatorTables, 'creator_profiles'> &
  Pick<SafetyTables, 'user_blocks'>;
export type SubscriptionDb = Kysely<SubscriptionSchema>;
export type SubscriptionTransaction = Transaction<SubscriptionSchema>;
export type StoredSubscription = Selectable<SubscriptionTables['fan_subscriptions']>;

export function subscriptionDb(db: Database): SubscriptionDb {
  return pairlyDb(db) as unknown as SubscriptionDb;
}
