// Owns the fake Stripe's one-off payments: PaymentIntents and their Charges (succeeded card
// payments), Refunds (cumulative on the charge: amount_refunded, refunded once whole) and Disputes
// (needs_response, then won or lost), with the list endpoints reconciliation reads. Objects are
// built at the SDK's pinned API version's shape. Test support only.
import type Stripe from 'stripe';
import type { Clock } from '../../time/clock.js';
import { listPage } from './lists.js';
import { copy, noSuch, onlyKnown, type Params, seconds, stripeId } from './wire.js';

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
    const paymentMethod = intent.payment_method as string;
    return {
      id,
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: stripeId('txn'),
      billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
      calculated_statement_descriptor: 'PAIRLY',
      captured: true,
      created,
      currency: intent.currency,
      customer: null,
      description: null,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: null,
      failure_message: null,
      fraud_details: {},
      livemode: false,
      metadata: { ...intent.metadata },
      on_behalf_of: null,
      outcome: {
        advice_code: null,
        network_advice_code: null,
        network_decline_code: null,
        network_status: 'approved_by_network',
        reason: null,
        risk_level: 'normal',
        risk_score: 32,
        seller_message: 'Payment complete.',
        type: 'authorized',
      },
      paid: true,
      payment_intent: intent.id,
      payment_method: paymentMethod,
      payment_method_details: {
        card: {
          brand: 'visa',
          country: 'US',
          exp_month: 12,
          exp_year: 2034,
          funding: 'credit',
          last4: '4242',
        },
        type: 'card',
      },
      receipt_email: null,
      receipt_number: null,
      receipt_url: `https://pay.stripe.com/receipts/payment/${id}`,
      refunded: false,
      review: null,
      shipping: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: 'succeeded',
      transfer_data: null,
      transfer_group: null,
    } as unknown as Stripe.Charge;
  };

  /** A PaymentIntent (and its charge when succeeded); also what nobody ordered, for reconciliation. */
  const addPaymentIntent = (
    seed: PaymentIntentSeed,
  ): { paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge | null } => {
    const id = stripeId('pi');
    const created = seconds(seed.created ?? clock.now());
    const status = seed.status ?? 'succeeded';
    const intent = {
      id,
      object: 'payment_intent',
      amount: seed.amount,
      amount_capturable: 0,
      amount_details: { tip: {} },
      amount_received: status === 'succeeded' ? seed.amount : 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: null,
      canceled_at: status === 'canceled' ? created : null,
      cancellation_reason: status === 'canceled' ? 'abandoned' : null,
      capture_method: 'automatic_async',
      client_secret: `${id}_secret_${stripeId('x').slice(2, 27)}`,
      confirmation_method: 'automatic',
      created,
      currency: seed.currency ?? 'usd',
      customer: null,
      description: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: { ...(seed.metadata ?? {}) },
      next_action: null,
      on_behalf_of: null,
      payment_method: status === 'requires_payment_method' ? null : stripeId('pm'),
      payment_method_configuration_details: null,
      payment_method_options: {
        card: {
          installments: null,
          mandate_options: null,
          network: null,
          request_three_d_secure: 'automatic',
        },
      },
      payment_method_types: ['card'],
      processing: null,
      receipt_email: null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status,
      transfer_data: null,
      transfer_group: null,
    } as unknown as Stripe.PaymentIntent;
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
    const refund = {
      id: stripeId('re'),
      object: 'refund',
      amount: value,
      balance_transaction: stripeId('txn'),
      charge: chargeId,
      created: seconds(clock.now()),
      currency: charge.currency,
      destination_details: {
        card: {
          reference: null,
          reference_status: 'pending',
          reference_type: 'acquirer_reference_number',
          type: 'refund',
        },
        type: 'card',
      },
      metadata: {},
      payment_intent: charge.payment_intent,
      reason: null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    } as unknown as Stripe.Refund;
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
    const dispute = {
      id: stripeId('du'),
      object: 'dispute',
      amount: amount ?? charge.amount,
      balance_transactions: [],
      charge: chargeId,
      created,
      currency: charge.currency,
      enhanced_eligibility_types: [],
      evidence: {},
      evidence_details: {
        due_by: created + 7 * 86_400,
        enhanced_eligibility: {},
        has_evidence: false,
        past_due: false,
        submission_count: 0,
      },
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      payment_method_details: {
        card: { brand: 'visa', case_type: 'chargeback', network_reason_code: '10.4' },
        type: 'card',
      },
      reason: 'fraudulent',
      status: 'needs_response',
    } as unknown as Stripe.Dispute;
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
