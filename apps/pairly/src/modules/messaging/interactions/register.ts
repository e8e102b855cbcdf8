// Owns registering what people do with messages already sent: receipts, unsend and delete for me,
// and typing (stub: the interactions helper replaces this).
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../../context.js';

export function registerMessageInteractions(_app: PlatformServer, _context: PairlyContext): void {}
