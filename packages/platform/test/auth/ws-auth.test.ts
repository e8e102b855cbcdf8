// WebSocket authentication on a real port, seen from a `ws` client of /ws/:userId: the first message
// must be an auth message with a valid access token of that user, within the deadline. Success
// answers auth_ok and the connection works; each failure closes with its own code (4400 protocol,
// 4401 invalid or revoked token, 4403 another user, 4408 too slow) and the socket is never usable.
// The options the realtime gateway uses are checked on a socket double: a token presented in the
// upgrade (no auth frame awaited), fields added to auth_ok by `accept` (1013 when it fails), and the
// frames a client pipelined behind its auth frame, handed over in order.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { authenticateConnection, authenticateSocket, WS_CLOSE } from '../../src/auth/ws-auth.js';
import { identityMigrations } from '../../src/index.js';
import { createKeyValueStore } from '../../src/kv/index.js';
import { buildTestApp, createTestDatabase, type TestApp } from '../../src/testing/index.js';
import { built, identityApp } from '../fixtures/identity-app.js';
import { bearer, signUp, type TestUser } from '../fixtures/identity-client.js';
import { anotherSessionService } from '../fixtures/session-instance.js';

interface Client {
  socket: WebSocket;
  /** Every text frame received, in order. */
  received: string[];
  nextMessage(): Promise<string>;
  closed: Promise<{ code: number; reason: string }>;
}

let t: TestApp;
let origin: string;
let alice: TestUser;
let bob: TestUser;
let start: Date;
let goneDb: Awaited<ReturnType<typeof createTestDatabase>>;
const open: WebSocket[] = [];

beforeAll(async () => {
  t = await buildTestApp(identityApp);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  origin = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  alice = await signUp(t);
  bob = await signUp(t);
  start = t.clock.now();
  // A database that is gone, for item 22: made here, under the hook's longer timeout, as creating a
  // database on a busy PostgreSQL server can take longer than a test may.
  goneDb = await createTestDatabase([identityMigrations]);
  await goneDb.close();
});
afterEach(() => {
  t.clock.set(start);
  for (const socket of open.splice(0)) socket.terminate();
});
afterAll(async () => t?.close());

async function connect(userId: string): Promise<Client> {
  const socket = new WebSocket(`${origin}/ws/${userId}`);
  open.push(socket);
  const received: string[] = [];
  const waiting: ((message: string) => void)[] = [];
  socket.on('message', (data) => {
    const message = String(data);
    received.push(message);
    waiting.shift()?.(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let seen = 0;
  return {
    socket,
    received,
    closed,
    nextMessage: () => {
      const index = seen++;
      const already = received[index];
      return already !== undefined
        ? Promise.resolve(already)
        : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

const authMessage = (token: string) => JSON.stringify({ type: 'auth', token });

describe('WebSocket authentication', () => {
  it('answers auth_ok to a valid token of the same user, then the connection works', async () => {
    const client = await connect(alice.id);
    client.socket.send(authMessage(alice.accessToken));
    expect(JSON.parse(await client.nextMessage())).toEqual({ type: 'auth_ok' });

    client.socket.send('hello');
    expect(await client.nextMessage()).toBe('echo:hello');
    client.socket.send('again');
    expect(await client.nextMessage()).toBe('echo:again');
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes with 4403 when the token belongs to another user than the URL claims', async () => {
    const client = await connect(bob.id);
    client.socket.send(authMessage(alice.accessToken));
    const { code } = await client.closed;
    expect(code).toBe(4403);
    expect(code).toBe(WS_CLOSE.userMismatch);
    expect(client.received).toEqual([]);
  });

  it.each([
    ['garbage', 'garbage'],
    ['a JWT-shaped forgery', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
    ['an empty token', ''],
  ])('closes with 4401 for %s as the token', async (_case, token) => {
    const client = await connect(alice.id);
    client.socket.send(authMessage(token));
    expect((await client.closed).code).toBe(4401);
    expect(client.received).toEqual([]);
  });

  it('closes with 4401 for a token whose payload was edited', async () => {
    const [header, , signature] = alice.accessToken.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(alice.accessToken), sub: bob.id })).toString(
      'base64url',
    );
    const client = await connect(bob.id);
    client.socket.send(authMessage(`${header}.${payload}.${signature}`));
    expect((await client.closed).code).toBe(4401);
    expect(client.received).toEqual([]);
  });

  it('closes with 4401 for an expired token', async () => {
    const { exp } = decodeJwt(alice.accessToken);
    t.clock.set(new Date(((exp as number) + t.config.auth.clockSkewSeconds + 1) * 1000));
    const client = await connect(alice.id);
    client.socket.send(authMessage(alice.accessToken));
    expect((await client.closed).code).toBe(4401);
  });

  it.each([
    ['plain text', 'hello'],
    ['JSON of another type', JSON.stringify({ type: 'subscribe', token: 'x' })],
    ['an auth message without a token', JSON.stringify({ type: 'auth' })],
    ['an auth message with a non-string token', JSON.stringify({ type: 'auth', token: 42 })],
  ])('closes with 4400 when the first message is %s', async (_case, message) => {
    const client = await connect(alice.id);
    client.socket.send(message);
    expect((await client.closed).code).toBe(4400);
    expect(client.received).toEqual([]);
  });

  it('does not accept a valid auth message after a wrong first message', async () => {
    const client = await connect(alice.id);
    client.socket.send('hello');
    client.socket.send(authMessage(alice.accessToken));
    expect((await client.closed).code).toBe(4400);
    expect(client.received).toEqual([]);
  });

  it('closes with 4408 when no message arrives within 500 ms', async () => {
    // 4408 is the auth time-out's own code: it names which limit closed the socket (item 20: no
    // elapsed time is asserted).
    const client = await connect(alice.id);
    expect((await client.closed).code).toBe(4408);
    expect(client.received).toEqual([]);
  });

  it('closes with 4401 for the token of a session that was logged out', async () => {
    const session = await signUp(t);
    const logout = await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(session) });
    expect(logout.statusCode).toBe(204);
    const client = await connect(session.id);
    client.socket.send(authMessage(session.accessToken));
    expect((await client.closed).code).toBe(4401);
    expect(client.received).toEqual([]);
  });

  it('item 22: closes with 1013 (try again later), not 4401, when the session cannot be checked', async () => {
    // An instance whose key-value store knows nothing and whose database is gone.
    const kv = await createKeyValueStore();
    const sessions = anotherSessionService({ ...t, db: goneDb }, kv);
    const socket = Object.assign(new EventEmitter(), {
      sent: [] as string[],
      closedWith: undefined as { code: number; reason: string } | undefined,
      send(data: string) {
        this.sent.push(data);
      },
      close(code: number, reason: string) {
        this.closedWith = { code, reason };
      },
    });
    const tokens = built.identity?.tokens as NonNullable<typeof built.identity>['tokens'];
    const authenticated = authenticateConnection(socket, { tokens, sessions, claimedUserId: alice.id });
    socket.emit('message', authMessage(alice.accessToken));
    expect(await authenticated).toBeNull();
    expect(socket.closedWith?.code).toBe(WS_CLOSE.tryAgainLater);
    expect(socket.sent).toEqual([]);
    await kv.close();
  });
});

/** A socket double: an EventEmitter recording what is sent, whether it is paused, and its close. */
function socketDouble() {
  return Object.assign(new EventEmitter(), {
    sent: [] as string[],
    paused: false,
    closedWith: undefined as { code: number; reason: string } | undefined,
    send(data: string) {
      this.sent.push(data);
    },
    close(code: number, reason: string) {
      this.closedWith = { code, reason };
    },
    pause() {
      this.paused = true;
    },
    resume() {
      this.paused = false;
    },
  });
}

describe('WebSocket authentication options of the realtime gateway', () => {
  const services = () => {
    const identity = built.identity as NonNullable<typeof built.identity>;
    return { tokens: identity.tokens, sessions: identity.sessions };
  };

  it('checks a token presented in the upgrade at once, with no auth frame', async () => {
    const socket = socketDouble();
    const result = await authenticateSocket(socket, { ...services(), token: alice.accessToken });
    expect(result?.context.userId).toBe(alice.id);
    expect(socket.sent.map((data) => JSON.parse(data))).toEqual([{ type: 'auth_ok' }]);
    expect(socket.paused).toBe(false);
  });

  it('closes 4401 for a bad token presented in the upgrade', async () => {
    const socket = socketDouble();
    expect(await authenticateSocket(socket, { ...services(), token: 'not-a-token' })).toBeNull();
    expect(socket.closedWith?.code).toBe(WS_CLOSE.unauthenticated);
    expect(socket.sent).toEqual([]);
  });

  it("adds accept's fields to auth_ok and hands over the frames sent behind the auth frame", async () => {
    const socket = socketDouble();
    let pausedDuringAccept = false;
    const authenticated = authenticateSocket(socket, {
      ...services(),
      accept: async (context) => {
        pausedDuringAccept = socket.paused;
        socket.emit('message', 'second', false);
        return { connectionId: 'c1', userId: context.userId };
      },
    });
    socket.emit('message', authMessage(alice.accessToken), false);
    socket.emit('message', 'first', false);
    const result = await authenticated;
    expect(pausedDuringAccept).toBe(true);
    expect(socket.paused).toBe(false);
    expect(JSON.parse(socket.sent[0] as string)).toEqual({
      type: 'auth_ok',
      connectionId: 'c1',
      userId: alice.id,
    });
    expect(result?.early).toEqual([
      { data: 'first', isBinary: false },
      { data: 'second', isBinary: false },
    ]);
    expect(socket.listenerCount('message')).toBe(0);
  });

  it('closes 1013 and sends no auth_ok when accept fails', async () => {
    const socket = socketDouble();
    const result = authenticateSocket(socket, {
      ...services(),
      token: alice.accessToken,
      accept: async () => {
        throw new Error('subscription failed');
      },
    });
    expect(await result).toBeNull();
    expect(socket.closedWith?.code).toBe(WS_CLOSE.tryAgainLater);
    expect(socket.sent).toEqual([]);
  });
});
