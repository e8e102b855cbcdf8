// Owns what every pairly module is built from: the platform's dependencies, the identity service,
// the credits services other modules move money through, the realtime gateway, the services
// modules ask each other (safety, messaging, presence) and the app's options. Each module's
// `register…` function takes the server and this one context, so app.ts stays a list.
import type {
  BlobStore,
  Clock,
  Database,
  Identity,
  IdentityOptions,
  JobRunner,
  KeyValueStore,
  Logger,
  PlatformConfig,
  RealtimeGateway,
  RealtimeOptionsInput,
} from '@app/platform';
import type { Creators } from './creators/service.js';
import type { Holds } from './credits/holds.js';
import type { CreditsOptions, CreditsService } from './credits/service.js';
import type { GiftRulesOptions } from './gifts/fraud.js';
import type { MediaOptionsInput } from './media/options.js';
import type { Media } from './media/service.js';
import type { InteractionOptions } from './messaging/interactions/options.js';
import type { MessagingOptions } from './messaging/options.js';
import type { Messaging } from './messaging/service.js';
import type { PaymentsFoundation } from './payments/foundation.js';
import type { PayoutOptions } from './payouts/register.js';
import type { PostsOptions } from './posts/options.js';
import type { Posts } from './posts/service.js';
import type { PresenceOptions } from './presence/options.js';
import type { Presence } from './presence/service.js';
import type { SafetyOptions } from './safety/options.js';
import type { Safety } from './safety/service.js';
import type { SubscriptionOptions } from './subscriptions/options.js';
import type { Subscriptions } from './subscriptions/service.js';

export interface PairlyAppOptions {
  /** Password hashing cost; tests lower it, production keeps the defaults. */
  hasher?: IdentityOptions['hasher'];
  /** Largest single amount and the message fee (basis points). */
  credits?: Partial<CreditsOptions>;
  /** When the credits sweeps run (cron, UTC): expiry of lots and of forgotten holds, and the drift check. */
  creditSchedules?: { expiry?: string; reconciliation?: string };
  /** Gift limits and fraud rules (thresholds and outcomes); unset ones keep their defaults. */
  gifts?: GiftRulesOptions;
  /** Promo codes: the most credits one code may grant in all (amount × maxRedemptions); default 10,000,000. */
  promotions?: { maxBudgetPerCode?: number };
  /** WebSocket gateway limits (sizes, rates, sockets per user, timeouts); unset ones keep their defaults. */
  realtime?: RealtimeOptionsInput;
  /** Messaging rules: body size, resume window, unsend window, receipt batching, typing expiry. */
  messaging?: Partial<MessagingOptions & InteractionOptions>;
  /** Report thresholds that restrict a sender pending review. */
  safety?: Partial<SafetyOptions>;
  /** Heartbeat, away and grace timings. */
  presence?: Partial<PresenceOptions>;
  /** Payouts: the retry job's schedule, provider adapters replaced in tests. */
  payouts?: PayoutOptions;
  /** Upload size caps per kind, the lifetime of signed media URLs and the daily quota (`dailyUploads`, `dailyUploadBytes`). */
  media?: MediaOptionsInput;
  /** Renewal schedule, grace period and price-change notice of fan subscriptions. */
  subscriptions?: Partial<SubscriptionOptions>;
  /** Attachments per post, the scheduled-publishing job's schedule and feed page sizes. */
  posts?: Partial<PostsOptions>;
}

/** What every module's service is built from. */
export interface PairlyBaseContext {
  config: PlatformConfig;
  db: Database;
  clock: Clock;
  kv: KeyValueStore;
  logger: Logger;
  runner: JobRunner;
  identity: Identity;
  credits: CreditsService;
  holds: Holds;
  creditsOptions: CreditsOptions;
  realtime: RealtimeGateway;
  /** Provider settings and SDK clients, and the router of verified provider events (payments/foundation.ts). */
  payments: PaymentsFoundation;
  options: PairlyAppOptions;
}

export interface PairlyContext extends PairlyBaseContext {
  safety: Safety;
  messaging: Messaging;
  presence: Presence;
  /** Where uploaded files live: the filesystem under DATA_DIR, or an S3-compatible bucket. */
  blobs: BlobStore;
  media: Media;
  creators: Creators;
  subscriptions: Subscriptions;
  posts: Posts;
}
