// Owns the subscriptions options and their defaults: the grace after a failed renewal, the notice a
// price increase gives, when the renewal job runs and how many subscriptions it reads at a time.
// Bad values fail the app's start, naming the option.
export interface SubscriptionOptions {
  /** Days a fan keeps access after a renewal failed for lack of credits, retried meanwhile; default 3. */
  graceDays: number;
  /** Days of notice a price increase gives: it applies from the first renewal at least this long after the change; default 7. */
  priceNoticeDays: number;
  /** When the renewal job runs (cron, UTC); default every five minutes. */
  renewalSchedule: string;
  /** Subscriptions the renewal job reads per query; default 100. */
  renewalBatchSize: number;
}

export const DEFAULT_SUBSCRIPTION_OPTIONS: SubscriptionOptions = {
  graceDays: 3,
  priceNoticeDays: 7,
  renewalSchedule: '*/5 * * * *',
  renewalBatchSize: 100,
};

export function subscriptionOptions(input: Partial<SubscriptionOptions> = {}): SubscriptionOptions {
  const options = { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...input };
  const whole = (name: 'graceDays' | 'priceNoticeDays' | 'renewalBatchSize', min: number, max: number) => {
    const value = options[name];
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`subscriptions: ${name} must be a whole number from ${min} to ${max}`);
  };
  whole('graceDays', 0, 60);
  whole('priceNoticeDays', 0, 90);
  whole('renewalBatchSize', 1, 10_000);
  if (options.renewalSchedule.trim().split(/\s+/).length < 5)
    throw new Error('subscriptions: renewalSchedule must be a cron expression');
  return options;
}
