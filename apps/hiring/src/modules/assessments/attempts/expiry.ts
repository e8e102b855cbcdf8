// Owns the scheduled sweep that scores attempts whose deadline has passed (and takes over scorings
// whose grader died): the candidate need not come back to submit. It races late submits through the
// same conditional claim (scoring.ts), so an attempt is graded once whoever comes first.
import type { JobRunner } from '@app/platform';
import type { Scoring } from './scoring.js';

export const ATTEMPT_EXPIRY_QUEUE = 'hiring.assessment-attempts-expire';
/** Every minute: an expired attempt is scored within about a minute of its deadline. */
const ATTEMPT_EXPIRY_CRON = '* * * * *';

export function registerAttemptExpiry(runner: JobRunner, scoring: Scoring, cron = ATTEMPT_EXPIRY_CRON): void {
  runner.register(
    ATTEMPT_EXPIRY_QUEUE,
    async () => {
      await scoring.sweep();
    },
    { retryLimit: 1, pollingIntervalSeconds: 1 },
  );
  runner.schedule(ATTEMPT_EXPIRY_QUEUE, cron);
}
