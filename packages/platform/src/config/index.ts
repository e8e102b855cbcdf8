// Public surface of the configuration capability.

export type {
  AuthSettings,
  LoadConfigOptions,
  LoadSheddingSettings,
  PlatformConfig,
  RateLimitSettings,
  StorageSettings,
  TrustProxy,
} from './load.js';
export { ConfigError, loadConfig } from './load.js';
export { MIN_SECRET_BYTES, secretWeakness } from './secrets.js';
