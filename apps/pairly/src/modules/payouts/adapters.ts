// Owns the two provider adapters behind PayoutProvider (provider.ts), both through the official SDK
// clients of context.payments.clients and behind that provider's circuit breaker (clients.call):
// - stripe: a Stripe Connect transfer to the creator's connected account (transfers.create with the
//   payout id as the Idempotency-Key); a created transfer has moved the money, so it is paid at once.
// - razorpay: a RazorpayX payout to the creator's fund account (POST /v1/payouts through the Razorpay
//   SDK's own HTTP client, which carries its keys and host, with X-Payout-Idempotency = payout id);
//   queued/pending/processing are pending a webhook, processed is paid, rejected/cancelled/failed/
//   reversed are failed.
// A refusal of the payout itself (a 4xx other than 429: a bad destination, say) is a failed payout
// whose hold goes back to the creator; an outage (connection failure, 5xx, 429) throws, and the payout
// stays approved to be sent again with the same key. It never retries on its own.
import { AppError } from '@app/platform';
import Stripe from 'stripe';
import type { ProviderClients } from '../payments/foundation.js';
import type { PayoutProvider, SendOutcome } from './provider.js';
import type { PayoutSettings } from './settings.js';

const REASON_LIMIT = 500;

const notConfigured = (provider: string) =>
  new AppError({
    kind: 'unavailable',
    code: 'payments_not_configured',
    detail: `${provider} is not configured on this service.`,
    retryAfterSeconds: 60,
  });

const reason = (text: string) => text.slice(0, REASON_LIMIT);

/** A refusal of the payout itself (not an outage, not our own credentials): the payout failed. */
function stripeRefusal(error: unknown): string | null {
  if (!(error instanceof Stripe.errors.StripeError)) return null;
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    !(error instanceof Stripe.errors.StripeIdempotencyError) &&
    (error.statusCode ?? 0) < 500
  ) {
    return reason(`stripe refused the transfer: ${error.message}`);
  }
  return null;
}

export function stripeProvider(clients: ProviderClients): PayoutProvider {
  return {
    name: 'stripe',
    async send(payout): Promise<SendOutcome> {
      try {
        const transfer = await clients.call('stripe', () => {
          if (!clients.stripe) throw notConfigured('stripe');
          if (!payout.destinationAccountId) throw new Error('a stripe payout has no destination');
          return clients.stripe.transfers.create(
            {
              amount: payout.amount,
              currency: payout.currency.toLowerCase(),
              destination: payout.destinationAccountId,
              transfer_group: `payout_${payout.id}`,
              metadata: { payoutId: payout.id, creatorId: payout.creatorId },
            },
            { idempotencyKey: `payout_${payout.id}` },
          );
        });
        return transfer.reversed
          ? { status: 'failed', providerPayoutId: transfer.id, failureReason: 'stripe transfer reversed' }
          : { status: 'paid', providerPayoutId: transfer.id };
      } catch (error) {
        const refusal = stripeRefusal(error);
        if (refusal === null) throw error;
        return { status: 'failed', providerPayoutId: null, failureReason: refusal };
      }
    },
  };
}

interface RazorpayPayoutEntity {
  id: string;
  status: string;
  failure_reason?: string | null;
  status_details?: { description?: string | null; reason?: string | null } | null;
}

/** The SDK's axios instance (razorpay/dist/api.js `rq`): its host, keys and user agent, and per-request headers. */
interface RazorpayHttp {
  post(
    url: string,
    data: unknown,
    config: { headers: Record<string, string> },
  ): Promise<{ data: RazorpayPayoutEntity }>;
}

interface RazorpayErrorBody {
  code?: string;
  description?: string;
}

/**
 * A refusal of the payout itself (4xx other than 401 and 429), as the SDK's axios client rejects
 * (an axios error with the response) or as the SDK normalises it (`{ statusCode, error }`); outages
 * and anything else are null (thrown on).
 */
function razorpayRefusal(error: unknown): string | null {
  if (error === null || typeof error !== 'object') return null;
  const axios = error as {
    isAxiosError?: boolean;
    response?: { status: number; data?: { error?: RazorpayErrorBody } };
  };
  const plain = error as { statusCode?: unknown; error?: RazorpayErrorBody };
  const status = axios.isAxiosError ? axios.response?.status : plain.statusCode;
  const body = axios.isAxiosError ? axios.response?.data?.error : plain.error;
  if (typeof status !== 'number' || status < 400 || status >= 500 || status === 401 || status === 429)
    return null;
  return reason(`razorpay refused the payout: ${body?.description ?? body?.code ?? `HTTP ${status}`}`);
}

const PENDING = new Set(['queued', 'pending', 'processing', 'scheduled']);
const FAILED = new Set(['rejected', 'cancelled', 'failed', 'reversed']);

/** The outcome a RazorpayX payout entity stands for (also used for webhook payloads). */
function razorpayOutcome(entity: RazorpayPayoutEntity): SendOutcome {
  if (entity.status === 'processed') return { status: 'paid', providerPayoutId: entity.id };
  const detail = entity.failure_reason ?? entity.status_details?.description ?? entity.status_details?.reason;
  if (FAILED.has(entity.status)) {
    return {
      status: 'failed',
      providerPayoutId: entity.id,
      failureReason: reason(`razorpay payout ${entity.status}${detail ? `: ${detail}` : ''}`),
    };
  }
  if (PENDING.has(entity.status)) return { status: 'pending', providerPayoutId: entity.id };
  throw new Error(`razorpay payout ${entity.id} has an unknown status ${entity.status}`);
}

export function razorpayProvider(clients: ProviderClients, settings: PayoutSettings): PayoutProvider {
  return {
    name: 'razorpay',
    async send(payout): Promise<SendOutcome> {
      try {
        const { data } = await clients.call('razorpay', async () => {
          if (!clients.razorpay) throw notConfigured('razorpay');
          if (!payout.destinationAccountId) throw new Error('a razorpay payout has no destination');
          const http = (clients.razorpay.api as unknown as { rq: RazorpayHttp }).rq;
          return http.post(
            '/v1/payouts',
            {
              account_number: settings.razorpayxAccountNumber,
              fund_account_id: payout.destinationAccountId,
              amount: payout.amount,
              currency: payout.currency,
              mode: settings.razorpayMode,
              purpose: 'payout',
              queue_if_low_balance: true,
              reference_id: payout.id,
              narration: 'Pairly creator payout',
              notes: { payoutId: payout.id, creatorId: payout.creatorId },
            },
            { headers: { 'X-Payout-Idempotency': payout.id } },
          );
        });
        return razorpayOutcome(data);
      } catch (error) {
        const refusal = razorpayRefusal(error);
        if (refusal === null) throw error;
        return { status: 'failed', providerPayoutId: null, failureReason: refusal };
      }
    },
  };
}
