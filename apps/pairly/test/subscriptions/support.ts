// Test support for subscriptions: the app with a 20 % platform fee, creators with a profile and a
// price (set and changed through the creators module's routes), fans funded by a finance member's grant, subscribing over HTTP, running the renewal
// job through the app's own runner, a second renewal worker on the same database (as another
// instance would run it), moving the fake clock (signing everyone in again: tokens expire), and
// reading mails and balances as the users would see them.
import { randomUUID } from 'node:crypto';
import type { Database, IdentitySchema, Mailer } from '@app/platform';
import { createLogger } from '@app/platform';
import type { TestAppOptions } from '@app/platform/testing';
import type { Transaction } from 'kysely';
import { expect, vi } from 'vitest';
import type { PairlyAppOptions } from '../../src/app.js';
import { TERMS_VERSION } from '../../src/modules/creators/rules.js';
import { createCreditsService } from '../../src/modules/credits/service.js';
import { subscriptionOptions } from '../../src/modules/subscriptions/options.js';
import { RENEWAL_QUEUE } from '../../src/modules/subscriptions/register.js';
import { createRenewal, type Renewal } from '../../src/modules/subscriptions/renewal.js';
import { subscriptionDb } from '../../src/modules/subscriptions/tables.js';
import { balanceOf, grant } from '../credits/http-support.js';
import { runJob } from '../credits/sweep-support.js';
import {
  buildPairlyTestApp,
  keyed,
  PASSWORD,
  type PairlyTestApp,
  type Response,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';

export { expectProblem } from '../credits/http-support.js';
export { balanceOf };

export const DAY = 86_400_000;
export const FEE_BPS = 2_000;

export function buildSubscriptionTestApp(
  subscriptions: PairlyAppOptions['subscriptions'] = {},
  testOptions: TestAppOptions = {},
): Promise<PairlyTestApp> {
  return buildPairlyTestApp({ credits: { messageFeeBps: FEE_BPS }, subscriptions }, testOptions);
}

export interface Cast {
  fan: TestUser;
  creator: TestUser;
  finance: TestUser;
}

let handles = 0;

/** Gives the creator a profile with a monthly price (null: none offered) through PUT /creators/me. */
export async function makeProfile(
  t: PairlyTestApp,
  creator: TestUser,
  price: number | null,
  subscriberMessagesFree = false,
): Promise<void> {
  handles += 1;
  const response = await t.app.inject({
    method: 'PUT',
    url: '/creators/me',
    headers: creator.headers,
    payload: {
      handle: `sub_${process.pid}_${handles}`,
      displayName: 'Test Creator',
      prices: { message: 0, callMinute: 0, subscription: price },
      subscriberMessagesFree,
      confirmAge: true,
      acceptTerms: TERMS_VERSION,
    },
  });
  expect([200, 201], response.body).toContain(response.statusCode);
}

/** A fan (funded with `credits` by finance), a creator offering subscriptions at `price`, and finance. */
export async function cast(t: PairlyTestApp, price = 100, credits = 1_000): Promise<Cast> {
  const [fan, creator, finance] = await Promise.all([
    signUp(t, 'fan'),
    signUp(t, 'creator'),
    signUp(t, 'finance'),
  ]);
  await makeProfile(t, creator, price);
  if (credits > 0) await grant(t, finance, fan, credits);
  return { fan, creator, finance };
}

export function subscribe(
  t: PairlyTestApp,
  fan: TestUser,
  creatorId: string,
  options: { key?: string; payload?: Record<string, unknown> } = {},
): Promise<Response> {
  return keyed(t, fan, {
    method: 'POST',
    url: `/creators/${creatorId}/subscription`,
    ...(options.payload && { payload: options.payload }),
    ...(options.key && { key: options.key }),
  });
}

/** Subscribes and answers the subscription (201 expected). */
export async function subscribed(t: PairlyTestApp, fan: TestUser, creatorId: string) {
  const response = await subscribe(t, fan, creatorId);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Record<string, unknown> & { id: string };
}

export function act(t: PairlyTestApp, user: TestUser, subscriptionId: string, action: 'cancel' | 'resume') {
  return t.app.inject({
    method: 'POST',
    url: `/subscriptions/${subscriptionId}/${action}`,
    headers: user.headers,
  });
}

/** The fan's subscriptions as GET /subscriptions lists them (all statuses). */
export async function mySubscriptions(t: PairlyTestApp, fan: TestUser) {
  const response = await t.app.inject({
    method: 'GET',
    url: '/subscriptions?status=all',
    headers: fan.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as Array<Record<string, unknown>>;
}

export async function mySubscription(t: PairlyTestApp, fan: TestUser, id: string) {
  const found = (await mySubscriptions(t, fan)).find((item) => item.id === id);
  if (!found) throw new Error(`subscription ${id} not listed`);
  return found;
}

/** Moves the fake clock to `instant` (or by ms) and signs the users in again. */
export async function moveTo(t: PairlyTestApp, instant: string | number, users: TestUser[]): Promise<void> {
  if (typeof instant === 'number') t.clock.advance(instant);
  else t.clock.set(instant);
  for (const user of users) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: PASSWORD },
    });
    expect(response.statusCode, response.body).toBe(200);
    user.accessToken = response.json().accessToken;
    user.headers = { authorization: `Bearer ${user.accessToken}` };
  }
}

/**
 * One scheduled run of the renewal job sent through the app's runner; with peers (instances on the
 * same database), whichever instance takes it, waiting until it has finished.
 */
export async function runRenewals(t: PairlyTestApp, ...peers: PairlyTestApp[]): Promise<void> {
  if (peers.length === 0) return runJob(t, RENEWAL_QUEUE);
  const jobId = await t.jobs.send(RENEWAL_QUEUE, {});
  const finished = await vi.waitFor(
    () => {
      const line = [t, ...peers]
        .flatMap((app) => app.logs.lines)
        .find(
          (entry) =>
            entry.jobId === jobId && (entry.event === 'job_complete' || entry.event === 'job_failed'),
        );
      if (!line) throw new Error('renewal job still running');
      return line;
    },
    { timeout: 20_000, interval: 50 },
  );
  expect(finished.event).toBe('job_complete');
}

/**
 * The renewal work as another instance runs it: its own credits service and account cache on the
 * same database and clock, mailing through the same outbox.
 */
export function renewalWorker(t: PairlyTestApp, options: PairlyAppOptions['subscriptions'] = {}): Renewal {
  const database = t.db as Database;
  return createRenewal({
    database,
    db: subscriptionDb(database),
    clock: t.clock,
    logger: createLogger({ level: 'silent', service: 'renewal-worker' }).logger,
    credits: createCreditsService(database, t.clock),
    feeBps: FEE_BPS,
    mailer: outboxMailer(t),
    options: subscriptionOptions(options),
  });
}

/** The identity outbox, as the app's mailer writes it. */
function outboxMailer(t: PairlyTestApp): Mailer {
  return {
    async send(mail, within) {
      const target = within ?? ((t.db as Database).kysely as unknown as Transaction<IdentitySchema>);
      await target
        .insertInto('mail_outbox')
        .values({ recipient: mail.to, subject: mail.subject, body: mail.text, created_at: t.clock.now() })
        .execute();
    },
  };
}

/** The creator changes their monthly price (null: no longer offered) through PATCH /creators/me. */
export async function changePrice(t: PairlyTestApp, creator: TestUser, price: number | null): Promise<void> {
  const response = await t.app.inject({
    method: 'PATCH',
    url: '/creators/me',
    headers: creator.headers,
    payload: { prices: { subscription: price } },
  });
  expect(response.statusCode, response.body).toBe(200);
}

export async function mails(
  t: PairlyTestApp,
  user: TestUser,
): Promise<Array<{ subject: string; body: string }>> {
  const { rows } = await t.db.executeSql(
    'select subject, body from mail_outbox where recipient = $1 order by id',
    [user.email],
  );
  return rows as Array<{ subject: string; body: string }>;
}

/** Credits a user's spendable balance (a top-up, as finance grants it). */
export const topUp = (t: PairlyTestApp, finance: TestUser, user: TestUser, amount: number) =>
  grant(t, finance, user, amount);

/** The number of subscription charges (periods paid) of a subscription. */
export async function chargesOf(t: PairlyTestApp, subscriptionId: string): Promise<number[]> {
  const { rows } = await t.db.executeSql(
    'select period_index from subscription_charges where subscription_id = $1 order by period_index',
    [subscriptionId],
  );
  return (rows as Array<{ period_index: number }>).map((row) => row.period_index);
}

export const newId = () => randomUUID();
