// Owns how a fan pays a creator for content (a subscription period, a post unlock): the price less
// the platform fee goes to the creator's earnings, the fee to the platform's fee account, both from
// the fan's spendable credits. Callers post the legs inside their own keyed operation (so the charge
// and the row it pays for commit together) through `postLegs`.
import type { Leg } from './ledger.js';
import { SYSTEM_ACCOUNTS } from './ledger.js';

export interface CreatorCharge {
  /** The fan's spendable account (credits.accountOf(fanId, 'spendable')). */
  payerAccountId: string;
  /** The creator's earnings account (credits.accountOf(creatorId, 'earnings')). */
  creatorAccountId: string;
  /** The price in credits (a positive whole number). */
  amount: number;
  /** The platform's share in basis points (1/100 of a percent). */
  feeBps: number;
  /** The transfer kind of the creator's leg; the fee leg is `${kind}_fee`. */
  kind: string;
  memo: Record<string, unknown>;
}

/** The legs of one charge: at most two, never one of zero credits. */
export function creatorChargeLegs(charge: CreatorCharge): Leg[] {
  const fee = Math.floor((charge.amount * charge.feeBps) / 10_000);
  const legs: Leg[] = [];
  if (charge.amount - fee > 0) {
    legs.push({
      debit: charge.payerAccountId,
      credit: charge.creatorAccountId,
      amount: charge.amount - fee,
      kind: charge.kind,
      memo: charge.memo,
    });
  }
  if (fee > 0) {
    legs.push({
      debit: charge.payerAccountId,
      credit: SYSTEM_ACCOUNTS.platform_fees,
      amount: fee,
      kind: `${charge.kind}_fee`,
      memo: charge.memo,
    });
  }
  return legs;
}
