// Owns registering the safety module's routes: blocks, message reports, the moderation queue (stub).
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';

export function registerSafety(_app: PlatformServer, _context: PairlyContext): void {}
