// Owns registering the media module: its routes (uploads, the owner's list and delete, signed
// downloads) and, when the app is ready, a sweep of upload temp files a crash left behind. It has
// no jobs: a deleted object's blob is removed in the delete itself.
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { registerMediaRoutes } from './routes.js';

export function registerMedia(app: PlatformServer, context: PairlyContext): void {
  registerMediaRoutes(app, context);
  app.addHook('onReady', async () => {
    await context.media.sweepStaleFiles();
  });
}
