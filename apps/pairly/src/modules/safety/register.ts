// Owns registering the safety module's routes: members' blocks and message reports (routes.ts) and
// the moderators' queue of reports and restrictions (moderation-routes.ts).
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { registerModerationRoutes } from './moderation-routes.js';
import { registerSafetyRoutes } from './routes.js';

export function registerSafety(app: PlatformServer, context: PairlyContext): void {
  registerSafetyRoutes(app, context);
  registerModerationRoutes(app, context);
}
