// Owns the presence module's surface: the socket's lease (taken when it authenticates, renewed by
// the `presence.heartbeat` frame at most once per LEASE_RENEWAL_MS, shortened to the grace period
// when it closes), the `presence` event, the REST heartbeat for clients without a socket, the bulk
// lookup, the hidden setting, activity from messages sent, this instance's periodic re-check and the
// scheduled orphan sweep (pg-boss runs it on one instance at a time). Only members (fans and
// creators, the roles one signs up for) have presence: staff sockets take no lease and their
// heartbeats are refused. Heartbeat frames count against the socket's frame budget like any other.
import { performance } from 'node:perf_hooks';
import {
  AppError,
  bodylessAsEmpty,
  caller,
  type PlatformServer,
  problemResponses,
  type RealtimeConnection,
} from '@app/platform';
import type { PairlyContext } from '../context.js';
import {
  HeartbeatBody,
  HeartbeatReply,
  LOOKUP_MAX,
  LookupBody,
  LookupReply,
  PresenceView,
  VisibilityBody,
} from './schemas.js';
import { PRESENCE_EVENT } from './tracker.js';

export const PRESENCE_ORPHAN_SWEEP_QUEUE = 'pairly.presence-orphan-sweep';

const LEASE_CHANGES = 'presence.leaseChanges';
const CLOSED = 'presence.closed';
const RENEWED_AT = 'presence.renewedAt';

/** A socket's lease is renewed at most this often (real time, as the lease's TTL); heartbeats between only carry activity. */
const LEASE_RENEWAL_MS = 5_000;

const notMember = () =>
  new AppError({
    kind: 'forbidden',
    code: 'permission_denied',
    detail: 'Presence is for fans and creators.',
  });

/**
 * Runs one change of a socket's lease after the ones before it, so the shortening at close can never
 * land before the connect's (or a heartbeat's) full-length lease and leave a closed socket online.
 */
function inOrder(connection: RealtimeConnection, change: () => Promise<void>): Promise<void> {
  const previous = (connection.data.get(LEASE_CHANGES) as Promise<void> | undefined) ?? Promise.resolve();
  const next = previous.then(change);
  connection.data.set(
    LEASE_CHANGES,
    next.catch(() => undefined),
  );
  return next;
}

const tags = ['presence'];

export function registerPresence(app: PlatformServer, context: PairlyContext): void {
  const { presence, realtime, runner, identity, logger, messaging } = context;
  const { options } = presence;
  const member = identity.requirePermission('messages:own');
  const timings = { heartbeatMs: options.heartbeatMs, leaseTtlMs: options.leaseTtlMs };
  /** Staff roles are the ones nobody signs up for (as staff accounts are defined). */
  const isMember = (role: string) => identity.policy.signupRoles.includes(role);
  // Well inside the lease (a quarter of it), so a socket beating on time never lets it lapse.
  const renewalMs = Math.min(LEASE_RENEWAL_MS, Math.floor(options.leaseTtlMs / 4));

  /**
   * Takes or renews the socket's lease, unless it closed meanwhile (a late frame must not revive it).
   * A heartbeat soon after the last renewal only records activity, if it carries some.
   */
  const renewLease = (connection: RealtimeConnection, active?: boolean) =>
    inOrder(connection, async () => {
      if (connection.data.has(CLOSED)) return;
      const renewedAt = connection.data.get(RENEWED_AT) as number | undefined;
      const at = performance.now();
      if (renewedAt !== undefined && at - renewedAt < renewalMs) {
        if (active) await presence.touch(connection.userId);
        return;
      }
      connection.data.set(RENEWED_AT, at);
      await presence.heartbeat(connection.userId, connection.id, { active });
    });

  realtime.onConnect((connection) => (isMember(connection.role) ? renewLease(connection) : undefined));
  /** Closes whose lease change is still running; a shutdown waits for them (then for their grace). */
  const closing = new Set<Promise<void>>();
  realtime.onDisconnect((connection) => {
    connection.data.set(CLOSED, true);
    if (!isMember(connection.role)) return;
    const released = inOrder(connection, () => presence.release(connection.userId, connection.id))
      .catch((error: unknown) => {
        logger.warn({ event: 'presence_release_failed', err: error }, 'presence lease not shortened');
      })
      .finally(() => closing.delete(released));
    closing.add(released);
    return released;
  });
  // Sending a message is user activity (touch never rejects).
  messaging.sender.onSent((message) => void presence.touch(message.senderId));
  realtime.handle('presence.heartbeat', {
    schema: HeartbeatBody,
    summary: `Keeps this socket present (send every ${options.heartbeatMs} ms); \`active: true\` when the user did something since the last one. Counts against the frame rate limits. Replies {heartbeatMs, leaseTtlMs}; 403 for staff (no presence).`,
    async handler(connection, frame) {
      if (!isMember(connection.role)) throw notMember();
      await renewLease(connection, frame.active);
      return timings;
    },
  });
  realtime.describeEvent(PRESENCE_EVENT, {
    summary:
      "A conversation partner's visible state changed (online, away, offline), sent once per change; shed first under back-pressure.",
    schema: PresenceView,
    delivery: 'ephemeral',
  });

  app.post(
    '/presence/heartbeat',
    {
      preValidation: [...member, bodylessAsEmpty],
      schema: {
        tags,
        summary: 'Keep yourself present without a socket',
        description: `Permission: \`messages:own\`; fans and creators only (staff have no presence: 403 \`permission_denied\`). For clients without a WebSocket: send one every ${options.heartbeatMs} ms; without one for ${options.leaseTtlMs} ms you read as offline. \`active: true\` when the user did something since the last heartbeat (online), otherwise you turn away after ${options.awayAfterMs} ms.`,
        body: HeartbeatBody,
        response: { 200: HeartbeatReply, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { userId, sessionId, role } = caller(request);
      if (!isMember(role)) throw notMember();
      await presence.heartbeat(userId, `rest:${sessionId}`, { active: request.body.active });
      return timings;
    },
  );

  app.post(
    '/presence/lookup',
    {
      preValidation: member,
      schema: {
        tags,
        summary: `The presence of up to ${LOOKUP_MAX} users`,
        description:
          'Permission: `messages:own`. Only your conversation partners show their state; anyone else reads as offline with no last activity, exactly like an unknown id. Partners who hide their presence, and users blocked by you or blocking you, read the same. Your own entry shows your real state, even while hidden.',
        body: LookupBody,
        response: { 200: LookupReply, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => ({ users: await presence.lookup(caller(request).userId, request.body.userIds) }),
  );

  app.get(
    '/presence/visibility',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Whether you hide your presence',
        description: 'Permission: `messages:own`. Only your own setting.',
        response: { 200: VisibilityBody, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ hidden: await presence.isHidden(caller(request).userId) }),
  );

  app.put(
    '/presence/visibility',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Hide or show your presence',
        description:
          'Permission: `messages:own`. Only your own setting. Hidden, you read as offline to everyone else and nobody is told of your status changes (your partners are told `offline` once, as if you left).',
        body: VisibilityBody,
        response: { 200: VisibilityBody, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      await presence.setHidden(caller(request).userId, request.body.hidden);
      return { hidden: request.body.hidden };
    },
  );

  runner.register(PRESENCE_ORPHAN_SWEEP_QUEUE, () => presence.sweepOrphans());
  runner.schedule(PRESENCE_ORPHAN_SWEEP_QUEUE, options.orphanSweepSchedule);
  presence.start();
  // The gateway closed every socket before this runs: their partners are told before the store closes.
  app.addHook('onClose', async () => {
    await Promise.all(closing);
    await presence.stop();
  });
}
