// Owns the location of the platform's own migrations, applied before every app's.
import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '../db/index.js';

export const platformMigrations: MigrationSet = {
  scope: 'platform',
  directory: fileURLToPath(new URL('../../migrations/platform', import.meta.url)),
};
