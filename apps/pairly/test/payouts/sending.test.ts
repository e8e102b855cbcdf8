// Sending a payout: a send claims the payout first, so while one is in flight (or until its claim
// lapses, when the process died mid-send) finance neither sends it again nor confirms it, and the
// retry job leaves it alone; a provider that paid while settling was refused (the creator frozen in
// between) leaves the payout approved with the provider's payout id and what it said, and the next
// send with the same key settles it once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PayoutProvider } from '../../src/modules/payouts/provider.js';
import { expectProblem } from '../credits/http-support.js';
import { ledgerChecker } from '../credits/ledger-invariants.js';
import { runJob } from '../credits/sweep-support.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { approve, auditRows, decide, earn, holdOf, paidOut, requestPayout, staffPayout } from './support.js';

/** A provider that pays at once; `beforeAnswer` runs while the call is in flight. */
const calls: string[] = [];
let beforeAnswer: (payoutId: string) => Promise<void> = async () => {};
let available = true;
const paysAtOnce: PayoutProvider = {
  name: 'manual',
  async send(payout) {
    calls.push(payout.id);
    if (!available) throw new Error('provider unreachable');
    await beforeAnswer(payout.id);
    return { status: 'paid', providerPayoutId: `tr_${payout.id.slice(0, 8)}` };
  },
};

let t: PairlyTestApp;
let finance: TestUser;
let fan: TestUser;

beforeAll(async () => {
  t = await buildPairlyTestApp(
    { payouts: { providers: { manual: paysAtOnce } } },
    { env: { PAYOUT_MINIMUM_CREDITS: '100' } },
  );
  [finance, fan] = await Promise.all([signUp(t, 'finance'), signUp(t, 'fan')]);
});
afterAll(async () => t?.close());

async function creatorWith(earnings: number): Promise<TestUser> {
  const creator = await signUp(t, 'creator');
  await earn(t, finance, fan, creator, earnings);
  return creator;
}

/** A payout approved while the provider could not be reached: approved, never sent. */
async function approvedUnsent(creator: TestUser) {
  const payout = await requestPayout(t, creator, 200);
  available = false;
  try {
    expect(await approve(t, finance, payout.id)).toMatchObject({ status: 'approved' });
  } finally {
    available = true;
  }
  return payout;
}

const setClaim = (payoutId: string, offsetMs: number) =>
  t.db.executeSql('update payouts set send_claimed_until = $2 where id = $1', [
    payoutId,
    new Date(t.clock.now().getTime() + offsetMs),
  ]);
const setFrozen = (userId: string, frozen: boolean) =>
  t.db.executeSql('update credit_accounts set frozen = $2 where owner_id = $1', [userId, frozen]);
const callsFor = (payoutId: string) => calls.filter((id) => id === payoutId).length;

describe('a send in flight', () => {
  it('is not sent again nor confirmed until it ends or its claim lapses', async () => {
    const creator = await creatorWith(500);
    const payout = await approvedUnsent(creator);
    await setClaim(payout.id, 60_000); // another process is sending it now

    const resends = (await auditRows(t, 'payouts.resend', payout.id)).length;
    expectProblem(await decide(t, finance, payout.id, 'approve'), 409, 'payout_send_in_progress');
    expect(await auditRows(t, 'payouts.resend', payout.id)).toHaveLength(resends); // nothing was sent
    const confirm = { outcome: 'failed', reference: 'CHECK-1', note: 'not at the bank' };
    expectProblem(await decide(t, finance, payout.id, 'confirm', confirm), 409, 'payout_send_in_progress');
    await runJob(t, 'pairly.payouts-send');
    expect(callsFor(payout.id)).toBe(1); // the attempt during the outage only
    expect(await staffPayout(t, finance, payout.id)).toMatchObject({ status: 'approved' });

    // That process died: its claim lapses, and the job sends the payout with the same key.
    await setClaim(payout.id, -1);
    await runJob(t, 'pairly.payouts-send');
    expect(callsFor(payout.id)).toBe(2);
    expect(await staffPayout(t, finance, payout.id)).toMatchObject({ status: 'paid' });
    await ledgerChecker(t.db).assertSound();
  });

  it('leaves no claim behind a refused approval (423), so the next approval sends it', async () => {
    const creator = await creatorWith(500);
    const payout = await approvedUnsent(creator);
    await setFrozen(creator.id, true);
    expectProblem(await decide(t, finance, payout.id, 'approve'), 423, 'account_frozen');
    await setFrozen(creator.id, false);
    expect(await approve(t, finance, payout.id)).toMatchObject({ status: 'paid' });
    expect(callsFor(payout.id)).toBe(2);
  });
});

describe('a provider answer that cannot be settled', () => {
  it('keeps the payout approved with the provider id, and the next send settles it once', async () => {
    const creator = await creatorWith(500);
    const payout = await requestPayout(t, creator, 300);
    const before = await paidOut(t);
    // A chargeback freezes the creator while the transfer is on its way.
    beforeAnswer = async (payoutId) => {
      if (payoutId === payout.id) await setFrozen(creator.id, true);
    };
    let approved: Awaited<ReturnType<typeof approve>>;
    try {
      approved = await approve(t, finance, payout.id);
    } finally {
      beforeAnswer = async () => {};
    }
    const providerPayoutId = `tr_${payout.id.slice(0, 8)}`;
    expect(approved).toMatchObject({ status: 'approved', providerPayoutId });
    expect(approved.lastSendError).toMatch(
      new RegExp(`^paid at the provider \\(${providerPayoutId}\\) but not settled: account_frozen`),
    );
    expect(await holdOf(t, approved.holdId as string)).toMatchObject({ status: 'pending', captures: 0 });
    expect(await paidOut(t)).toBe(before);

    // Frozen: the job leaves it; once the freeze is lifted the same key settles it, once.
    await runJob(t, 'pairly.payouts-send');
    expect(callsFor(payout.id)).toBe(1);
    await setFrozen(creator.id, false);
    await runJob(t, 'pairly.payouts-send');
    expect(callsFor(payout.id)).toBe(2);
    expect(await staffPayout(t, finance, payout.id)).toMatchObject({ status: 'paid', providerPayoutId });
    expect(await holdOf(t, approved.holdId as string)).toMatchObject({ status: 'captured', captures: 1 });
    expect(await paidOut(t)).toBe(before + 300);
    await ledgerChecker(t.db).assertSound();
  });
});
