// Public surface of the database module.
export { createDatabase, type DatabaseOptions } from './create.js';
export {
  type Migration,
  MigrationError,
  type MigrationLogger,
  type MigrationSet,
  migrationsFingerprint,
  readMigrations,
  runMigrations,
} from './migrations.js';
export { isRetryableTransactionError, type TransactionOptions, withTransaction } from './transaction.js';
export type { Database, DatabaseKind, PoolStats, SqlResult, SqlSession } from './types.js';
export { isDatabaseUnavailable } from './unavailable.js';
