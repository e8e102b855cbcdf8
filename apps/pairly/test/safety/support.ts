// Test support for safety: a test app with a short report window (so tests can step past it with the
// fake clock while tokens stay valid) where every reporter counts however new their account,
// messages between users sent through messaging's REST routes, the calls a client makes to block,
// report and moderate, and the safety service over the app's database (what messaging and presence ask).
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createBlocks } from '../../src/modules/safety/blocks.js';
import type { SafetyOptions } from '../../src/modules/safety/options.js';
import { createRestrictions } from '../../src/modules/safety/restrictions.js';
import { safetyDb } from '../../src/modules/safety/tables.js';
import {
  buildPairlyTestApp,
  type PairlyTestApp,
  type Response,
  type TestUser,
} from '../support/pairly-client.js';

export const WINDOW_MS = 60_000;

export function buildSafetyTestApp(safety: Partial<SafetyOptions> = {}): Promise<PairlyTestApp> {
  return buildPairlyTestApp(
    {
      safety: {
        autoRestrictAfterReports: 3,
        reportWindowMs: WINDOW_MS,
        minReporterAccountAgeMs: 0,
        ...safety,
      },
    },
    { env: { ACCESS_TOKEN_TTL_SECONDS: '1800' } },
  );
}

const conversations = new Map<string, string>();

/**
 * The conversation between two users, opened by `one` through messaging on first use (later, a block
 * or a restriction would refuse opening it again).
 */
async function conversationOf(t: PairlyTestApp, one: TestUser, other: TestUser): Promise<string> {
  const pair = [one.id, other.id].sort().join(':');
  const known = conversations.get(pair);
  if (known) return known;
  const response = await post(t, one, '/conversations', { userId: other.id });
  expect(response.statusCode, response.body).toBe(201);
  conversations.set(pair, response.json().id);
  return response.json().id;
}

/** `sender` writes to `recipient` through messaging's REST route (free: nobody sets a price here). */
export async function sendMessage(
  t: PairlyTestApp,
  sender: TestUser,
  recipient: TestUser,
  body = `hello ${randomUUID()}`,
): Promise<{ id: string; seq: number; conversationId: string }> {
  const response = await trySend(t, sender, recipient, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** The answer to `sender` writing to `recipient`, whatever it is. */
export async function trySend(
  t: PairlyTestApp,
  sender: TestUser,
  recipient: TestUser,
  body = 'hi',
): Promise<Response> {
  const conversationId = await conversationOf(t, recipient, sender);
  return post(t, sender, `/conversations/${conversationId}/messages`, {
    clientMessageId: randomUUID(),
    body,
  });
}

export const report = (
  t: PairlyTestApp,
  reporter: TestUser,
  messageId: string,
  payload: object = { reason: 'harassment' },
): Promise<Response> =>
  t.app.inject({
    method: 'POST',
    url: `/messages/${messageId}/reports`,
    headers: reporter.headers,
    payload,
  });

export async function reported(
  t: PairlyTestApp,
  reporter: TestUser,
  messageId: string,
  reason = 'harassment',
) {
  const response = await report(t, reporter, messageId, { reason });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; status: string };
}

export const block = (t: PairlyTestApp, user: TestUser, userId: string): Promise<Response> =>
  t.app.inject({ method: 'POST', url: '/blocks', headers: user.headers, payload: { userId } });

export const get = (t: PairlyTestApp, user: TestUser, url: string): Promise<Response> =>
  t.app.inject({ method: 'GET', url, headers: user.headers });

export const post = (t: PairlyTestApp, user: TestUser, url: string, payload?: object): Promise<Response> =>
  t.app.inject({ method: 'POST', url, headers: user.headers, ...(payload && { payload }) });

/** The safety service's blocks and restrictions over the test app's database (what other modules ask). */
export function safetyOf(t: PairlyTestApp) {
  const db = safetyDb(t.db);
  return { blocks: createBlocks(db, t.clock), restrictions: createRestrictions(t.db, db, t.clock) };
}

/** The audit rows about a target, oldest first. */
export async function auditOf(t: PairlyTestApp, targetId: string) {
  const { rows } = await t.db.executeSql(
    'select actor_id, action, target_type, after from audit_log where target_id = $1 order by id',
    [targetId],
  );
  return rows as Array<{
    actor_id: string | null;
    action: string;
    target_type: string;
    after: Record<string, unknown>;
  }>;
}
