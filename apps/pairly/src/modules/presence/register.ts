// Owns registering the presence module's routes and realtime frames (stub).
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';

export function registerPresence(_app: PlatformServer, _context: PairlyContext): void {}
