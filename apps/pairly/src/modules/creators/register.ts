// Owns registering the creators module's routes: profiles (profile-routes.ts) and follows and search
// (social-routes.ts). The listener that removes follows on a block is set up by the service.
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { registerProfileRoutes } from './profile-routes.js';
import { registerSocialRoutes } from './social-routes.js';

export function registerCreators(app: PlatformServer, context: PairlyContext): void {
  registerProfileRoutes(app, context);
  registerSocialRoutes(app, context);
}
