// Owns routing verified provider events to the pairly modules that act on them. Each provider has
// one webhook endpoint and one inbox (payments/register.ts); purchases, reversals and payouts each
// claim the event types they handle here, and an event no module claims is recorded as ignored.
import type { WebhookEvent, WebhookHandler, WebhookOutcome } from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';

export type PaymentProvider = 'stripe' | 'razorpay';

export type ProviderEventHandler = (
  trx: Transaction<PairlySchema>,
  event: WebhookEvent,
) => Promise<WebhookOutcome>;

export interface ProviderEventRouter {
  /** Claims event types of one provider; a type claimed twice is a programming error (throws). */
  on(provider: PaymentProvider, types: readonly string[], handler: ProviderEventHandler): void;
  /** The inbox handler for one provider's endpoint: the claiming handler, or `ignored`. */
  handlerFor(provider: PaymentProvider): WebhookHandler<PairlySchema>;
}

export function createProviderEventRouter(): ProviderEventRouter {
  const routes: Record<PaymentProvider, Map<string, ProviderEventHandler>> = {
    stripe: new Map(),
    razorpay: new Map(),
  };
  return {
    on(provider, types, handler) {
      for (const type of types) {
        if (routes[provider].has(type)) throw new Error(`${provider} event ${type} is already claimed`);
        routes[provider].set(type, handler);
      }
    },
    handlerFor(provider) {
      return async (trx, event) => {
        const handler = routes[provider].get(event.type);
        return handler ? handler(trx, event) : 'ignored';
      };
    },
  };
}
