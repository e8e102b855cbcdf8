// The credits ledger against a reference model (issue 14, "Must show" item 2): fast-check draws
// long lists of operations on a few users — grants with and without expiry, deductions, transfers,
// message charges, holds captured in part, in full or not at all and released, freezes, replays of
// used keys with the same and with other parameters, and a fake clock moving past lot expiries.
// After every operation each user's balances, frozen flags and expiring lots and the system
// accounts equal the model's; after every run the global invariants hold (ledger-invariants.ts).
// The seed is printed; LEDGER_SEED=<seed> reproduces a run, LEDGER_RUNS=<n> changes how many.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import { type CaptureTarget, createHolds } from '../../src/modules/credits/holds.js';
import type { OperationResult } from '../../src/modules/credits/idempotency.js';
import type { SystemAccount } from '../../src/modules/credits/ledger.js';
import {
  createCreditsService,
  DEFAULT_CREDITS_OPTIONS,
  type GrantSource,
} from '../../src/modules/credits/service.js';
import { buildPairlyTestApp, type PairlyTestApp } from '../support/pairly-client.js';
import { type LedgerChecker, ledgerChecker, type Outcome, outcomeOf } from './ledger-invariants.js';
import {
  type Account,
  type Amount,
  type Command,
  command,
  giveBack,
  type HoldModel,
  spend,
  USERS,
  type UserModel,
} from './ledger-model.js';

// 12 runs in every suite (a fresh random seed each time, so CI runs add up); LEDGER_RUNS=24 or more
// for a longer search.
const RUNS = Number(process.env.LEDGER_RUNS ?? 12);
const COMMANDS = 450;
const MINUTE = 60_000;
const GRANTED_FROM: Record<GrantSource, SystemAccount> = {
  purchase: 'purchases',
  promotion: 'promotions',
  refund: 'refunds',
};
const SEED = Number(process.env.LEDGER_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** A request already sent, to replay: with the same parameters, or with other ones. */
type Resend = (sameParams: boolean) => Promise<Outcome>;

let t: PairlyTestApp;
let checker: LedgerChecker;
/** How many requests each command sent, by command and answer (printed, and the total checked). */
const tally = new Map<string, number>();
let sending = '';
const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);

beforeAll(async () => {
  t = await buildPairlyTestApp({
    // The sweeps must not expire lots behind the model's back; these schedules never come round in a test.
    creditSchedules: { expiry: '0 0 1 1 *', reconciliation: '0 0 1 1 *' },
  });
  checker = ledgerChecker(t.db);
});
afterAll(async () => {
  await t?.close();
});

/** Settles a call, counting its answer in the tally. */
async function counted(call: () => Promise<OperationResult<unknown>>): Promise<Outcome> {
  const outcome = await outcomeOf(call());
  count(
    `${sending} ${outcome.status}${outcome.code ? ` ${outcome.code}` : outcome.replayed ? ' replayed' : ''}`,
  );
  return outcome;
}

async function newUsers(count: number): Promise<UserModel[]> {
  const users: UserModel[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    await t.db.executeSql(
      `insert into auth_users (id, email, password_hash, role, created_at, password_changed_at)
       values ($1, $2, 'not-a-hash', 'fan', $3, $3)`,
      [id, `ledger-${id}@example.com`, t.clock.now()],
    );
    users.push({ id, spendable: 0, earnings: 0, held: 0, frozen: false, lots: [] });
  }
  return users;
}

/** Every system account, and the accounts of the given users with their lots. */
const STATE = `
  select a.owner_id::text as owner, a.system_name, a.kind, a.balance, a.frozen,
         coalesce((select json_agg(json_build_array(l.transfer_id, l.remaining) order by l.transfer_id)
                   from credit_lots l where l.account_id = a.id), '[]') as lots
  from credit_accounts a
  where a.kind = 'system' or a.owner_id::text = any(string_to_array($1, ','))`;

async function systemBalances(): Promise<Record<SystemAccount, number>> {
  const rows = await pairlyDb(t.db)
    .selectFrom('credit_accounts')
    .select(['system_name', 'balance'])
    .where('kind', '=', 'system')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.system_name, row.balance])) as Record<
    SystemAccount,
    number
  >;
}

/** Runs one list of commands against fresh users and the model, comparing after every command. */
async function runCommands(commands: Command[]): Promise<void> {
  const credits = createCreditsService(t.db, t.clock);
  const holds = createHolds(pairlyDb(t.db), credits, t.clock, DEFAULT_CREDITS_OPTIONS.maxAmount);
  const users = await newUsers(USERS);
  const system = await systemBalances();
  const placed: HoldModel[] = [];
  const sent: Array<{ resend: Resend; first: Outcome }> = [];
  const now = () => t.clock.now().getTime();
  const userAt = (index: number) => users[index % USERS] as UserModel;
  const context = (actor: UserModel) => ({ scope: actor.id, idempotencyKey: randomUUID() });
  const resolve = (value: Amount, available: number) => (value === 'all' ? Math.max(available, 1) : value);

  /** Sends a new request; keeps it for replays when its result is one a replay must repeat (a 423 is not: the key stays free). */
  async function send(resend: Resend): Promise<Outcome> {
    const first = await resend(true);
    if (first.status < 400 || [402, 409].includes(first.status)) sent.push({ resend, first });
    return first;
  }

  function expectOutcome(got: Outcome, status: number, code?: string): Record<string, unknown> {
    expect({ status: got.status, code: got.code }).toEqual({ status, code });
    return got.body ?? {};
  }

  const frozen = (...parties: UserModel[]) => parties.some((party) => party.frozen);
  const expectRefused = (got: Outcome, status: number) =>
    expectOutcome(got, status, status === 423 ? 'account_frozen' : 'insufficient_credits');

  async function apply(c: Command): Promise<void> {
    switch (c.op) {
      case 'add': {
        const to = userAt(c.user);
        const expiresAt = c.expiresInMinutes === null ? undefined : now() + c.expiresInMinutes * MINUTE;
        const input = {
          userId: to.id,
          amount: c.amount,
          source: c.source,
          ...(expiresAt && { expiresAt: new Date(expiresAt) }),
        };
        const ctx = context(to);
        const got = await send((same) =>
          counted(() => credits.add(ctx, same ? input : { ...input, amount: c.amount + 1 })),
        );
        if (frozen(to)) return void expectRefused(got, 423);
        const body = expectOutcome(got, 201) as { balanceAfter: number; transfers: Array<{ id: number }> };
        to.spendable += c.amount;
        system[GRANTED_FROM[c.source]] -= c.amount;
        const [granted] = body.transfers;
        if (expiresAt && granted) to.lots.push({ transferId: granted.id, expiresAt, remaining: c.amount });
        return void expect(body.balanceAfter).toBe(to.spendable);
      }
      case 'deduct':
      case 'transfer':
      case 'charge': {
        const payer = userAt(c.user);
        const payee = userAt(c.user + (c.op === 'deduct' ? 0 : c.offset));
        const from: Account = c.op === 'charge' ? 'spendable' : c.op === 'deduct' ? c.account : c.from;
        const value = resolve(c.op === 'charge' ? c.price : c.amount, payer[from]);
        const ctx = context(payer);
        const got = await send((same) => {
          const v = same ? value : value + 1;
          if (c.op === 'deduct') {
            return counted(() =>
              credits.deduct(ctx, { userId: payer.id, amount: v, account: from, reason: 'test' }),
            );
          }
          if (c.op === 'transfer') {
            return counted(() =>
              credits.transfer(ctx, { fromUserId: payer.id, toUserId: payee.id, amount: v, from, to: c.to }),
            );
          }
          return counted(() =>
            credits.chargeForMessage(ctx, {
              senderId: payer.id,
              recipientId: payee.id,
              messageId: ctx.idempotencyKey,
              price: v,
            }),
          );
        });
        if (frozen(payer, payee)) return void expectRefused(got, 423);
        if (!spend(payer, from, value, now(), system)) return void expectRefused(got, 402);
        const body = expectOutcome(got, 200) as { balanceAfter: number };
        if (c.op === 'deduct') system.adjustments += value;
        if (c.op === 'transfer') payee[c.to] += value;
        if (c.op === 'charge') {
          const fee = Math.floor((value * DEFAULT_CREDITS_OPTIONS.messageFeeBps) / 10_000);
          payee.earnings += value - fee;
          system.platform_fees += fee;
        }
        return void expect(body.balanceAfter).toBe(payer[from]);
      }
      case 'hold': {
        const owner = userAt(c.user);
        const value = resolve(c.amount, owner[c.account]);
        const input = { userId: owner.id, amount: value, purpose: 'call', account: c.account };
        const ctx = context(owner);
        const got = await send((same) =>
          counted(() => holds.hold(ctx, same ? input : { ...input, amount: value + 1 })),
        );
        if (frozen(owner)) return void expectRefused(got, 423);
        const draws = spend(owner, c.account, value, now(), system);
        if (!draws) return void expectRefused(got, 402);
        const body = expectOutcome(got, 201) as { id: string; status: string; amount: number };
        expect(body).toMatchObject({ status: 'pending', amount: value, captured: 0 });
        owner.held += value;
        return void placed.push({
          id: body.id,
          owner,
          account: c.account,
          amount: value,
          status: 'pending',
          draws,
        });
      }
      case 'capture':
      case 'release': {
        if (placed.length === 0) return apply({ op: 'hold', user: 0, amount: 1, account: 'spendable' });
        // Mostly a pending hold; now and then any, resolved ones included (409).
        const pending = placed.filter((h) => h.status === 'pending');
        const among = pending.length > 0 && c.hold % 4 !== 0 ? pending : placed;
        const hold = among[c.hold % among.length] as HoldModel;
        const owner = hold.owner;
        const ctx = context(owner);
        if (c.op === 'release') {
          const input = { holdId: hold.id, ownerId: owner.id };
          const got = await send((same) =>
            counted(() => holds.release(ctx, same ? input : { ...input, ownerId: null })),
          );
          if (hold.status !== 'pending') return void expectOutcome(got, 409, 'hold_already_resolved');
          if (frozen(owner)) return void expectRefused(got, 423);
          expect(expectOutcome(got, 200)).toMatchObject({ status: 'released', captured: 0 });
          hold.status = 'released';
          return giveBack(hold, hold.amount);
        }
        const captured = {
          none: 0,
          part: Math.floor((c.percent * hold.amount) / 100),
          all: hold.amount,
          over: hold.amount + 1,
        }[c.share];
        const payee = 'system' in c.target ? null : userAt(users.indexOf(owner) + c.target.offset);
        const to: CaptureTarget =
          'system' in c.target
            ? { system: c.target.system }
            : { userId: (payee as UserModel).id, account: c.target.account };
        const input = { holdId: hold.id, ownerId: owner.id, amount: captured, to };
        const got = await send((same) =>
          counted(() => holds.capture(ctx, same ? input : { ...input, amount: captured + 1 })),
        );
        if (captured > hold.amount) return void expectOutcome(got, 400, 'invalid_amount');
        if (hold.status !== 'pending') return void expectOutcome(got, 409, 'hold_already_resolved');
        if (payee === owner) return void expectOutcome(got, 400, 'invalid_amount');
        // Nothing moves to the target when nothing is captured: only then is its freeze irrelevant.
        if (frozen(owner, ...(payee && captured > 0 ? [payee] : []))) return void expectRefused(got, 423);
        expect(expectOutcome(got, 200)).toMatchObject({ status: 'captured', captured });
        hold.status = 'captured';
        hold.owner.held -= captured;
        if ('system' in c.target) system[c.target.system] += captured;
        else (payee as UserModel)[c.target.account] += captured;
        return giveBack(hold, hold.amount - captured);
      }
      case 'freeze': {
        count('freeze');
        await credits.setFrozen(
          { scope: 'system:test', idempotencyKey: randomUUID() },
          { userId: userAt(c.user).id, frozen: c.frozen },
        );
        userAt(c.user).frozen = c.frozen;
        return;
      }
      case 'replay': {
        if (sent.length === 0) return apply({ op: 'freeze', user: 0, frozen: false });
        const { resend, first } = sent[c.pick % sent.length] as (typeof sent)[number];
        const again = await resend(c.sameParams);
        if (!c.sameParams) return void expectOutcome(again, 409, 'idempotency_key_reused');
        return void expect(again).toEqual({ ...first, ...(first.body && { replayed: true }) });
      }
      case 'advance':
        return t.clock.advance(c.minutes * MINUTE);
    }
  }

  /** The users' balances, frozen flags and lots and the system accounts, as the model says (one query). */
  async function compare(): Promise<void> {
    const { rows } = await t.db.executeSql(STATE, [users.map((u) => u.id).join(',')]);
    const accounts = rows as Array<{
      owner: string | null;
      system_name: string | null;
      kind: string;
      balance: number;
      frozen: boolean;
      lots: Array<[number, number]>;
    }>;
    const actual = users.map((u) => {
      const mine = accounts.filter((row) => row.owner === u.id);
      const of = (kind: string) => mine.find((row) => row.kind === kind);
      return {
        spendable: of('spendable')?.balance ?? 0,
        earnings: of('earnings')?.balance ?? 0,
        held: of('held')?.balance ?? 0,
        frozen: mine.some((row) => row.frozen),
        lots: of('spendable')?.lots ?? [],
      };
    });
    const expected = users.map(({ spendable, earnings, held, frozen, lots }) => ({
      spendable,
      earnings,
      held,
      frozen,
      lots: lots.map((lot) => [lot.transferId, lot.remaining]),
    }));
    expect(actual).toEqual(expected);
    const systemNow = Object.fromEntries(
      accounts.filter((row) => row.system_name).map((row) => [row.system_name, row.balance]),
    );
    expect(systemNow).toEqual(system);
  }

  for (const [index, c] of commands.entries()) {
    try {
      sending = c.op;
      await apply(c);
      await compare();
    } catch (error) {
      throw new Error(`command ${index} ${JSON.stringify(c)}: ${(error as Error).message}`, { cause: error });
    }
  }
  await checker.assertSound();
}

describe('credits ledger against a reference model', () => {
  it(`keeps every invariant over ${RUNS} × ${COMMANDS} random operations (seed ${SEED})`, async () => {
    console.info(`ledger property seed: ${SEED} (reproduce with LEDGER_SEED=${SEED})`);
    const details = await fc.check(
      fc.asyncProperty(fc.array(command, { minLength: COMMANDS, maxLength: COMMANDS }), runCommands),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The failing command is named in the error; the whole list (450 commands) would drown it.
    if (details.failed) {
      throw new Error(`run ${details.numRuns} of seed ${SEED} failed: ${String(details.errorInstance)}`);
    }
    const { rows } = await t.db.executeSql(
      "select count(*)::int as n from credit_transfers where kind = 'expiry'",
    );
    const summary = [...tally].sort(([a], [b]) => a.localeCompare(b)).map(([what, n]) => `${what}: ${n}`);
    console.info(`${summary.join(', ')}; lots expired: ${(rows[0] as { n: number }).n}`);
    const sent = [...tally.values()].reduce((sum, n) => sum + n, 0);
    // Most commands reach the service (5,000 of 12 × 450 at the default): scaled with the run count.
    expect(sent).toBeGreaterThanOrEqual(Math.ceil((RUNS * COMMANDS * 5_000) / (12 * 450)));
  }, 180_000);
});

describe('found by the property test', () => {
  const as = (actor: UserModel, key = randomUUID()) => ({ scope: actor.id, idempotencyKey: key });
  const services = () => {
    const credits = createCreditsService(t.db, t.clock);
    return {
      credits,
      holds: createHolds(pairlyDb(t.db), credits, t.clock, DEFAULT_CREDITS_OPTIONS.maxAmount),
    };
  };

  it('a partly captured hold gives back the credits that do not expire: expiring ones are spent first', async () => {
    const { credits, holds } = services();
    const [fan, creator] = (await newUsers(2)) as [UserModel, UserModel];
    const inAnHour = new Date(t.clock.now().getTime() + 60 * MINUTE);
    await credits.add(as(fan), { userId: fan.id, amount: 5, source: 'promotion', expiresAt: inAnHour });
    await credits.add(as(fan), { userId: fan.id, amount: 10, source: 'purchase' });
    const hold = await holds.hold(as(fan), { userId: fan.id, amount: 12, purpose: 'call' });
    await holds.capture(as(fan), {
      holdId: hold.body.id,
      ownerId: fan.id,
      amount: 10,
      to: { userId: creator.id, account: 'earnings' },
    });

    // Spending 10 of these 15 credits directly leaves 5 that never expire; so must the capture.
    expect(await credits.balance(fan.id)).toMatchObject({ spendable: 5, expiring: [] });
    t.clock.advance(2 * 60 * MINUTE);
    const spent = await credits.deduct(as(fan), { userId: fan.id, amount: 5, reason: 'test' });
    expect(spent.body.balanceAfter).toBe(0);
    await checker.assertSound();
  });

  it("a hold is not captured to its owner's other account (spendable credits would become earnings)", async () => {
    const { credits, holds } = services();
    const [fan] = (await newUsers(1)) as [UserModel];
    await credits.add(as(fan), { userId: fan.id, amount: 10, source: 'promotion' });
    const hold = await holds.hold(as(fan), { userId: fan.id, amount: 10, purpose: 'call' });
    const capture = counted(() =>
      holds.capture(as(fan), {
        holdId: hold.body.id,
        ownerId: fan.id,
        amount: 10,
        to: { userId: fan.id, account: 'earnings' },
      }),
    );

    expect(await capture).toMatchObject({ status: 400, code: 'invalid_amount' });
    expect(await holds.get(hold.body.id, fan.id)).toMatchObject({ status: 'pending' });
    expect(await credits.balance(fan.id)).toMatchObject({ spendable: 0, held: 10, earnings: 0 });
  });

  it('a grant with an expiry, replayed once that expiry has passed, returns its first result', async () => {
    const { credits } = services();
    const [fan] = (await newUsers(1)) as [UserModel];
    const grant = {
      userId: fan.id,
      amount: 10,
      source: 'promotion' as const,
      expiresAt: new Date(t.clock.now().getTime() + MINUTE),
    };
    const key = randomUUID();
    const first = await credits.add(as(fan, key), grant);
    t.clock.advance(2 * MINUTE);
    const again = await credits.add(as(fan, key), grant);

    expect(again).toEqual({ status: 201, body: first.body, replayed: true });
  });
});
