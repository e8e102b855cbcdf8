// Owns the reference model of the credits ledger for ledger.property.test.ts: the commands fast-check
// draws (and how often), each user's expected balances and expiring lots, and the two rules with
// some arithmetic in them: an applied debit first expires the account's due lots and then draws
// the soonest-expiring lots, and a hold gives back first what came from no lot, then the
// latest-expiring lots (so holding and capturing spends exactly what spending directly would).
import fc from 'fast-check';
import type { SystemAccount } from '../../src/modules/credits/ledger.js';
import type { GrantSource } from '../../src/modules/credits/service.js';

export const USERS = 5;

export type Account = 'spendable' | 'earnings';
export type Amount = number | 'all';
export type Target = { offset: number; account: Account } | { system: 'payouts' | 'platform_fees' };
export type Command =
  | { op: 'add'; user: number; amount: number; source: GrantSource; expiresInMinutes: number | null }
  | { op: 'deduct'; user: number; amount: Amount; account: Account }
  | { op: 'transfer'; user: number; offset: number; amount: Amount; from: Account; to: Account }
  | { op: 'charge'; user: number; offset: number; price: Amount }
  | { op: 'hold'; user: number; amount: Amount; account: Account }
  | { op: 'capture'; hold: number; share: 'none' | 'part' | 'all' | 'over'; percent: number; target: Target }
  | { op: 'release'; hold: number }
  | { op: 'freeze'; user: number; frozen: boolean }
  | { op: 'replay'; pick: number; sameParams: boolean }
  | { op: 'advance'; minutes: number };

const user = fc.integer({ min: 0, max: USERS - 1 });
const other = fc.integer({ min: 1, max: USERS - 1 });
const account = fc.constantFrom<Account>('spendable', 'spendable', 'earnings');
const amount: fc.Arbitrary<Amount> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 30 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 1, arbitrary: fc.constant('all' as const) },
);
const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ offset: other, account }) },
  { weight: 1, arbitrary: fc.record({ offset: fc.constant(0), account }) },
  {
    weight: 2,
    arbitrary: fc.record({ system: fc.constantFrom('payouts' as const, 'platform_fees' as const) }),
  },
);
export const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      user,
      amount: fc.integer({ min: 1, max: 200 }),
      source: fc.constantFrom<GrantSource>('purchase', 'promotion', 'refund'),
      expiresInMinutes: fc.option(fc.integer({ min: 1, max: 3 * 24 * 60 }), { nil: null }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deduct' as const), user, amount, account }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('transfer' as const),
      user,
      offset: other,
      amount,
      from: account,
      to: account,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('charge' as const), user, offset: other, price: amount }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('hold' as const), user, amount, account }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('capture' as const),
      hold: fc.nat(),
      share: fc.constantFrom(
        'none' as const,
        'part' as const,
        'part' as const,
        'all' as const,
        'over' as const,
      ),
      percent: fc.integer({ min: 1, max: 99 }),
      target,
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), hold: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('freeze' as const),
      user,
      frozen: fc.constantFrom(true, false, false, false),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('replay' as const), pick: fc.nat(), sameParams: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('advance' as const),
      minutes: fc.integer({ min: 1, max: 2 * 24 * 60 }),
    }),
  },
);

export interface Lot {
  transferId: number;
  expiresAt: number;
  remaining: number;
}
export interface Draw {
  lot: Lot;
  amount: number;
}
export interface UserModel {
  id: string;
  spendable: number;
  earnings: number;
  held: number;
  frozen: boolean;
  lots: Lot[];
}
export interface HoldModel {
  id: string;
  owner: UserModel;
  account: Account;
  amount: number;
  status: 'pending' | 'captured' | 'released';
  draws: Draw[];
}

/** An applied debit: due lots expire first, then soonest-expiring lots pay first. Null: 402. */
export function spend(
  payer: UserModel,
  from: Account,
  value: number,
  at: number,
  system: Record<SystemAccount, number>,
): Draw[] | null {
  if (from === 'earnings') {
    if (payer.earnings < value) return null;
    payer.earnings -= value;
    return [];
  }
  const due = payer.lots.filter((lot) => lot.remaining > 0 && lot.expiresAt <= at);
  let left = payer.spendable;
  const expiring = due.map((lot) => {
    const take = Math.min(lot.remaining, left);
    left -= take;
    return { lot, take };
  });
  if (left < value) return null;
  for (const { lot, take } of expiring) {
    system.expiry += take;
    lot.remaining = 0;
  }
  payer.spendable = left - value;
  const draws: Draw[] = [];
  let rest = value;
  const live = payer.lots.filter((lot) => lot.remaining > 0 && lot.expiresAt > at);
  for (const lot of live.sort((a, b) => a.expiresAt - b.expiresAt || a.transferId - b.transferId)) {
    const take = Math.min(rest, lot.remaining);
    if (take === 0) break;
    lot.remaining -= take;
    rest -= take;
    draws.push({ lot, amount: take });
  }
  return draws;
}

/** Gives `value` of a hold back: the part that came from no lot first, then the latest-expiring lots. */
export function giveBack(hold: HoldModel, value: number): void {
  hold.owner.held -= value;
  hold.owner[hold.account] += value;
  const fromLots = hold.draws.reduce((sum, draw) => sum + draw.amount, 0);
  let left = Math.max(0, value - (hold.amount - fromLots));
  const latestFirst = [...hold.draws].sort(
    (a, b) => b.lot.expiresAt - a.lot.expiresAt || b.lot.transferId - a.lot.transferId,
  );
  for (const draw of latestFirst) {
    const take = Math.min(left, draw.amount);
    draw.lot.remaining += take;
    left -= take;
  }
}
