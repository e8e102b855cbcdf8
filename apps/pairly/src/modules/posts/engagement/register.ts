// Owns registering engagement: builds its service from the context and the posts module's access
// check, and registers the members' routes (likes, comments, reports: routes.ts) and the
// moderators' queue of post reports (moderation-routes.ts).
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../../context.js';
import { registerPostModerationRoutes } from './moderation-routes.js';
import { registerEngagementRoutes } from './routes.js';
import { createEngagement } from './service.js';
import type { PostsForEngagement } from './tables.js';

export type { PostsForEngagement };

export function registerEngagement(
  app: PlatformServer,
  context: PairlyContext,
  posts: PostsForEngagement,
): void {
  const engagement = createEngagement({ db: context.db, clock: context.clock, posts });
  registerEngagementRoutes(app, context, engagement);
  registerPostModerationRoutes(app, context, engagement);
}
