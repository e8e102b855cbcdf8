// Chaos against a real PostgreSQL (DATABASE_URL): 8 workers make thousands of keyed transfers among
// a pool of users while a seeded fault schedule kills their database sessions with
// pg_terminate_backend from a separate admin connection, and a loopback proxy in front of the
// server now and then swallows the answer to a transfer's statement (credits_run, autocommitted)
// and cuts the connection: the transfer is committed, its client never hears so, the case only
// the idempotency key saves. A killed session either committed its statement (the retry replays
// it) or rolled it back whole (the retry applies it). A client retries a failed call with the same
// key until it is answered (applied, or refused with 402). Afterwards
// every key is recorded once with exactly what its client was told, no transfer is lost,
// duplicated or half-applied, the ledger sums to zero and every balance equals its entries. The
// seed is printed; CHAOS_SEED replays the same transfers and fault schedule (the interleaving of
// the workers is up to the machine).
import { createServer, type Server, connect as tcpConnect } from 'node:net';
import {
  AppError,
  createDatabase,
  type Database,
  isDatabaseUnavailable,
  isRetryableTransactionError,
} from '@app/platform';
import { serviceAvailable } from '@app/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAYED_HEADER } from '../../src/modules/credits/idempotency.js';
import { createCreditsService, type Receipt } from '../../src/modules/credits/service.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp } from '../support/pairly-client.js';

const serverUrl = process.env.DATABASE_URL;
const onServer = serviceAvailable('PostgreSQL (DATABASE_URL)', Boolean(serverUrl));

const WORKERS = 8;
const TRANSFERS_PER_WORKER = 400;
const USERS = 12;
const OPENING_BALANCE = 500;
const MAX_AMOUNT = 40;
const MAX_ATTEMPTS = 100;
/** Share of committed operations whose answer the proxy swallows. */
const LOST_COMMIT_RATE = 0.015;
const APPLICATION_NAME = 'credits-chaos';

/** mulberry32: a small seeded generator, so one number replays the whole run's choices. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A failure a client may retry with the same key: the session died, or the server aborted the transaction. */
const retryable = (error: unknown) => isDatabaseUnavailable(error) || isRetryableTransactionError(error);

// credits_run's answer for a key it has just claimed (jsonb as PostgreSQL prints it), and the
// ReadyForQuery 'Z' (length 5, idle) the server sends once the autocommitted statement has committed.
const NEW_OPERATION_ANSWER = Buffer.from('"replayed": false', 'latin1');
const READY_IDLE = Buffer.from('Z\0\0\0\x05I', 'latin1');

/** A loopback proxy to the server that cuts a connection instead of relaying a committed operation's answer when `cut()` says so. */
async function startLossyProxy(target: URL, cut: () => boolean) {
  let lost = 0;
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (chunk.includes(NEW_OPERATION_ANSWER) && chunk.includes(READY_IDLE) && cut()) {
        lost += 1;
        close();
      } else client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    lost: () => lost,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

interface Planned {
  key: string;
  fromUserId: string;
  toUserId: string;
  amount: number;
}

type Answer = { outcome: 'applied'; receipt: Receipt } | { outcome: 'refused' };

describe.skipIf(!onServer)('credits chaos: killed sessions and lost commits on PostgreSQL', () => {
  const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  let t: PairlyTestApp;
  let admin: pg.Client;
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
  let workersDb: Database;
  let database: string;

  beforeAll(async () => {
    console.log(
      `credits chaos seed ${seed} (CHAOS_SEED=${seed} reproduces the transfers and the fault delays; where a kill lands depends on timing)`,
    );
    t = await buildPairlyTestApp();
    const { rows } = await t.db.executeSql('select current_database() as name');
    database = (rows[0] as { name: string }).name;
    admin = new pg.Client({ connectionString: serverUrl, application_name: 'credits-chaos-admin' });
    await admin.connect();
    const target = new URL(serverUrl as string);
    const lossy = seeded(seed ^ 0x5eed);
    proxy = await startLossyProxy(target, () => lossy() < LOST_COMMIT_RATE);
    // The workers reach the test app's database through the proxy, on a pool of one session each.
    const proxied = new URL(target);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    proxied.pathname = `/${database}`;
    workersDb = await createDatabase({
      url: proxied.toString(),
      poolMax: WORKERS,
      applicationName: APPLICATION_NAME,
    });
  });
  afterAll(async () => {
    await workersDb?.close();
    await proxy?.close();
    await admin?.end();
    await t?.close();
  });

  it('applies every keyed transfer exactly as answered', { timeout: 120_000 }, async () => {
    const credits = createCreditsService(workersDb, t.clock);
    const users: string[] = [];
    for (let i = 0; i < USERS; i++) users.push((await signUp(t, i % 3 === 0 ? 'creator' : 'fan')).id);
    const opening = createCreditsService(t.db, t.clock);
    for (const [i, userId] of users.entries()) {
      await opening.add(
        { scope: 'system:chaos', idempotencyKey: `opening-${i}` },
        { userId, amount: OPENING_BALANCE, source: 'purchase' },
      );
    }

    const plans: Planned[][] = Array.from({ length: WORKERS }, (_, worker) => {
      const random = seeded(seed + 1 + worker);
      const pick = () => users[Math.floor(random() * USERS)] as string;
      return Array.from({ length: TRANSFERS_PER_WORKER }, (_, i) => {
        const fromUserId = pick();
        let toUserId = pick();
        while (toUserId === fromUserId) toUserId = pick();
        const amount = 1 + Math.floor(random() * MAX_AMOUNT);
        return { key: `chaos-${seed}-${worker}-${i}`, fromUserId, toUserId, amount };
      });
    });

    const answers = new Map<string, Answer>();
    let retries = 0;
    let replays = 0;

    /** Calls transfer with the plan's key until it is applied or refused; retries only outages. */
    async function settle(plan: Planned): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await credits.transfer(
            { scope: plan.fromUserId, idempotencyKey: plan.key },
            { fromUserId: plan.fromUserId, toUserId: plan.toUserId, amount: plan.amount },
          );
          if (result.replayed) replays += 1;
          answers.set(plan.key, { outcome: 'applied', receipt: result.body });
          return;
        } catch (error) {
          if (error instanceof AppError && error.code === 'insufficient_credits') {
            if (error.headers?.[REPLAYED_HEADER]) replays += 1;
            answers.set(plan.key, { outcome: 'refused' });
            return;
          }
          if (!retryable(error) || attempt === MAX_ATTEMPTS) throw error;
          retries += 1;
          await pause(attempt * 5);
        }
      }
    }

    let running = true;
    let killed = 0;

    /** The kill schedule: after each seeded gap, terminate one of the workers' sessions or all of them. */
    async function killSchedule(): Promise<void> {
      const random = seeded(seed);
      while (running) {
        await pause(20 + Math.floor(random() * 180));
        const everyone = random() < 0.3;
        const choice = random();
        if (!running) return;
        const { rows } = await admin.query<{ pid: number }>(
          'select pid from pg_stat_activity where datname = $1 and application_name = $2 order by pid',
          [database, APPLICATION_NAME],
        );
        const victims = everyone ? rows : rows.slice(Math.floor(choice * rows.length)).slice(0, 1);
        for (const { pid } of victims) {
          const { rows: done } = await admin.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [
            pid,
          ]);
          if (done[0]?.ok) killed += 1;
        }
      }
    }

    const kills = killSchedule();
    try {
      await Promise.all(
        plans.map(async (plan) => {
          for (const transfer of plan) await settle(transfer);
        }),
      );
    } finally {
      running = false;
      await kills;
    }
    console.log(
      `credits chaos seed ${seed}: ${killed} sessions killed, ${proxy.lost()} answers to committed transfers lost; ` +
        `${retries} retries, ${replays} replays`,
    );

    // Both faults happened and hit calls in flight, and a lost answer was recovered by a replay.
    expect(killed).toBeGreaterThan(0);
    expect(proxy.lost()).toBeGreaterThan(0);
    expect(retries).toBeGreaterThan(0);
    expect(replays).toBeGreaterThan(0);

    const everyPlan = plans.flat();
    expect(answers.size).toBe(everyPlan.length);
    const applied = everyPlan.filter((plan) => answers.get(plan.key)?.outcome === 'applied');
    // Both paths are exercised: most transfers are applied, some refused for want of credits.
    expect(applied.length).toBeGreaterThan(everyPlan.length / 2);
    expect(applied.length).toBeLessThan(everyPlan.length);

    // Every key: one operation record whose status and transfers are what its client was told.
    const { rows: operations } = await t.db.executeSql(
      `select o.id, o.idempotency_key as key, o.status, count(t.id)::int as transfers,
              coalesce(sum(t.amount), 0)::int as amount, min(t.id)::int as transfer_id,
              min(t.debit_balance_after)::int as debit_balance_after,
              min(t.debit_account_id::text) as debit, min(t.credit_account_id::text) as credit
         from credit_operations o left join credit_transfers t on t.operation_id = o.id
        where o.idempotency_key like $1
        group by o.id`,
      [`chaos-${seed}-%`],
    );
    const byKey = new Map(operations.map((row) => [row.key as string, row]));
    expect(byKey.size).toBe(everyPlan.length);
    for (const plan of everyPlan) {
      const answer = answers.get(plan.key) as Answer;
      const row = byKey.get(plan.key) as Record<string, unknown>;
      if (answer.outcome === 'applied') {
        expect(row).toMatchObject({ status: 200, transfers: 1, amount: plan.amount });
        expect(row.debit).toBe(await credits.accountOf(plan.fromUserId, 'spendable'));
        expect(row.credit).toBe(await credits.accountOf(plan.toUserId, 'spendable'));
        // The receipt describes the one recorded transfer: a replay after a lost answer returned
        // the first result, not a second transfer.
        expect(answer.receipt).toEqual({
          operationId: row.id,
          transfers: [{ id: row.transfer_id, kind: 'transfer', amount: plan.amount }],
          balanceAfter: row.debit_balance_after,
        });
      } else {
        expect(row).toMatchObject({ status: 402, transfers: 0 });
      }
    }

    // No lost or duplicated transfer: balances are the opening ones moved by the applied keys.
    const expected = new Map(users.map((id) => [id, OPENING_BALANCE]));
    for (const plan of applied) {
      expected.set(plan.fromUserId, (expected.get(plan.fromUserId) as number) - plan.amount);
      expected.set(plan.toUserId, (expected.get(plan.toUserId) as number) + plan.amount);
    }
    const balances = new Map<string, number>();
    for (const userId of users) balances.set(userId, (await opening.balance(userId)).spendable);
    expect(balances).toEqual(expected);

    // The ledger as a whole: sums to zero, every balance is its entries, every version counts its
    // transfers (a half-applied leg would break one of these), no operation left unanswered.
    const { rows: ledger } = await t.db.executeSql(
      `select coalesce(sum(balance), 0)::bigint as total,
              count(*) filter (where a.balance <> e.net or a.version <> e.legs)::int as drifted
         from credit_accounts a,
              lateral (select coalesce(sum(case when t.credit_account_id = a.id then t.amount else -t.amount end), 0) as net,
                              count(*) as legs
                         from credit_transfers t
                        where t.debit_account_id = a.id or t.credit_account_id = a.id) e`,
    );
    expect(ledger[0]).toEqual({ total: 0, drifted: 0 });
    const { rows: open } = await t.db.executeSql(
      'select count(*)::int as n from credit_operations where status is null',
    );
    expect(open[0]).toEqual({ n: 0 });
  });
});
