// Test support for messaging: a fan and a creator (and a finance member who grants credits), a
// conversation between them, a creator's price, sending over REST, and reading what a message
// left behind (messages stored, balances), and WebSocket clients on the app's real port — all
// through the app as a client would, except the counts, which read the database.
import type { AddressInfo } from 'node:net';
import {
  type Frame,
  openRealtimeClient,
  type RealtimeTestClient,
  type TestAppOptions,
} from '@app/platform/testing';
import { expect } from 'vitest';
import type { PairlyAppOptions } from '../../src/app.js';
import { balanceOf, grant } from '../credits/http-support.js';
import {
  buildPairlyTestApp,
  type PairlyTestApp,
  type Response,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';

export { expectProblem } from '../credits/http-support.js';
export { balanceOf, grant };

export interface Cast {
  fan: TestUser;
  creator: TestUser;
  finance: TestUser;
}

/**
 * The app with a 20 % message fee and frame budgets out of the way of tests that send many frames
 * quickly (they run on real time); `testOptions.peerOf` makes it a second instance of another.
 */
export function buildMessagingTestApp(
  messaging: PairlyAppOptions['messaging'] = {},
  testOptions: TestAppOptions = {},
): Promise<PairlyTestApp> {
  return buildPairlyTestApp(
    {
      credits: { messageFeeBps: 2_000 },
      messaging,
      realtime: { connectionRate: { limit: 10_000 }, userRate: { limit: 10_000 } },
    },
    testOptions,
  );
}

export async function cast(t: PairlyTestApp): Promise<Cast> {
  const [fan, creator, finance] = await Promise.all([
    signUp(t, 'fan'),
    signUp(t, 'creator'),
    signUp(t, 'finance'),
  ]);
  return { fan, creator, finance };
}

export async function openConversation(t: PairlyTestApp, user: TestUser, peer: TestUser): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/conversations',
    headers: user.headers,
    payload: { userId: peer.id },
  });
  expect([200, 201], response.body).toContain(response.statusCode);
  return response.json().id;
}

export interface Pair {
  fan: TestUser;
  creator: TestUser;
  conversationId: string;
}

/** A new fan and creator (charging `price` per message, 0 = free) and their conversation. */
export async function pair(t: PairlyTestApp, price = 0): Promise<Pair> {
  const [fan, creator] = await Promise.all([signUp(t, 'fan'), signUp(t, 'creator')]);
  if (price > 0) await setPrice(t, creator, price);
  return { fan, creator, conversationId: await openConversation(t, fan, creator) };
}

/** Changes the user's messaging settings (price, read receipts) as the settings route does. */
export async function updateSettings(
  t: PairlyTestApp,
  user: TestUser,
  payload: { messagePrice?: number; readReceipts?: boolean },
): Promise<void> {
  const response = await t.app.inject({
    method: 'PUT',
    url: '/messaging/settings',
    headers: user.headers,
    payload,
  });
  expect(response.statusCode, response.body).toBe(200);
}

export function setPrice(t: PairlyTestApp, creator: TestUser, messagePrice: number): Promise<void> {
  return updateSettings(t, creator, { messagePrice });
}

export function sendRest(
  t: PairlyTestApp,
  user: TestUser,
  conversationId: string,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: `/conversations/${conversationId}/messages`,
    headers: { ...user.headers, ...headers },
    payload,
  });
}

export async function history(
  t: PairlyTestApp,
  user: TestUser,
  conversationId: string,
  query = '',
): Promise<Response> {
  return t.app.inject({
    method: 'GET',
    url: `/conversations/${conversationId}/messages${query}`,
    headers: user.headers,
  });
}

/** How many messages a conversation holds (unsent ones included). */
export async function messageCount(t: PairlyTestApp, conversationId: string): Promise<number> {
  const { rows } = await t.db.executeSql(
    'select count(*)::int as n from messages where conversation_id = $1',
    [conversationId],
  );
  return (rows[0] as { n: number }).n;
}

/** Starts the app on a real port (for WebSocket clients); answers the realtime URL. */
export async function listen(t: PairlyTestApp): Promise<string> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/realtime`;
}

const opened: RealtimeTestClient[] = [];

/** A socket authenticated as the user (terminated by `terminateClients`). */
export async function connect(url: string, user: TestUser): Promise<RealtimeTestClient> {
  const client = await openRealtimeClient(url, { token: user.accessToken });
  opened.push(client);
  return client;
}

/** Drops every socket the tests opened, as a lost network would (afterEach). */
export function terminateClients(): void {
  for (const client of opened.splice(0)) client.socket.terminate();
}

/** The `message.new` events a client received for a conversation, in arrival order. */
export function messagesReceived(client: RealtimeTestClient, conversationId: string): Frame[] {
  return client.frames.filter(
    (frame) => frame.type === 'message.new' && frame.stream === `conv:${conversationId}`,
  );
}
