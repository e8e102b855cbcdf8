// Owns assembling the WebSocket gateway of one app instance (docs/realtime.md): @fastify/websocket
// (registered once, with the frame size cap and the subprotocol rule), the `GET /realtime` route
// behind the upgrade checks, authentication of each socket, the index of authenticated sockets with
// the per-user cap, ping rounds, cross-instance fan-out, session revocation, the resync after the
// key-value store restored its subscriptions, the open-socket gauge, the AsyncAPI document, and an
// orderly shutdown (1001 to every socket, terminated if it does not close within a second).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import websocket from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import type WebSocket from 'ws';
import type { Identity } from '../auth/identity.js';
import { authenticateSocket, ConnectionRefused } from '../auth/ws-auth.js';
import type { PlatformServer, ServerDependencies } from '../http/server.js';
import { createMessageLimiter } from '../ratelimit/message-limiter.js';
import { systemClock } from '../time/clock.js';
import { asyncApiDocument, registerAsyncApiRoute } from './asyncapi.js';
import { createCatalog } from './catalog.js';
import { createConnection, type LiveConnection } from './connection.js';
import { createConnectionIndex } from './connections.js';
import { createDispatcher } from './dispatch.js';
import { createFanout } from './fanout.js';
import { type RealtimeOptionsInput, resolveRealtimeOptions } from './options.js';
import { bearerToken, offeredProtocols, REALTIME_CLOSE } from './protocol.js';
import { watchSessions } from './session-watch.js';
import type { RealtimeConnection, RealtimeGateway, StreamSource } from './types.js';
import { selectProtocol, upgradeGuard } from './upgrade.js';

const SHUTDOWN_GRACE_MS = 1_000;

/** True when any of the clients (`user:<id>`, `ip:<address>`) is banned; the ban list's own cache answers most. */
async function bannedClient(app: PlatformServer, clients: readonly string[]): Promise<boolean> {
  const bans = await Promise.all(clients.map((client) => app.bans.isBanned(client)));
  return bans.some((ban) => ban !== null);
}

export async function createRealtimeGateway(
  app: PlatformServer,
  dependencies: ServerDependencies,
  input: RealtimeOptionsInput & { identity: Identity },
): Promise<RealtimeGateway> {
  const { identity, ...overrides } = input;
  const options = resolveRealtimeOptions(overrides);
  const { config, logger, kv, clock } = dependencies;
  const instanceId = randomUUID().replaceAll('-', '').slice(0, 12);
  // Message budgets run on real time, like the request limiter: a test's fake clock must not freeze them.
  const limiterFor = (rate: { limit: number; periodMs: number }) =>
    createMessageLimiter({ ...rate, clock: systemClock });
  const catalog = createCatalog();
  const sources = new Map<string, StreamSource>();
  const connectListeners: ((connection: RealtimeConnection) => void | Promise<void>)[] = [];
  const disconnectListeners: ((connection: RealtimeConnection, code: number) => void | Promise<void>)[] = [];
  const sockets = new Set<WebSocket>();
  const connections = createConnectionIndex(() => limiterFor(options.userRate));
  const gauge = dependencies.metrics?.gauge(
    'realtime_connections',
    'Authenticated WebSocket connections open on this instance',
  );
  let socketCounter = 0;

  const fanout = createFanout({
    kv,
    instanceId,
    logger,
    deliverLocally: (userId, event) => {
      for (const connection of connections.of(userId)) connection.send(event);
    },
  });
  const dispatch = createDispatcher({ catalog, logger, userLimiter: connections.userLimiter });
  const sessionWatch = await watchSessions({
    kv,
    sessions: identity.sessions,
    isBanned: (clients) => bannedClient(app, clients),
    connections,
    recheckMs: options.sessionRecheckMs,
    logger,
  });

  function notify<A extends unknown[]>(listeners: ((...args: A) => unknown)[], args: A, event: string): void {
    for (const listener of listeners) {
      Promise.resolve()
        .then(() => listener(...args))
        .catch((error: unknown) => logger.error({ event, err: error }, 'realtime listener failed'));
    }
  }

  const sourceFor = (streamId: string): StreamSource | undefined => {
    let best: [string, StreamSource] | undefined;
    for (const entry of sources) {
      if (streamId.startsWith(entry[0]) && entry[0].length > (best?.[0].length ?? -1)) best = entry;
    }
    return best?.[1];
  };

  function retired(connection: LiveConnection, code: number): void {
    if (!connections.remove(connection)) return;
    gauge?.set(connections.size);
    void fanout.unfollow(connection.userId);
    logger.info(
      {
        event: 'ws_disconnect',
        connectionId: connection.id,
        userId: connection.userId,
        code,
        ...connection.stats(),
      },
      'realtime socket closed',
    );
    notify(disconnectListeners, [connection, code], 'ws_disconnect_listener_failed');
  }

  function admitted(connection: LiveConnection): void {
    connections.add(connection);
    gauge?.set(connections.size);
    const mine = connections.of(connection.userId);
    for (const oldest of mine.slice(0, Math.max(0, mine.length - options.maxSocketsPerUser))) {
      oldest.close(REALTIME_CLOSE.replaced, 'replaced by a newer connection');
    }
  }

  function openSocket(socket: WebSocket, request: FastifyRequest): void {
    socketCounter += 1;
    const id = `${instanceId}-${socketCounter.toString(36)}`;
    const startedAt = performance.now();
    let live: LiveConnection | undefined;
    /** The user whose channel this socket holds, until it is a live connection (which then holds it). */
    let followed: string | undefined;
    let failed = false;
    sockets.add(socket);
    socket.once('close', (code: number) => {
      sockets.delete(socket);
      if (live) return;
      const durationMs = Math.round(performance.now() - startedAt);
      logger.info(
        { event: 'ws_disconnect', connectionId: id, code, durationMs, authenticated: false },
        'realtime socket closed',
      );
    });
    logger.info(
      { event: 'ws_connect', connectionId: id, ip: request.ip, origin: request.headers.origin ?? null },
      'realtime socket opened',
    );
    const token = bearerToken(offeredProtocols(request.headers['sec-websocket-protocol']));
    void authenticateSocket(socket, {
      tokens: identity.tokens,
      sessions: identity.sessions,
      timeoutMs: options.authTimeoutMs,
      ...(token === undefined ? {} : { token }),
      accept: async (auth) => {
        if (await bannedClient(app, [`user:${auth.userId}`, `ip:${request.ip}`])) {
          throw new ConnectionRefused({ code: REALTIME_CLOSE.banned, reason: 'banned' });
        }
        // Subscribed before auth_ok: an event published once the client knows it is connected reaches it.
        await fanout.follow(auth.userId);
        // The socket may have closed (or timed out) while subscribing: then nothing holds the channel.
        if (failed) void fanout.unfollow(auth.userId);
        else followed = auth.userId;
        return {
          connectionId: id,
          heartbeatMs: options.pingIntervalMs,
          maxMessageBytes: options.maxMessageBytes,
        };
      },
    }).then((authenticated) => {
      if (!authenticated) {
        failed = true;
        if (followed !== undefined) void fanout.unfollow(followed);
        return;
      }
      // No await from here to start(): the socket is being read again.
      const { context } = authenticated;
      live = createConnection({
        id,
        auth: context,
        address: request.ip,
        openedAt: clock.now(),
        socket,
        options,
        logger,
        limiters: {
          connection: limiterFor(options.connectionRate),
          refusals: limiterFor({
            limit: options.toleratedRefusals,
            periodMs: options.connectionRate.periodMs,
          }),
        },
        sourceFor,
        dispatch,
        onRetired: retired,
      });
      admitted(live);
      live.start(authenticated.early);
      logger.info(
        {
          event: 'ws_authenticated',
          connectionId: id,
          userId: context.userId,
          via: token === undefined ? 'frame' : 'subprotocol',
        },
        'realtime socket authenticated',
      );
      notify(connectListeners, [live], 'ws_connect_listener_failed');
    });
  }

  const stopResyncing = kv.onSubscriptionsRestored(() => {
    const all = [...sources.values()];
    logger.info({ event: 'ws_resync', connections: connections.size }, 'pub/sub restored: resyncing streams');
    for (const connection of connections.all()) connection.resync(all);
    void sessionWatch.recheck();
  });
  const pingTimer = setInterval(() => {
    for (const connection of connections.all()) connection.checkAlive();
  }, options.pingIntervalMs);
  pingTimer.unref();

  // Before the plugin's own preClose (which closes sockets without a code) when this registers it.
  app.addHook('preClose', async () => {
    for (const connection of connections.all())
      connection.close(REALTIME_CLOSE.goingAway, 'server shutting down');
    for (const socket of sockets) socket.close(REALTIME_CLOSE.goingAway, 'server shutting down');
    const allClosed = Promise.all(
      [...sockets].map((socket) => new Promise((done) => socket.once('close', done))),
    );
    await Promise.race([allClosed, sleep(SHUTDOWN_GRACE_MS)]);
    for (const socket of sockets) socket.terminate();
  });
  app.addHook('onClose', async () => {
    clearInterval(pingTimer);
    stopResyncing();
    await Promise.all([sessionWatch.close(), fanout.close()]).catch((error: unknown) =>
      logger.warn(
        { event: 'ws_shutdown_unsubscribe_failed', err: error },
        'could not unsubscribe at shutdown',
      ),
    );
  });
  if (!app.hasDecorator('websocketServer')) {
    await app.register(websocket, {
      options: { maxPayload: options.maxMessageBytes, handleProtocols: selectProtocol(options.subprotocol) },
      // `ws` has already closed the socket with the right code (1009 for a frame too large).
      errorHandler: (error) => logger.info({ event: 'ws_socket_error', err: error }, 'realtime socket error'),
    });
  }
  app.get(
    options.path,
    {
      websocket: true,
      onRequest: upgradeGuard({
        allowedOrigins: config.corsOrigins,
        maxSockets: options.maxSockets,
        openSockets: () => sockets.size,
      }),
    },
    openSocket,
  );
  if (config.exposeDocs) registerAsyncApiRoute(app, () => asyncApiDocument(catalog, options, config.appName));

  return {
    instanceId,
    handle: catalog.handle,
    describeEvent: catalog.describeEvent,
    streamSource(prefix, source) {
      if (sources.has(prefix)) throw new Error(`a stream source for "${prefix}" is already registered`);
      sources.set(prefix, source);
    },
    publishToUsers: fanout.publish,
    onConnect: (listener) => void connectListeners.push(listener),
    onDisconnect: (listener) => void disconnectListeners.push(listener),
    connectionsOf: (userId) => connections.of(userId),
    get size() {
      return connections.size;
    },
  };
}
