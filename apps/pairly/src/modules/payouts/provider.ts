// Owns the contract every way of paying a creator sits behind (docs: "Payouts", providers): send one
// approved payout, with the payout id as the idempotency key so a retry after an outage never pays
// twice, and say whether it is paid at once, pending a later answer (a webhook, or finance's
// confirmation for the manual provider) or refused for good. An outage is thrown (503 from the
// provider's circuit breaker): the payout stays approved and is sent again later with the same key.
import type { PayoutProviderName } from './tables.js';

export interface PayoutToSend {
  /** Our payout id: the idempotency key of the provider call and the reference the provider echoes. */
  id: string;
  creatorId: string;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  /** The Stripe connected account or RazorpayX fund account; null for manual payouts. */
  destinationAccountId: string | null;
}

export interface SendOutcome {
  status: 'pending' | 'paid' | 'failed';
  /** The provider's id of the transfer or payout (manual: `manual_<payout id>`); null when refused outright. */
  providerPayoutId: string | null;
  failureReason?: string;
}

export interface PayoutProvider {
  name: PayoutProviderName;
  send(payout: PayoutToSend): Promise<SendOutcome>;
}

/** The embedded default: nothing is sent; finance pays by hand and confirms (POST /admin/payouts/:id/confirm). */
export const manualProvider: PayoutProvider = {
  name: 'manual',
  async send(payout) {
    return { status: 'pending', providerPayoutId: `manual_${payout.id}` };
  },
};
