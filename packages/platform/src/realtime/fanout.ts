// Owns cross-instance delivery: an event for a user is handed at once to this instance's sockets of
// that user and published on the user's channel (`rt:user:<id>`) of the key-value store; every
// instance is subscribed to the channels of the users it holds sockets for (from their first socket
// to their last) and hands what others published to its sockets. Pub/sub is a hint, never storage:
// a publish that fails is logged, and what it carried is recovered from the stream sources (a gap, or
// the resync after the store restored its subscriptions).
import type { KeyValueStore } from '../kv/types.js';
import type { Logger } from '../log/index.js';
import type { OutgoingEvent } from './types.js';

export const userChannel = (userId: string) => `rt:user:${userId}`;

interface Envelope {
  /** The publishing instance: it has already delivered the event to its own sockets. */
  from: string;
  event: OutgoingEvent;
}

export interface FanoutSetup {
  kv: KeyValueStore;
  instanceId: string;
  logger: Logger;
  /** Hands an event to this instance's sockets of a user. */
  deliverLocally(userId: string, event: OutgoingEvent): void;
}

interface Following {
  /** Sockets (authenticated or about to be) that need the channel. */
  holders: number;
  subscribed: Promise<() => Promise<void>>;
}

export function createFanout(setup: FanoutSetup) {
  const { kv, instanceId, logger } = setup;
  const following = new Map<string, Following>();
  /** How this instance's own envelopes begin (JSON keeps key order): they come back and are skipped unread. */
  const ownPrefix = `{"from":${JSON.stringify(instanceId)},`;

  function receive(userId: string, message: string): void {
    if (message.startsWith(ownPrefix)) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch (error) {
      logger.error({ event: 'ws_fanout_unreadable', userId, err: error }, 'unreadable fan-out message');
      return;
    }
    if (envelope.from !== instanceId) setup.deliverLocally(userId, envelope.event);
  }

  async function stopFollowing(userId: string, entry: Following): Promise<void> {
    try {
      await (await entry.subscribed)();
    } catch (error) {
      logger.warn(
        { event: 'ws_unsubscribe_failed', userId, err: error },
        'could not unsubscribe a user channel',
      );
    }
  }

  return {
    async publish(userIds: readonly string[], event: OutgoingEvent): Promise<void> {
      const unique = [...new Set(userIds)];
      for (const userId of unique) setup.deliverLocally(userId, event);
      const message = JSON.stringify({ from: instanceId, event } satisfies Envelope);
      const failed = await Promise.all(
        unique.map((userId) =>
          kv.publish(userChannel(userId), message).then(
            () => null,
            (error: unknown) => error,
          ),
        ),
      );
      const error = failed.find((outcome) => outcome !== null);
      if (error !== undefined) {
        logger.warn(
          { event: 'ws_publish_failed', eventType: event.type, users: unique.length, err: error },
          'fan-out publish failed: other instances recover it from the stream sources',
        );
      }
    },

    /** Makes sure the user's channel is followed; resolves once the subscription is active. */
    async follow(userId: string): Promise<void> {
      let entry = following.get(userId);
      if (!entry) {
        const created: Following = {
          holders: 0,
          subscribed: kv.subscribe(userChannel(userId), (message) => receive(userId, message)),
        };
        created.subscribed.catch(() => {
          if (following.get(userId) === created) following.delete(userId);
        });
        following.set(userId, created);
        entry = created;
      }
      entry.holders += 1;
      try {
        await entry.subscribed;
      } catch (error) {
        entry.holders -= 1;
        throw error;
      }
    },

    /** Releases one hold on the user's channel; the last one unsubscribes. */
    async unfollow(userId: string): Promise<void> {
      const entry = following.get(userId);
      if (!entry) return;
      entry.holders -= 1;
      if (entry.holders > 0) return;
      following.delete(userId);
      await stopFollowing(userId, entry);
    },

    async close(): Promise<void> {
      const entries = [...following];
      following.clear();
      await Promise.all(entries.map(([userId, entry]) => stopFollowing(userId, entry)));
    },
  };
}

export type Fanout = ReturnType<typeof createFanout>;
