// The request/response protocol on a real port: auth_ok names the connection and the heartbeat; a
// handler's answer is a reply frame; an unknown type, invalid fields, a handler's AppError and a
// crash each become their error frame (the crash logged, never reaching the client) and the socket
// keeps working; the connection objects modules see (connectionsOf, onConnect, onDisconnect); and
// the AsyncAPI document generated from the registered frames and events.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestUser } from '../fixtures/identity-client.js';
import { logsOf, type RealtimeInstance, startRealtimeApp, terminateClients } from './harness.js';

let rt: RealtimeInstance;
let alice: TestUser;

beforeAll(async () => {
  rt = await startRealtimeApp();
  alice = await rt.signUp();
});
afterEach(terminateClients);
afterAll(async () => rt?.t.close());

describe('realtime frames', () => {
  it('answers auth_ok with the connection id and heartbeat, then replies to a request', async () => {
    const client = await rt.connect(alice);
    const authOk = client.frames.find((frame) => frame.type === 'auth_ok');
    expect(authOk).toMatchObject({ heartbeatMs: 25_000, maxMessageBytes: 16 * 1024 });
    expect(String(authOk?.connectionId)).toMatch(new RegExp(`^${rt.gateway.instanceId}-`));

    const reply = await client.request('echo', { text: 'hello' });
    expect(reply).toEqual({ type: 'reply', id: reply.id, data: { text: 'hello' } });
  });

  it('answers unknown types and invalid fields with error frames, and keeps the socket', async () => {
    const client = await rt.connect(alice);
    expect(await client.request('nope')).toMatchObject({ type: 'error', code: 'unknown_type', status: 400 });
    const invalid = await client.request('echo', { text: 42 });
    expect(invalid).toMatchObject({ type: 'error', code: 'invalid_frame', status: 400 });
    expect(invalid.fields).toEqual([{ path: '/frame/text', message: 'must be string' }]);
    expect(await client.request('echo', { text: 'x', extra: true })).toMatchObject({ code: 'invalid_frame' });

    client.sendRaw('not json');
    client.sendRaw(JSON.stringify([1, 2]));
    client.sendRaw(JSON.stringify({ id: 'no-type' }));
    client.sendRaw(Buffer.from([1, 2, 3]));
    await vi.waitFor(() =>
      expect(client.frames.filter((frame) => frame.code === 'invalid_frame')).toHaveLength(6),
    );
    expect(client.frames.find((frame) => frame.id === 'no-type')).toMatchObject({ code: 'invalid_frame' });
    expect((await client.request('echo', { text: 'still here' })).data).toEqual({ text: 'still here' });
  });

  it("turns a handler's AppError into its error frame and a crash into a logged internal error", async () => {
    const client = await rt.connect(alice);
    expect(await client.request('fail', { kind: 'conflict' })).toMatchObject({
      type: 'error',
      code: 'already_done',
      status: 409,
      detail: 'It was already done.',
    });
    const crash = await client.request('fail', { kind: 'crash' });
    expect(crash).toMatchObject({ type: 'error', code: 'internal', status: 500 });
    const hidden = await client.request('fail', { kind: 'hidden' });
    expect(hidden).toMatchObject({ code: 'internal', status: 500 });
    expect(JSON.stringify(hidden)).not.toContain('password');
    await vi.waitFor(() => expect(logsOf(rt, 'ws_handler_failed')).toHaveLength(2));
    expect((await client.request('echo', { text: 'alive' })).data).toEqual({ text: 'alive' });
  });

  it('handles frames pipelined behind the auth frame, in order', async () => {
    const client = await rt.connect();
    client.sendRaw(JSON.stringify({ type: 'auth', token: alice.accessToken }));
    for (const n of [1, 2, 3]) client.sendRaw(JSON.stringify({ type: 'echo', id: `p${n}`, text: `${n}` }));
    await client.next((frame) => frame.id === 'p3');
    expect(client.frames.map((frame) => frame.type)).toEqual(['auth_ok', 'reply', 'reply', 'reply']);
    expect(client.frames.slice(1).map((frame) => frame.id)).toEqual(['p1', 'p2', 'p3']);
  });

  it('lists connections of a user, tracks stream positions, and tells listeners of connect and disconnect', async () => {
    const bob = await rt.signUp();
    const first = await rt.connect(bob);
    const second = await rt.connect(bob);
    const connections = rt.gateway.connectionsOf(bob.id);
    expect(connections.map((connection) => connection.userId)).toEqual([bob.id, bob.id]);
    expect(connections[0]?.sessionId).toBe(bob.sessionId);
    await vi.waitFor(() => expect(rt.fixture.connected).toContain(connections[1]?.id));

    const metrics = await rt.t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(new RegExp(`^realtime_connections\\{[^}]*\\} ${rt.gateway.size}$`, 'm'));

    const [connection] = connections;
    if (!connection) throw new Error('no connection');
    expect(connection.lastSeq('fx:a')).toBeUndefined();
    connection.markSeen('fx:a', 5);
    connection.markSeen('fx:a', 3);
    expect(connection.lastSeq('fx:a')).toBe(5);

    await first.close();
    await vi.waitFor(() =>
      expect(rt.fixture.disconnected).toContainEqual({ connectionId: connection.id, code: 1000 }),
    );
    expect(rt.gateway.connectionsOf(bob.id)).toHaveLength(1);
    await vi.waitFor(() =>
      expect(logsOf(rt, 'ws_disconnect').find((line) => line.connectionId === connection.id)).toMatchObject({
        code: 1000,
        userId: bob.id,
        framesIn: 0,
      }),
    );
    await second.close();
    await vi.waitFor(() => expect(rt.gateway.connectionsOf(bob.id)).toHaveLength(0));
  });

  it('delivers an event published to a user to each of their sockets, and to no one else', async () => {
    const bob = await rt.signUp();
    const [a1, a2, b] = await Promise.all([rt.connect(alice), rt.connect(alice), rt.connect(bob)]);
    await rt.gateway.publishToUsers([alice.id], { type: 'nudge', delivery: 'ephemeral', payload: { n: 1 } });
    for (const client of [a1, a2])
      expect(await client.next((frame) => frame.type === 'nudge')).toMatchObject({ n: 1 });
    const reply = await b.request('echo', { text: 'sync' });
    expect(reply.type).toBe('reply');
    expect(b.frames.some((frame) => frame.type === 'nudge')).toBe(false);
  });
});

describe('AsyncAPI document', () => {
  it('is served publicly next to the OpenAPI one and lists the registered handlers and events', async () => {
    const response = await rt.t.app.inject({ method: 'GET', url: '/docs/asyncapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    const document = JSON.parse(response.body);
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.channels.realtime.address).toBe('/realtime');
    const messages = document.channels.realtime.messages;
    expect(messages['client.echo']).toMatchObject({ name: 'echo', summary: 'Answers the text it was sent.' });
    expect(messages['client.echo'].payload.allOf[1].properties.text.type).toBe('string');
    expect(messages['client.note'].summary).toContain('Appends a note');
    expect(messages['server.note'].summary).toContain('(durable)');
    expect(messages['server.nudge'].summary).toContain('(ephemeral)');
    const refs = (operation: string) =>
      document.operations[operation].messages.map((message: { $ref: string }) =>
        message.$ref.split('/').at(-1),
      );
    expect(refs('receiveClientFrames')).toEqual(['client.auth', 'client.echo', 'client.fail', 'client.note']);
    expect(refs('sendServerFrames')).toEqual([
      'server.auth_ok',
      'server.reply',
      'server.error',
      'server.note',
      'server.nudge',
    ]);
    expect(document.info.description).toContain('4008 slowConsumer');
  });
});
