// Owns registering the messaging module: its REST routes (routes.ts) and its WebSocket frames,
// event and stream source (frames.ts), both over the one service in the context.
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { registerMessagingFrames } from './frames.js';
import { registerMessagingRoutes } from './routes.js';

export function registerMessaging(app: PlatformServer, context: PairlyContext): void {
  registerMessagingRoutes(app, context);
  registerMessagingFrames(context);
}
