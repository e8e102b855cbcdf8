// Owns scheduled publishing: a job (every minute by default) publishes every scheduled post whose
// time has come, setting published_at to the time it was scheduled for. Each batch is one
// conditional update (status 'scheduled' -> 'published') over rows it locks, skipping rows another
// run holds, so two runs at once, or one run twice, publish each post exactly once.
import type { Clock, Database, JobRunner, Logger } from '@app/platform';
import { sql } from 'kysely';
import { postDb } from './tables.js';

export const PUBLISH_DUE_QUEUE = 'pairly.posts-publish-due';
const BATCH = 500;

export function createPublisher(deps: { db: Database; clock: Clock; logger: Logger }) {
  const posts = postDb(deps.db);

  return {
    /** Publishes every due scheduled post; returns how many this run published. */
    async publishDue(): Promise<number> {
      const now = deps.clock.now();
      let total = 0;
      for (;;) {
        const published = await posts
          .updateTable('posts')
          .set({ status: 'published', published_at: sql.ref('publish_at'), updated_at: now })
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('posts')
              .select('id')
              .where('status', '=', 'scheduled')
              .where('deleted_at', 'is', null)
              .where('publish_at', '<=', now)
              .orderBy('publish_at')
              .limit(BATCH)
              .forUpdate()
              .skipLocked(),
          )
          .where('status', '=', 'scheduled')
          .executeTakeFirst();
        const count = Number(published.numUpdatedRows);
        total += count;
        if (count < BATCH) break;
      }
      if (total > 0)
        deps.logger.info({ event: 'posts_published', count: total }, 'scheduled posts published');
      return total;
    },
  };
}

export type Publisher = ReturnType<typeof createPublisher>;

/** Registers the job and its schedule (cron, UTC). */
export function registerPublishing(runner: JobRunner, publisher: Publisher, cron: string): void {
  runner.register(PUBLISH_DUE_QUEUE, async () => {
    await publisher.publishDue();
  });
  runner.schedule(PUBLISH_DUE_QUEUE, cron);
}
