// Owns registering the posts module: its routes (routes.ts), the scheduled-publishing job
// (publishing.ts) and the engagement routes built on the posts service (engagement/).
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { registerEngagement } from './engagement/register.js';
import { registerPublishing } from './publishing.js';
import { registerPostRoutes } from './routes.js';

export function registerPosts(app: PlatformServer, context: PairlyContext): void {
  const { posts } = context;
  registerPostRoutes(app, context, posts);
  registerPublishing(context.runner, posts.publisher, posts.options.publishSchedule);
  registerEngagement(app, context, posts);
}
