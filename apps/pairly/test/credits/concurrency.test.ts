// The credits ledger under concurrent requests (issue 14, "Must show" item 3), on the service
// layer: parallel spends of one full balance, opposing transfers that must not deadlock, one key
// sent many times at once, racing resolutions of one hold, a refusal racing a success under one key,
// freezes racing holds, and (PostgreSQL only, where transactions really interleave, with a session
// holding a row lock to force the order) a spend racing the release that gives expired credits back
// and a freeze racing a hold. With DATABASE_URL requests run on the pool's 5 connections at once; on
// PGlite they queue. After each test the global invariants hold (ledger-invariants.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import { createHolds, type Holds } from '../../src/modules/credits/holds.js';
import {
  type CreditsService,
  createCreditsService,
  DEFAULT_CREDITS_OPTIONS,
} from '../../src/modules/credits/service.js';
import { buildPairlyTestApp, type PairlyTestApp } from '../support/pairly-client.js';
import { type LedgerChecker, ledgerChecker, type Outcome, outcomeOf } from './ledger-invariants.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const MINUTE = 60_000;

let t: PairlyTestApp;
let credits: CreditsService;
let holds: Holds;
let checker: LedgerChecker;

beforeAll(async () => {
  t = await buildPairlyTestApp({ creditSchedules: { expiry: '0 0 1 1 *', reconciliation: '0 0 1 1 *' } });
  credits = createCreditsService(t.db, t.clock);
  holds = createHolds(pairlyDb(t.db), credits, t.clock, DEFAULT_CREDITS_OPTIONS.maxAmount);
  checker = ledgerChecker(t.db);
});
afterEach(async () => {
  await checker.assertSound();
});
afterAll(async () => {
  await t?.close();
});

async function newUser(): Promise<string> {
  const id = randomUUID();
  await t.db.executeSql(
    `insert into auth_users (id, email, password_hash, role, created_at, password_changed_at)
     values ($1, $2, 'not-a-hash', 'fan', $3, $3)`,
    [id, `concurrency-${id}@example.com`, t.clock.now()],
  );
  return id;
}

const as = (userId: string, key: string = randomUUID()) => ({ scope: userId, idempotencyKey: key });

async function funded(amount: number, expiresAt?: Date): Promise<string> {
  const userId = await newUser();
  await credits.add(as(userId), { userId, amount, source: 'purchase', ...(expiresAt && { expiresAt }) });
  return userId;
}

function statuses(outcomes: Outcome[]): Record<number, number> {
  const count: Record<number, number> = {};
  for (const o of outcomes) count[o.status] = (count[o.status] ?? 0) + 1;
  return count;
}

/**
 * Runs the tasks with `limit` of them in flight at once: far more than the pool's connections, so
 * they contend, but not so many that they wait out the pool's checkout timeout on a slow machine.
 */
async function inFlight<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describe('credits under concurrency', () => {
  it('50 parallel spends of one full balance: exactly one succeeds, 49 are refused with 402', async () => {
    const payer = await funded(100);
    const payee = await newUser();
    const spends = Array.from({ length: 50 }, (_, i) => {
      const context = as(payer);
      switch (i % 4) {
        case 0:
          return credits.deduct(context, { userId: payer, amount: 100, reason: 'race' });
        case 1:
          return credits.transfer(context, { fromUserId: payer, toUserId: payee, amount: 100 });
        case 2:
          return holds.hold(context, { userId: payer, amount: 100, purpose: 'call' });
        default:
          return credits.chargeForMessage(context, {
            senderId: payer,
            recipientId: payee,
            messageId: context.idempotencyKey,
            price: 100,
          });
      }
    });
    const outcomes = await Promise.all(spends.map(outcomeOf));

    const won = outcomes.filter((o) => o.status < 300);
    expect(won).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 402 && o.code === 'insufficient_credits')).toHaveLength(49);
    expect((await credits.balance(payer)).spendable).toBe(0);
  });

  it('2 × 500 opposing transfers of 1 all succeed, without a deadlock, and end where they started', async () => {
    const [a, b] = [await funded(500), await funded(500)];
    const transfers = Array.from({ length: 1000 }, (_, i) => {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      return () => outcomeOf(credits.transfer(as(from), { fromUserId: from, toUserId: to, amount: 1 }));
    });
    const outcomes = await inFlight(transfers, 100);

    expect(statuses(outcomes)).toEqual({ 200: 1000 });
    expect((await credits.balance(a)).spendable).toBe(500);
    expect((await credits.balance(b)).spendable).toBe(500);
  });

  it('20 parallel requests with one key and the same parameters apply once and all answer the same', async () => {
    const payer = await funded(100);
    const payee = await newUser();
    const key = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        outcomeOf(credits.transfer(as(payer, key), { fromUserId: payer, toUserId: payee, amount: 30 })),
      ),
    );

    expect(outcomes.filter((o) => o.replayed === false)).toHaveLength(1);
    const first = outcomes.find((o) => o.replayed === false) as Outcome;
    for (const o of outcomes) expect({ ...o, replayed: false }).toEqual(first);
    expect(await credits.balance(payer)).toMatchObject({ spendable: 70 });
    expect(await credits.balance(payee)).toMatchObject({ spendable: 30 });
  });

  it('a refusal racing a success under one key: both requests answer what the key recorded', async () => {
    const payer = await newUser();
    await credits.accountOf(payer, 'spendable');
    const key = randomUUID();
    const spend = () =>
      outcomeOf(credits.deduct(as(payer, key), { userId: payer, amount: 10, reason: 'race' }));
    // The first spend finds nothing and is refused; the top-up and the same spend again may land
    // before that refusal is recorded, so the key records whichever came first to the log.
    const [early, , late] = await Promise.all([
      spend(),
      outcomeOf(credits.add(as(payer), { userId: payer, amount: 10, source: 'purchase' })),
      spend(),
    ]);

    const answer = ({ status, code, body }: Outcome) => ({ status, code, body });
    expect(answer(early)).toEqual(answer(late));
    const balance = (await credits.balance(payer)).spendable;
    expect(balance).toBe(early.status === 200 ? 0 : 10);
  });

  it('racing resolutions of one hold: exactly one captures or releases it, the rest are 409', async () => {
    const owner = await funded(100);
    const creator = await newUser();
    const hold = await holds.hold(as(owner), { userId: owner, amount: 100, purpose: 'call' });
    const resolutions = Array.from({ length: 20 }, (_, i) =>
      outcomeOf(
        i % 2 === 0
          ? holds.release(as(owner), { holdId: hold.body.id, ownerId: owner })
          : holds.capture(as(owner), {
              holdId: hold.body.id,
              ownerId: owner,
              amount: i,
              to: { userId: creator, account: 'earnings' },
            }),
      ),
    );
    const outcomes = await Promise.all(resolutions);

    expect(outcomes.filter((o) => o.status === 200)).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 409 && o.code === 'hold_already_resolved')).toHaveLength(19);
    const owned = await credits.balance(owner);
    const earned = (await credits.balance(creator)).earnings;
    expect({ held: owned.held, total: owned.spendable + earned }).toEqual({ held: 0, total: 100 });
  });

  it('freezing and unfreezing users while their holds are placed and released never fails', async () => {
    const owners = await Promise.all(Array.from({ length: 4 }, () => funded(1_000)));
    for (const round of [0, 1, 2]) {
      const placed = owners.flatMap((owner) =>
        Array.from({ length: 8 }, () =>
          outcomeOf(holds.hold(as(owner), { userId: owner, amount: 1, purpose: 'call' })),
        ),
      );
      const freezes = owners.flatMap((owner) =>
        [0, 1, 2, 3].map((i) =>
          credits.setFrozen(
            { scope: 'system:test', idempotencyKey: randomUUID() },
            { userId: owner, frozen: (i + round) % 2 === 0 },
          ),
        ),
      );
      const [outcomes] = await Promise.all([Promise.all(placed), Promise.all(freezes)]);
      expect(outcomes.every((o) => o.status === 201 || o.status === 423)).toBe(true);

      await Promise.all(
        owners.map((owner) =>
          credits.setFrozen(
            { scope: 'system:test', idempotencyKey: randomUUID() },
            { userId: owner, frozen: false },
          ),
        ),
      );
      const ids = outcomes.filter((o) => o.status === 201).map((o) => (o.body as { id: string }).id);
      const [released] = await Promise.all([
        Promise.all(
          ids.map((id) => outcomeOf(holds.release(as(randomUUID()), { holdId: id, ownerId: null }))),
        ),
        Promise.all(
          owners.map((owner) =>
            credits.setFrozen(
              { scope: 'system:test', idempotencyKey: randomUUID() },
              { userId: owner, frozen: round % 2 === 0 },
            ),
          ),
        ),
      ]);
      expect(released.every((o) => o.status === 200 || o.status === 423)).toBe(true);
      await Promise.all(
        owners.map((owner) =>
          credits.setFrozen(
            { scope: 'system:test', idempotencyKey: randomUUID() },
            { userId: owner, frozen: false },
          ),
        ),
      );
    }
  });

  it.skipIf(!onPostgres)(
    'a spend racing the release that gives back expired credits does not spend them',
    async () => {
      const payer = await funded(10, new Date(t.clock.now().getTime() + 60 * MINUTE));
      const hold = await holds.hold(as(payer), { userId: payer, amount: 10, purpose: 'call' });
      t.clock.advance(2 * 60 * MINUTE);

      // The release waits for the payer's account, and the spend queues behind it: the spend looks
      // for due lots before the release has given any back.
      const [release, spend] = await whileLocked(await credits.accountOf(payer, 'spendable'), [
        () => outcomeOf(holds.release(as(payer), { holdId: hold.body.id, ownerId: payer })),
        () => outcomeOf(credits.deduct(as(payer), { userId: payer, amount: 10, reason: 'race' })),
      ]);
      expect(release.status).toBe(200);
      expect(spend).toMatchObject({ status: 402, code: 'insufficient_credits' });
    },
  );

  it.skipIf(!onPostgres)(
    'freezing a user while a hold waits for their accounts does not deadlock',
    async () => {
      // A hold locks the spendable and held accounts in id order; the freeze must too. For one of
      // these two users the order the freeze finds the rows in (by kind, or as stored) is the other.
      const orders = new Map<boolean, { owner: string; first: string }>();
      while (orders.size < 2) {
        const owner = await funded(100);
        const spendable = await credits.accountOf(owner, 'spendable');
        const held = await credits.accountOf(owner, 'held');
        await credits.accountOf(owner, 'earnings');
        orders.set(spendable < held, { owner, first: [spendable, held].sort()[0] as string });
      }
      // Which of the two deadlocked transactions PostgreSQL aborts is a race, and an aborted hold is
      // retried unseen: six rounds each make a freeze that can deadlock fail here all but surely.
      const rounds = Array.from({ length: 6 }, () => [...orders.values()]).flat();
      for (const { owner, first } of rounds) {
        const [placed] = await whileLocked(first, [
          () => outcomeOf(holds.hold(as(owner), { userId: owner, amount: 1, purpose: 'call' })),
          () =>
            credits.setFrozen(
              { scope: 'system:test', idempotencyKey: randomUUID() },
              { userId: owner, frozen: true },
            ),
        ]);
        expect([201, 423]).toContain(placed.status);
        await credits.setFrozen(
          { scope: 'system:test', idempotencyKey: randomUUID() },
          { userId: owner, frozen: false },
        );
      }
    },
  );
});

/**
 * Starts each task while another session holds a lock on the account row, each once the ones before
 * it are waiting for a lock, then lets the row go and waits for them all (PostgreSQL only).
 */
async function whileLocked<T extends unknown[]>(
  accountId: string,
  tasks: { [K in keyof T]: () => Promise<T[K]> },
): Promise<T> {
  let letGo = () => {};
  const lockHeld = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  let locked = () => {};
  const lockTaken = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const blocker = t.db.withSession(async (session) => {
    await session.executeSql('begin');
    await session.executeSql('select 1 from credit_accounts where id = $1 for update', [accountId]);
    locked();
    await lockHeld;
    await session.executeSql('commit');
  });
  await lockTaken;
  const started: Promise<unknown>[] = [];
  for (const task of tasks) {
    started.push(task());
    await vi.waitFor(async () => {
      const { rows } = await t.db.executeSql(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      expect((rows[0] as { n: number }).n).toBeGreaterThanOrEqual(started.length);
    });
  }
  letGo();
  await blocker;
  return (await Promise.all(started)) as T;
}
