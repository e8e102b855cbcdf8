// Owns the fake Stripe's Connect transfers (to a connected account `acct_...`) and their reversals:
// a reversal of part or all of the amount (amount_reversed adds up; `reversed` once whole), through
// the API or a test control (what the dashboard or Stripe itself does). Test support only.
import type Stripe from 'stripe';
import type { Clock } from '../../time/clock.js';
import transferJson from './transfer.json' with { type: 'json' };
import transferReversalJson from './transfer-reversal.json' with { type: 'json' };
import {
  copy,
  FakeStripeError,
  invalidParam,
  missingParam,
  noSuch,
  onlyKnown,
  type Params,
  positiveInteger,
  recorded,
  seconds,
  strings,
  stripeId,
} from './wire.js';

function positiveAmount(value: unknown, param = 'amount'): number {
  if (value === undefined) throw missingParam(param);
  return positiveInteger(value, param);
}

export function createFakeTransfers(clock: Clock) {
  const transfers = new Map<string, Stripe.Transfer>();

  const stored = (id: string): Stripe.Transfer => {
    const found = transfers.get(id);
    if (!found) throw noSuch('transfer', id, 'id');
    return found;
  };

  /** POST /v1/transfers */
  const createTransfer = (params: Params): Stripe.Transfer => {
    onlyKnown(params, [
      'amount',
      'currency',
      'destination',
      'metadata',
      'transfer_group',
      'description',
      'source_transaction',
      'expand',
    ]);
    const amount = positiveAmount(params.amount);
    if (typeof params.currency !== 'string') throw missingParam('currency');
    if (typeof params.destination !== 'string') throw missingParam('destination');
    if (!params.destination.startsWith('acct_')) {
      throw invalidParam('destination', `No such destination: '${params.destination}'`);
    }
    const id = stripeId('tr');
    const transfer = recorded<Stripe.Transfer>(transferJson, {
      id,
      amount,
      balance_transaction: stripeId('txn'),
      created: seconds(clock.now()),
      currency: params.currency.toLowerCase(),
      description: (params.description as string | undefined) ?? null,
      destination: params.destination,
      destination_payment: stripeId('py'),
      metadata: strings(params.metadata),
      reversals: { ...transferJson.reversals, data: [], url: `/v1/transfers/${id}/reversals` },
      source_transaction: (params.source_transaction as string | undefined) ?? null,
      transfer_group: (params.transfer_group as string | undefined) ?? null,
    });
    transfers.set(id, transfer);
    return copy(transfer);
  };

  /** A reversal of `amount` (default what is left): POST /v1/transfers/:id/reversals, or the dashboard. */
  const reverse = (
    id: string,
    amount?: number,
    metadata: Record<string, string> = {},
  ): Stripe.TransferReversal => {
    const transfer = stored(id);
    const left = transfer.amount - transfer.amount_reversed;
    const value = amount ?? left;
    if (value > left || left === 0) {
      throw new FakeStripeError(400, {
        type: 'invalid_request_error',
        message: `Transfer ${id} has only ${left} left to reverse; you asked for ${value}.`,
        param: 'amount',
      });
    }
    const reversal = recorded<Stripe.TransferReversal>(transferReversalJson, {
      id: stripeId('trr'),
      amount: value,
      balance_transaction: stripeId('txn'),
      created: seconds(clock.now()),
      currency: transfer.currency,
      destination_payment_refund: stripeId('pyr'),
      metadata,
      transfer: id,
    });
    transfer.amount_reversed += value;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    transfer.reversals.data.unshift(reversal);
    Object.assign(transfer.reversals, { total_count: transfer.reversals.data.length });
    return copy(reversal);
  };

  return {
    createTransfer,
    transfer: (id: string) => copy(stored(id)),
    /** POST /v1/transfers/:id/reversals */
    createTransferReversal(id: string, params: Params): Stripe.TransferReversal {
      onlyKnown(params, ['amount', 'metadata', 'description', 'refund_application_fee', 'expand']);
      const amount = params.amount === undefined ? undefined : positiveAmount(params.amount);
      return reverse(id, amount, strings(params.metadata));
    },
    /** The whole transfer (or `amount` of it) reversed; answers the transfer after it. */
    reverseTransfer(id: string, amount?: number): Stripe.Transfer {
      reverse(id, amount);
      return copy(stored(id));
    },
  };
}
