// Owns the fake Stripe's one-off payments: PaymentIntents and their Charges (succeeded card
// payments), Refunds (cumulative on the charge: amount_refunded, refunded once whole) and Disputes
// (needs_response, then won or lost), with the list endpoints reconciliation reads. Every object
// starts from an answer recorded at the SDK's pinned API version (the *.json next to this file),
// copied with what differs. Test support only.
import type Stripe from 'stripe';
import type { Clock } from '../../time/clock.js';
import chargeJson from './charge.json' with { type: 'json' };
import disputeJson from './dispute.json' with { type: 'json' };
import { listPage } from './lists.js';
import paymentIntentJson from './payment-intent.json' with { type: 'json' };
import refundJson from './refund.json' with { type: 'json' };
import { copy, noSuch, onlyKnown, type Params, recorded, seconds, stripeId } from './wire.js';

export interface PaymentIntentSeed {
  amount: number;
  /** Lower-case ISO code; default usd. */
  currency?: string;
  metadata?: Record<string, string>;
  created?: Date;
  /** Default succeeded (with a succeeded charge). */
  status?: 'succeeded' | 'requires_payment_method' | 'canceled' | 'processing';
}

export function createFakePayments(clock: Clock) {
  const intents = new Map<string, Stripe.PaymentIntent>();
  const charges = new Map<string, Stripe.Charge>();
  const refunds = new Map<string, Stripe.Refund>();
  const disputes = new Map<string, Stripe.Dispute>();

  const stored = <T>(map: Map<string, T>, kind: string, id: string, param = 'id'): T => {
    const found = map.get(id);
    if (!found) throw noSuch(kind, id, param);
    return found;
  };

  const newCharge = (intent: Stripe.PaymentIntent, created: number): Stripe.Charge => {
    const id = stripeId('ch');
    return recorded<Stripe.Charge>(chargeJson, {
      id,
      amount: intent.amount,
      amount_captured: intent.amount,
      balance_transaction: stripeId('txn'),
      created,
      currency: intent.currency,
      metadata: { ...intent.metadata },
      payment_intent: intent.id,
      payment_method: intent.payment_method,
      receipt_url: `https://pay.stripe.com/receipts/payment/${id}`,
    });
  };

  /** A PaymentIntent (and its charge when succeeded); also what nobody ordered, for reconciliation. */
  const addPaymentIntent = (
    seed: PaymentIntentSeed,
  ): { paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge | null } => {
    const id = stripeId('pi');
    const created = seconds(seed.created ?? clock.now());
    const status = seed.status ?? 'succeeded';
    const intent = recorded<Stripe.PaymentIntent>(paymentIntentJson, {
      id,
      amount: seed.amount,
      amount_received: status === 'succeeded' ? seed.amount : 0,
      canceled_at: status === 'canceled' ? created : null,
      cancellation_reason: status === 'canceled' ? 'abandoned' : null,
      client_secret: `${id}_secret_${stripeId('x').slice(2, 27)}`,
      created,
      currency: seed.currency ?? 'usd',
      latest_charge: null,
      metadata: { ...(seed.metadata ?? {}) },
      payment_method: status === 'requires_payment_method' ? null : stripeId('pm'),
      status,
    });
    let charge: Stripe.Charge | null = null;
    if (status === 'succeeded') {
      charge = newCharge(intent, created);
      intent.latest_charge = charge.id;
      charges.set(charge.id, charge);
    }
    intents.set(id, intent);
    return { paymentIntent: copy(intent), charge: charge && copy(charge) };
  };

  /** A refund (default what is left), succeeded at once; the charge's amount_refunded adds up. */
  const refundCharge = (
    chargeId: string,
    amount?: number,
  ): { refund: Stripe.Refund; charge: Stripe.Charge } => {
    const charge = stored(charges, 'charge', chargeId);
    const value = amount ?? charge.amount - charge.amount_refunded;
    if (!Number.isInteger(value) || value < 1 || charge.amount_refunded + value > charge.amount) {
      throw new Error(
        `cannot refund ${value} of charge ${chargeId} (${charge.amount_refunded} of ${charge.amount} refunded)`,
      );
    }
    charge.amount_refunded += value;
    charge.refunded = charge.amount_refunded === charge.amount;
    const refund = recorded<Stripe.Refund>(refundJson, {
      id: stripeId('re'),
      amount: value,
      balance_transaction: stripeId('txn'),
      charge: chargeId,
      created: seconds(clock.now()),
      currency: charge.currency,
      payment_intent: charge.payment_intent,
    });
    refunds.set(refund.id, refund);
    return { refund: copy(refund), charge: copy(charge) };
  };

  const disputeCharge = (
    chargeId: string,
    amount?: number,
  ): { dispute: Stripe.Dispute; charge: Stripe.Charge } => {
    const charge = stored(charges, 'charge', chargeId);
    charge.disputed = true;
    const created = seconds(clock.now());
    const dispute = recorded<Stripe.Dispute>(disputeJson, {
      id: stripeId('du'),
      amount: amount ?? charge.amount,
      charge: chargeId,
      created,
      currency: charge.currency,
      evidence_details: { ...disputeJson.evidence_details, due_by: created + 7 * 86_400 },
      payment_intent: charge.payment_intent,
    });
    disputes.set(dispute.id, dispute);
    return { dispute: copy(dispute), charge: copy(charge) };
  };

  const closeDispute = (id: string, outcome: 'won' | 'lost'): Stripe.Dispute => {
    const dispute = stored(disputes, 'dispute', id);
    if (dispute.status === 'won' || dispute.status === 'lost')
      throw new Error(`dispute ${id} is already ${dispute.status}`);
    dispute.status = outcome;
    return copy(dispute);
  };

  const LIST_PARAMS = ['created', 'limit', 'starting_after', 'ending_before', 'expand'];

  return {
    addPaymentIntent,
    refundCharge,
    disputeCharge,
    closeDispute,
    paymentIntent: (id: string) => copy(stored(intents, 'payment_intent', id)),
    charge: (id: string) => copy(stored(charges, 'charge', id)),
    refund: (id: string) => copy(stored(refunds, 'refund', id)),
    dispute: (id: string) => copy(stored(disputes, 'dispute', id)),
    listPaymentIntents(params: Params) {
      onlyKnown(params, [...LIST_PARAMS, 'customer']);
      return listPage([...intents.values()], params, '/v1/payment_intents', 'payment_intent');
    },
    listCharges(params: Params) {
      onlyKnown(params, [...LIST_PARAMS, 'customer', 'payment_intent', 'transfer_group']);
      const all = [...charges.values()].filter(
        (c) => !params.payment_intent || c.payment_intent === params.payment_intent,
      );
      return listPage(all, params, '/v1/charges', 'charge');
    },
    listRefunds(params: Params) {
      onlyKnown(params, [...LIST_PARAMS, 'charge', 'payment_intent']);
      const all = [...refunds.values()].filter(
        (r) =>
          (!params.charge || r.charge === params.charge) &&
          (!params.payment_intent || r.payment_intent === params.payment_intent),
      );
      return listPage(all, params, '/v1/refunds', 'refund');
    },
  };
}

export type FakePayments = ReturnType<typeof createFakePayments>;
