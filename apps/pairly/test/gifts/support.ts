// Test support for gifts: a test app whose fraud rules stay out of the way unless a test turns one on,
// members who each sign in from an address and browser of their own (as real users do; the
// linked-accounts rule compares them), credits bought through the ledger, and readers of balances.
import { randomUUID } from 'node:crypto';
import type { GiftRulesOptions } from '../../src/modules/gifts/fraud.js';
import {
  buildPairlyTestApp,
  keyed,
  PASSWORD,
  type PairlyTestApp,
  type Response,
  type Role,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';

export const QUIET_RULES: GiftRulesOptions = {
  accountAge: { outcome: 'allow' },
  velocity: { outcome: 'allow' },
  recipientSpread: { outcome: 'allow' },
  linked: { sameDevice: 'allow', sameAddress: 'allow' },
};

export function buildGiftTestApp(rules: GiftRulesOptions = QUIET_RULES): Promise<PairlyTestApp> {
  return buildPairlyTestApp({ gifts: rules });
}

export interface Member extends TestUser {
  address: string;
  userAgent: string;
}

let devices = 0;

/** A fan or creator signed up from their own address and browser unless given. */
export async function member(
  t: PairlyTestApp,
  role: Extract<Role, 'fan' | 'creator'> = 'fan',
  from: { address?: string; userAgent?: string } = {},
): Promise<Member> {
  devices += 1;
  const address = from.address ?? `198.51.${Math.floor(devices / 250)}.${(devices % 250) + 1}`;
  const userAgent = from.userAgent ?? `GiftTest/${devices} (${randomUUID()})`;
  const email = `gifts-${role}-${randomUUID()}@example.com`;
  const response = await t.app.inject({
    method: 'POST',
    url: '/auth/signup',
    remoteAddress: address,
    headers: { 'user-agent': userAgent },
    payload: { email, password: PASSWORD, role },
  });
  if (response.statusCode !== 201) throw new Error(`sign-up: ${response.statusCode} ${response.body}`);
  const body = response.json();
  return {
    id: body.user.id,
    email,
    role,
    accessToken: body.accessToken,
    headers: { authorization: `Bearer ${body.accessToken}` },
    address,
    userAgent,
  };
}

/** A staff member (finance, admin, ...), signed up and given the role as the operator would. */
export const staff = (t: PairlyTestApp, role: Role): Promise<TestUser> => signUp(t, role);

/** Moves the fake clock and signs the members in again (from their own devices): tokens expire. */
export async function advance(t: PairlyTestApp, milliseconds: number, members: Member[]): Promise<void> {
  t.clock.advance(milliseconds);
  for (const user of members) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      remoteAddress: user.address,
      headers: { 'user-agent': user.userAgent },
      payload: { email: user.email, password: PASSWORD },
    });
    if (response.statusCode !== 200) throw new Error(`sign-in: ${response.statusCode} ${response.body}`);
    user.accessToken = response.json().accessToken;
    user.headers = { authorization: `Bearer ${user.accessToken}` };
  }
}

/** Buys credits for the user: a purchase posted through the ledger function, as the payments module would. */
export async function fund(t: PairlyTestApp, user: { id: string }, amount: number): Promise<void> {
  await t.db.executeSql(
    `insert into credit_accounts (id, owner_id, kind, created_at) values ($1, $2, 'spendable', $3)
     on conflict do nothing`,
    [randomUUID(), user.id, t.clock.now()],
  );
  const { rows } = await t.db.executeSql(
    `select credits_post(jsonb_build_array(jsonb_build_object(
       'debit', '00000000-0000-4000-8000-000000000001'::uuid,
       'credit', (select id from credit_accounts where owner_id = $1 and kind = 'spendable'),
       'amount', $2::bigint, 'kind', 'purchase')), null, $3) ->> 'outcome' as outcome`,
    [user.id, amount, t.clock.now()],
  );
  if ((rows[0] as { outcome: string }).outcome !== 'applied') throw new Error('funding failed');
}

/** The user's balances by account kind (0 for an account not opened yet). */
export async function balances(
  t: PairlyTestApp,
  user: { id: string },
): Promise<{ spendable: number; held: number }> {
  const { rows } = await t.db.executeSql('select kind, balance from credit_accounts where owner_id = $1', [
    user.id,
  ]);
  const of = (kind: string) =>
    Number((rows as Array<{ kind: string; balance: number }>).find((r) => r.kind === kind)?.balance ?? 0);
  return { spendable: of('spendable'), held: of('held') };
}

export function sendGift(
  t: PairlyTestApp,
  sender: TestUser,
  payload: Record<string, unknown>,
  key?: string,
): Promise<Response> {
  return keyed(t, sender, { method: 'POST', url: '/gifts', payload, ...(key && { key }) });
}

export function decide(
  t: PairlyTestApp,
  reviewer: TestUser,
  giftId: string,
  decision: 'approve' | 'reject',
  key?: string,
): Promise<Response> {
  return keyed(t, reviewer, {
    method: 'POST',
    url: `/admin/gifts/${giftId}/${decision}`,
    ...(key && { key }),
  });
}

/** Rows of a table about these users, for "nothing else changed" checks. */
export async function count(t: PairlyTestApp, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await t.db.executeSql(sql, params);
  return Number((rows[0] as { n: number }).n);
}

export async function auditActions(
  t: PairlyTestApp,
  actorId: string,
): Promise<Array<Record<string, unknown>>> {
  const { rows } = await t.db.executeSql(
    'select action, target_type, target_id, after from audit_log where actor_id = $1 and action like $2 order by id',
    [actorId, 'gift.%'],
  );
  return rows as Array<Record<string, unknown>>;
}
