// Reporting a message (issue 16): only a participant of the message's conversation may report it (any
// other caller meets the 404 an unknown message gets), never their own message, once per message
// (a repeat answers the first report and counts nothing twice). The report keeps a snapshot of the
// message and the messages before it as they were when reported, and is audited.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { type PairlyTestApp, signUp } from '../support/pairly-client.js';
import { auditOf, buildSafetyTestApp, report, sendMessage } from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildSafetyTestApp({ snapshotContextMessages: 2 });
});
afterAll(async () => t?.close());

const reportRows = async (messageId: string) =>
  (
    await t.db.executeSql(
      'select reporter_id, sender_id, reason, note, status, snapshot from message_reports where message_id = $1',
      [messageId],
    )
  ).rows as Array<Record<string, unknown>>;

describe('reporting a message', () => {
  it('stores a snapshot of the message and the ones before it, as they were, and audits the report', async () => {
    const [fan, creator] = [await signUp(t, 'fan'), await signUp(t, 'creator')];
    const first = await sendMessage(t, fan, creator, 'hi there');
    const second = await sendMessage(t, creator, fan, 'hello fan');
    const third = await sendMessage(t, fan, creator, 'how are you');
    t.clock.advance(1_000);
    const abusive = await sendMessage(t, creator, fan, 'something nasty');
    t.clock.advance(1_000);

    const response = await report(t, fan, abusive.id, { reason: 'harassment', note: 'Rude.' });
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json();
    expect(created).toEqual({
      id: expect.any(String),
      messageId: abusive.id,
      reason: 'harassment',
      note: 'Rude.',
      status: 'open',
      createdAt: t.clock.now().toISOString(),
    });

    // Unsent later: the snapshot keeps what the reporter saw.
    const unsent = await t.app.inject({
      method: 'DELETE',
      url: `/conversations/${abusive.conversationId}/messages/${abusive.id}`,
      headers: creator.headers,
    });
    expect(unsent.statusCode, unsent.body).toBe(200);
    const [row] = await reportRows(abusive.id);
    expect(row).toMatchObject({
      reporter_id: fan.id,
      sender_id: creator.id,
      reason: 'harassment',
      status: 'open',
    });
    expect(row?.snapshot).toEqual({
      conversationId: abusive.conversationId,
      message: {
        id: abusive.id,
        seq: abusive.seq,
        senderId: creator.id,
        body: 'something nasty',
        createdAt: expect.any(String),
      },
      context: [
        {
          id: second.id,
          seq: second.seq,
          senderId: creator.id,
          body: 'hello fan',
          createdAt: expect.any(String),
        },
        {
          id: third.id,
          seq: third.seq,
          senderId: fan.id,
          body: 'how are you',
          createdAt: expect.any(String),
        },
      ],
    });
    expect(first.seq).toBe(1);

    expect(await auditOf(t, abusive.id)).toEqual([
      {
        actor_id: fan.id,
        action: 'message.reported',
        target_type: 'message',
        after: { reportId: created.id, senderId: creator.id, reason: 'harassment' },
      },
    ]);
    expect(t.logs.lines).toContainEqual(
      expect.objectContaining({ event: 'message_reported', reportId: created.id, senderId: creator.id }),
    );
  });

  it('answers a repeat report with the first one (200) and stores one', async () => {
    const [fan, creator] = [await signUp(t, 'fan'), await signUp(t, 'creator')];
    const message = await sendMessage(t, creator, fan);
    const first = await report(t, fan, message.id, { reason: 'spam' });
    expect(first.statusCode).toBe(201);
    t.clock.advance(1_000);
    const again = await report(t, fan, message.id, { reason: 'scam', note: 'changed my mind' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await reportRows(message.id)).toHaveLength(1);
    expect((await auditOf(t, message.id)).map((row) => row.action)).toEqual(['message.reported']);
  });

  it('hides messages of other conversations behind a 404, and refuses your own message', async () => {
    const [fan, creator, outsider] = [
      await signUp(t, 'fan'),
      await signUp(t, 'creator'),
      await signUp(t, 'fan'),
    ];
    const theirs = await sendMessage(t, creator, fan);
    const mine = await sendMessage(t, fan, creator);
    expectProblem(await report(t, outsider, theirs.id), 404, 'message_not_found');
    expectProblem(await report(t, outsider, randomUUID()), 404, 'message_not_found');
    expectProblem(await report(t, fan, mine.id), 400, 'report_own_message', '/params/messageId');
    expect(await reportRows(theirs.id)).toEqual([]);
    expect(await reportRows(mine.id)).toEqual([]);
  });

  it('refuses malformed reports with a 400 naming the field', async () => {
    const [fan, creator] = [await signUp(t, 'fan'), await signUp(t, 'creator')];
    const message = await sendMessage(t, creator, fan);
    expectProblem(await report(t, fan, 'not-a-uuid'), 400, undefined, '/params/messageId');
    for (const payload of [
      {},
      { reason: 'rude' },
      { reason: 'spam', note: '' },
      { reason: 'spam', note: 'x'.repeat(501) },
      { reason: 'spam', extra: true },
    ]) {
      expectProblem(await report(t, fan, message.id, payload), 400);
    }
    expect(await reportRows(message.id)).toEqual([]);
  });

  it('is for fans and creators: staff meet 403, anonymous callers 401', async () => {
    const [fan, creator] = [await signUp(t, 'fan'), await signUp(t, 'creator')];
    const message = await sendMessage(t, creator, fan);
    for (const role of ['moderator', 'finance', 'readonly', 'admin'] as const) {
      expectProblem(await report(t, await signUp(t, role), message.id), 403, 'permission_denied');
    }
    const anonymous = await t.app.inject({
      method: 'POST',
      url: `/messages/${message.id}/reports`,
      payload: { reason: 'spam' },
    });
    expectProblem(anonymous, 401);
  });
});
