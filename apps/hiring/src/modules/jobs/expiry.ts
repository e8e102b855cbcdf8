// Owns the scheduled sweep that closes expired jobs: a published job whose validThrough has passed
// already reads as closed everywhere (listing, page, candidate actions); the sweep makes it so in
// the table and gives back the job-postings slot it held.
import type { JobRunner } from '@app/platform';
import type { JobService } from './service.js';

export const JOB_EXPIRY_QUEUE = 'hiring.jobs-expire';

export function registerJobExpiry(runner: JobRunner, jobs: JobService, cron: string): void {
  runner.register(JOB_EXPIRY_QUEUE, async () => {
    await jobs.closeExpired();
  });
  runner.schedule(JOB_EXPIRY_QUEUE, cron);
}
