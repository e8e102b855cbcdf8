// Owns what every pairly module is built from: the platform's dependencies, the identity service,
// the credits services other modules move money through, and the app's options. Each module's
// `register…` function takes the server and this one context, so app.ts stays a list.
import type { Clock, Database, Identity, IdentityOptions, JobRunner, Logger } from '@app/platform';
import type { Holds } from './credits/holds.js';
import type { CreditsOptions, CreditsService } from './credits/service.js';
import type { GiftRulesOptions } from './gifts/fraud.js';

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
}

export interface PairlyContext {
  db: Database;
  clock: Clock;
  logger: Logger;
  runner: JobRunner;
  identity: Identity;
  credits: CreditsService;
  holds: Holds;
  creditsOptions: CreditsOptions;
  options: PairlyAppOptions;
}
