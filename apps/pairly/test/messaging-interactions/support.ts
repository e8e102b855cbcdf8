// Test support for message interactions: an app with the interaction options a test needs, a fan
// and a creator in a conversation with messages sent over REST (messaging's own routes), and the
// receipts, unsend and hide requests as a client makes them. Builds on messaging's test support
// (users, conversations, sending, WebSocket clients on a real port).
import { expect } from 'vitest';
import type { PairlyAppOptions } from '../../src/app.js';
import type { InteractionOptions } from '../../src/modules/messaging/interactions/options.js';
import type { MessagingOptions } from '../../src/modules/messaging/options.js';
import { sendRest, updateSettings } from '../messaging/support.js';
import {
  buildPairlyTestApp,
  type PairlyTestApp,
  type Response,
  type TestUser,
} from '../support/pairly-client.js';

export {
  balanceOf,
  connect,
  expectProblem,
  grant,
  history,
  listen,
  type Pair,
  pair,
  terminateClients,
} from '../messaging/support.js';

export type InteractionTestOptions = Partial<MessagingOptions & InteractionOptions>;

/** Frame rates high enough for a test's bursts (the defaults allow 20 frames per 10 s per socket). */
const ROOMY_RATES: PairlyAppOptions['realtime'] = {
  connectionRate: { limit: 1_000, periodMs: 1_000 },
  userRate: { limit: 1_000, periodMs: 1_000 },
};

export function buildInteractionsTestApp(messaging: InteractionTestOptions = {}): Promise<PairlyTestApp> {
  return buildPairlyTestApp({ credits: { messageFeeBps: 2_000 }, messaging, realtime: ROOMY_RATES });
}

export interface SentMessage {
  id: string;
  seq: number;
  body: string | null;
}

/** Sends `count` messages from the user over REST, in order; answers them. */
export async function sendMessages(
  t: PairlyTestApp,
  user: TestUser,
  conversationId: string,
  count: number,
): Promise<SentMessage[]> {
  const sent: SentMessage[] = [];
  for (let index = 0; index < count; index++) {
    const response = await sendRest(t, user, conversationId, {
      clientMessageId: crypto.randomUUID(),
      body: `message ${index + 1}`,
    });
    expect(response.statusCode, response.body).toBe(201);
    sent.push(response.json());
  }
  return sent;
}

export function postReceipts(
  t: PairlyTestApp,
  user: TestUser,
  conversationId: string,
  payload: Record<string, unknown>,
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: `/conversations/${conversationId}/receipts`,
    headers: user.headers,
    payload,
  });
}

export interface ReceiptsView {
  conversationId: string;
  lastSeq: number;
  own: { delivered: number; read: number };
  peer: { userId: string; delivered: number; read: number | null };
}

export async function getReceipts(
  t: PairlyTestApp,
  user: TestUser,
  conversationId: string,
): Promise<ReceiptsView> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/conversations/${conversationId}/receipts`,
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

export function unsend(
  t: PairlyTestApp,
  user: TestUser,
  conversationId: string,
  messageId: string,
): Promise<Response> {
  return t.app.inject({
    method: 'DELETE',
    url: `/conversations/${conversationId}/messages/${messageId}`,
    headers: user.headers,
  });
}

export function hide(
  t: PairlyTestApp,
  user: TestUser,
  conversationId: string,
  messageId: string,
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: `/conversations/${conversationId}/messages/${messageId}/hide`,
    headers: user.headers,
  });
}

/** Turns the user's read receipts on or off (messaging's settings route). */
export function setReadReceipts(t: PairlyTestApp, user: TestUser, readReceipts: boolean): Promise<void> {
  return updateSettings(t, user, { readReceipts });
}
