// Owns the one typed schema of every environment variable the platform reads. Each variable may be
// given per app with the app's prefix (HIRING_PORT) or shared (PORT); the prefixed one wins. This
// module only describes and converts values: the rules that depend on the environment (production
// secrets, CORS wildcard) live in rules.ts.
import Type, { type Static } from 'typebox';

const Milliseconds = (defaultValue: number, minimum = 1) =>
  Type.Integer({ minimum, maximum: 3_600_000, default: defaultValue });

// Requests per client per minute; the top leaves room for tests and benchmarks that must not be limited.
const PerMinute = (defaultValue: number) =>
  Type.Integer({ minimum: 1, maximum: 60_000_000, default: defaultValue });

export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  LOG_FILE: Type.Optional(Type.String({ minLength: 1 })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  CORS_ORIGINS: Type.String({ default: '' }),
  TRUST_PROXY: Type.String({ default: 'false' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 1024 * 1024 }),
  JSON_MAX_DEPTH: Type.Integer({ minimum: 2, maximum: 256, default: 32 }),
  REQUEST_TIMEOUT_MS: Milliseconds(30_000),
  HEADERS_TIMEOUT_MS: Milliseconds(10_000),
  KEEP_ALIVE_TIMEOUT_MS: Milliseconds(5_000),
  CONNECTION_TIMEOUT_MS: Milliseconds(60_000),
  SHUTDOWN_TIMEOUT_MS: Milliseconds(10_000),
  // How long /ready answers 503 before the server closes; default 5 s in production, 0 elsewhere.
  SHUTDOWN_DRAIN_MS: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
  EXPOSE_DOCS: Type.Optional(Type.Boolean()),
  EXPOSE_METRICS: Type.Optional(Type.Boolean()),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 1 })),
  JWT_ALGORITHM: Type.Union([Type.Literal('HS256'), Type.Literal('EdDSA')], { default: 'HS256' }),
  JWT_PRIVATE_KEY: Type.Optional(Type.String({ pattern: 'BEGIN PRIVATE KEY' })),
  JWT_PREVIOUS_KEYS: Type.String({ default: '' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 1800, default: 900 }),
  SESSION_IDLE_TIMEOUT_SECONDS: Type.Integer({ minimum: 300, maximum: 90 * 86_400, default: 7 * 86_400 }),
  SESSION_MAX_LIFETIME_SECONDS: Type.Integer({ minimum: 3600, maximum: 365 * 86_400, default: 30 * 86_400 }),
  TOKEN_CLOCK_SKEW_SECONDS: Type.Integer({ minimum: 0, maximum: 300, default: 30 }),
  RATE_LIMIT_ENABLED: Type.Boolean({ default: true }),
  RATE_LIMIT_DEFAULT_PER_MINUTE: PerMinute(60),
  RATE_LIMIT_AUTH_PER_MINUTE: PerMinute(10),
  RATE_LIMIT_PAYMENTS_PER_MINUTE: PerMinute(20),
  RATE_LIMIT_BAN_THRESHOLD_PER_MINUTE: PerMinute(150),
  RATE_LIMIT_ADDRESS_BAN_THRESHOLD_PER_MINUTE: PerMinute(600),
  RATE_LIMIT_BAN_SECONDS: Type.Integer({ minimum: 1, maximum: 30 * 86_400, default: 3600 }),
  RATE_LIMIT_BAN_CACHE_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 2_000 }),
  RATE_LIMIT_REDIS_TIMEOUT_MS: Type.Integer({ minimum: 5, maximum: 5_000, default: 100 }),
  RATE_LIMIT_KEY_PREFIX: Type.String({ pattern: '^[A-Za-z0-9:_.-]{1,100}$', default: 'ratelimit:' }),
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1_000 }),
  PRESSURE_MAX_HEAP_USED_BYTES: Type.Integer({ minimum: 0, default: 0 }),
  PRESSURE_MAX_RSS_BYTES: Type.Integer({ minimum: 0, default: 0 }),
  PRESSURE_RETRY_AFTER_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 10 }),
  // File storage (storage/): an S3-compatible bucket when STORAGE_S3_BUCKET is set, else files
  // under <DATA_DIR>/<app>/blobs. The secret key is the optional secret STORAGE_S3_SECRET; without
  // keys the AWS SDK's default credential chain applies (environment, instance or task role).
  STORAGE_S3_BUCKET: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' })),
  // 'auto' for Cloudflare R2.
  STORAGE_S3_REGION: Type.String({ pattern: '^[a-z0-9-]{1,40}$', default: 'us-east-1' }),
  // For S3-compatible services (R2, MinIO): e.g. https://<account>.r2.cloudflarestorage.com.
  STORAGE_S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$' })),
  STORAGE_S3_ACCESS_KEY_ID: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{1,128}$' })),
  // Bucket in the path (https://endpoint/bucket/key), as MinIO and local servers need.
  STORAGE_S3_FORCE_PATH_STYLE: Type.Boolean({ default: false }),
});

export type Env = Static<typeof EnvSchema>;

/** Names of optional secrets an app declares (webhook signing keys and the like). */
export type SecretName = `${string}_SECRET`;
