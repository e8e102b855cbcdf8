// Owns registering the messaging module's routes and realtime frames (stub: the messaging helper replaces this).
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';

export function registerMessaging(_app: PlatformServer, _context: PairlyContext): void {}
