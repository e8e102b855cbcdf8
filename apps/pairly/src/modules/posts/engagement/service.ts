// Owns the engagement service: likes (likes.ts), comments (comments.ts), reports of posts
// (reports.ts) and their moderation queue (report-queue.ts), built from the database, the clock and
// the posts module's access check.
import { createComments } from './comments.js';
import { createLikes } from './likes.js';
import { createPostReportQueue } from './report-queue.js';
import { createPostReports } from './reports.js';
import type { EngagementDependencies } from './tables.js';

export function createEngagement(dependencies: EngagementDependencies) {
  return {
    likes: createLikes(dependencies),
    comments: createComments(dependencies),
    reports: createPostReports(dependencies),
    reportQueue: createPostReportQueue(dependencies),
  };
}

export type Engagement = ReturnType<typeof createEngagement>;
