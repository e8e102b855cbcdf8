// STUB (being written): promo codes.
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';

export function registerPromotionRoutes(_app: PlatformServer, _context: PairlyContext): void {}
