// Shared set-up of the gateway tests: an instance of the realtime fixture app listening on a real
// port (optionally a second instance of the same deployment), users signed up through the real
// routes, and clients connected with their token.
import type { AddressInfo } from 'node:net';
import type { RealtimeGateway, RealtimeOptionsInput } from '../../src/index.js';
import {
  buildTestApp,
  openRealtimeClient,
  type RealtimeClientOptions,
  type RealtimeTestClient,
  type TestApp,
} from '../../src/testing/index.js';
import { signUp, type TestUser } from '../fixtures/identity-client.js';
import { type RealtimeFixture, realtimeFixture } from '../fixtures/realtime-app.js';

export interface RealtimeInstance {
  t: TestApp;
  fixture: RealtimeFixture;
  gateway: RealtimeGateway;
  /** ws://127.0.0.1:<port>/realtime */
  url: string;
  /** Opens a client; with a user, authenticated by its first frame. */
  connect(user?: TestUser, options?: RealtimeClientOptions): Promise<RealtimeTestClient>;
  signUp(): Promise<TestUser>;
}

const opened: RealtimeTestClient[] = [];

/** The instance's log lines of one event, oldest first. */
export function logsOf(rt: RealtimeInstance, event: string): Record<string, unknown>[] {
  return rt.t.logs.lines.filter((line) => line.event === event);
}

/** Terminates every client the tests opened (afterEach). */
export function terminateClients(): void {
  for (const client of opened.splice(0)) client.socket.terminate();
}

export async function startRealtimeApp(
  options: RealtimeOptionsInput = {},
  setup: { peerOf?: RealtimeInstance; env?: Record<string, string> } = {},
): Promise<RealtimeInstance> {
  const fixture = realtimeFixture(options, setup.peerOf?.fixture.streams);
  const peer = setup.peerOf?.t;
  // A peer shares the deployment's secrets (buildTestApp), so a token one issued is valid on the other.
  const t = await buildTestApp(fixture.definition, {
    ...(peer ? { peerOf: peer } : {}),
    ...(setup.env ? { env: setup.env } : {}),
  });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/realtime`;
  const gateway = fixture.gateway as RealtimeGateway;
  return {
    t,
    fixture,
    gateway,
    url,
    async connect(user, clientOptions = {}) {
      const client = await openRealtimeClient(url, {
        ...(user ? { token: user.accessToken } : {}),
        ...clientOptions,
      });
      opened.push(client);
      return client;
    },
    signUp: () => signUp(t),
  };
}
