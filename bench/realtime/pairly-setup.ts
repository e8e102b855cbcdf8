// Owns setting up the pairly server for bench/realtime through its public HTTP API, as clients
// would: users signed up (fans and creators), creators' message price set, conversations opened by
// the fans; fans' credits granted through the bench server's POST /bench/fund (the credits service,
// as a purchase), and read back afterwards to check each message was charged exactly once.
// Nothing here is measured.
import { BENCH_TOKEN_HEADER, FUND_PATH } from './bench-routes.js';
import { inBatches } from './load.js';

export interface BenchUser {
  id: string;
  role: 'fan' | 'creator';
  accessToken: string;
}

const PASSWORD = 'bench password that is long enough 42';
const SETUP_CONCURRENCY = 8;

async function call<T>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; expect: number },
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  if (response.status !== options.expect) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Signs up `count` users of one role, `SETUP_CONCURRENCY` at a time. */
export function signUpUsers(
  baseUrl: string,
  role: BenchUser['role'],
  count: number,
  emailPrefix: string,
): Promise<BenchUser[]> {
  return inBatches(count, SETUP_CONCURRENCY, async (index) => {
    const body = await call<{ user: { id: string }; accessToken: string }>(baseUrl, 'POST', '/auth/signup', {
      body: { email: `${emailPrefix}-${role}-${index}@example.com`, password: PASSWORD, role },
      expect: 201,
    });
    return { id: body.user.id, role, accessToken: body.accessToken };
  });
}

/** Grants each user `amount` credits (a purchase through the credits service). */
export async function fund(baseUrl: string, benchToken: string, users: readonly BenchUser[], amount: number) {
  const chunk = 100;
  for (let start = 0; start < users.length; start += chunk) {
    await call(baseUrl, 'POST', FUND_PATH, {
      body: { userIds: users.slice(start, start + chunk).map((user) => user.id), amount },
      headers: { [BENCH_TOKEN_HEADER]: benchToken },
      expect: 200,
    });
  }
}

/** A creator's price per message (PUT /messaging/settings). */
export async function setMessagePrice(
  baseUrl: string,
  creator: BenchUser,
  messagePrice: number,
): Promise<void> {
  await call(baseUrl, 'PUT', '/messaging/settings', {
    body: { messagePrice },
    token: creator.accessToken,
    expect: 200,
  });
}

/** Opens the conversation of a fan with a creator (POST /conversations); resolves with its id. */
export async function openConversation(baseUrl: string, fan: BenchUser, creator: BenchUser): Promise<string> {
  const body = await call<{ id: string }>(baseUrl, 'POST', '/conversations', {
    body: { userId: creator.id },
    token: fan.accessToken,
    expect: 201,
  });
  return body.id;
}

/** Credits these users have spent since they were funded with `opening` each (GET /credits/balance). */
export async function spentSince(
  baseUrl: string,
  users: readonly BenchUser[],
  opening: number,
): Promise<number> {
  const balances = await inBatches(users.length, SETUP_CONCURRENCY, (index) =>
    call<{ spendable: number }>(baseUrl, 'GET', '/credits/balance', {
      token: (users[index] as BenchUser).accessToken,
      expect: 200,
    }),
  );
  return balances.reduce((spent, balance) => spent + opening - balance.spendable, 0);
}
