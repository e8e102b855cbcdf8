// Owns turning the process environment into a validated, typed PlatformConfig. Every problem is
// collected before failing, so an operator fixes a bad deployment in one pass instead of one
// restart per mistake. Nothing here listens, connects or logs: main.ts decides what to do with the
// result (print the problems and exit non-zero before listening).
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import Value from 'typebox/value';
import { type Env, EnvSchema } from './schema.js';
import { loadOrCreateDevelopmentSecrets, secretWeakness } from './secrets.js';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';

export type { TrustProxy } from './trust-proxy.js';

export interface PlatformConfig {
  appName: string;
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  logFile: string | undefined;
  /** Directory for this app's embedded data (PGlite files, development secrets). */
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  redisUrl: string | undefined;
  corsOrigins: string[];
  trustProxy: TrustProxy;
  bodyLimitBytes: number;
  jsonMaxDepth: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  connectionTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** After SIGTERM, how long /ready says 503 (while requests are still served) before the server closes. */
  shutdownDrainMs: number;
  exposeDocs: boolean;
  exposeMetrics: boolean;
  secrets: { jwt: string; encryption: string } & Record<string, string>;
  /** The app's optional plain settings that are set (AppDefinition.optionalSettings). */
  settings: Record<string, string>;
  auth: AuthSettings;
  rateLimit: RateLimitSettings;
  loadShedding: LoadSheddingSettings;
  storage: StorageSettings;
  /** Things an operator should know but that do not stop the start (logged once the logger exists). */
  warnings: string[];
}

export interface AuthSettings {
  jwtAlgorithm: 'HS256' | 'EdDSA';
  /** PKCS#8 PEM Ed25519 key when the algorithm is EdDSA. */
  jwtPrivateKey: string | undefined;
  /** Retired keys still accepted for verification: HS256 secrets or EdDSA public keys (PEM). */
  jwtPreviousKeys: string[];
  accessTokenTtlSeconds: number;
  sessionIdleSeconds: number;
  sessionMaxSeconds: number;
  clockSkewSeconds: number;
}

export interface RateLimitSettings {
  enabled: boolean;
  /** Requests per client per minute, by route class. */
  perMinute: { default: number; auth: number; payments: number };
  /** Requests per minute (all classes together) after which a client (a user, or an address) is banned. */
  banThresholdPerMinute: number;
  /**
   * Requests per minute that carry a valid token, whichever, after which their address is banned: the
   * per-address ceiling over per-user budgets (requests without one count under banThresholdPerMinute).
   */
  addressBanThresholdPerMinute: number;
  banSeconds: number;
  /** How long one instance may reuse a ban lookup; 0 reads the ban list on every request. */
  banCacheMs: number;
  /** Longest wait for Redis before deciding in memory. */
  redisTimeoutMs: number;
  /** Prefix of the limiter's Redis keys, so several deployments can share one Redis. */
  keyPrefix: string;
}

/** 0 switches a check off. */
export interface LoadSheddingSettings {
  maxEventLoopDelayMs: number;
  maxHeapUsedBytes: number;
  maxRssBytes: number;
  retryAfterSeconds: number;
}

/** Where the BlobStore keeps files: an S3-compatible bucket, or (s3 undefined) the data directory. */
export interface StorageSettings {
  s3:
    | {
        bucket: string;
        region: string;
        endpoint: string | undefined;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
        forcePathStyle: boolean;
      }
    | undefined;
}

/** Optional secrets the platform itself reads, whatever the app. */
const PLATFORM_OPTIONAL_SECRETS = ['STORAGE_S3_SECRET'] as const;

export interface LoadConfigOptions {
  appName: string;
  defaultPort: number;
  env?: NodeJS.ProcessEnv;
  /** Optional secrets this app reads (e.g. STRIPE_WEBHOOK_SECRET); checked for strength when present. */
  optionalSecrets?: readonly string[];
  /** Optional plain settings this app reads (e.g. STRIPE_PRICE_PRO), kept as given in `settings`. */
  optionalSettings?: readonly string[];
}

export class ConfigError extends Error {
  constructor(
    readonly appName: string,
    readonly problems: string[],
  ) {
    super(`${appName}: invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const keys = Object.keys(EnvSchema.properties) as (keyof Env)[];

function readRaw(env: NodeJS.ProcessEnv, prefix: string, name: string): string | undefined {
  const value = env[`${prefix}_${name}`] ?? env[name];
  return value === undefined || value === '' ? undefined : value;
}

function describeErrors(input: Record<string, unknown>, prefix: string): string[] {
  // Each variable is checked on its own: the validator stops early within one object, and an
  // operator needs every problem in one report.
  const problems: string[] = [];
  for (const name of keys) {
    const schema = EnvSchema.properties[name];
    const value = input[name];
    if (value === undefined && !(EnvSchema.required as readonly string[]).includes(name)) continue;
    const [error] = Value.Errors(schema, value);
    if (!error) continue;
    const shown = value === undefined ? 'missing' : JSON.stringify(String(value));
    const expected =
      error.keyword === 'anyOf' || error.keyword === 'const' ? describeChoices(name) : error.message;
    problems.push(`${prefix}_${name} / ${name} is ${shown}: ${expected}`);
  }
  return problems;
}

function describeChoices(name: string): string {
  const schema = EnvSchema.properties[name as keyof Env] as { anyOf?: { const: string }[] };
  return `must be one of ${(schema.anyOf ?? []).map((option) => option.const).join(', ')}`;
}

function parseOrigins(raw: string, production: boolean, problems: string[]): string[] {
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') {
      if (production) problems.push('CORS_ORIGINS contains "*": a wildcard is refused in production');
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== origin) {
      problems.push(
        `CORS_ORIGINS entry ${JSON.stringify(origin)} is not an origin like https://app.example.com`,
      );
    }
  }
  return origins;
}

export function loadConfig(options: LoadConfigOptions): PlatformConfig {
  const env = options.env ?? process.env;
  const prefix = options.appName.toUpperCase();
  const raw: Record<string, unknown> = {};
  for (const key of keys) {
    const value = readRaw(env, prefix, key);
    if (value !== undefined) raw[key] = value;
  }
  raw.PORT ??= String(options.defaultPort);
  const converted = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw)) as Record<string, unknown>;
  // Every check runs even when some values are malformed, so one report lists every problem.
  const problems = describeErrors(converted, prefix);
  const values = converted as Env;

  const production = values.NODE_ENV === 'production';
  const warnings: string[] = [];
  const baseDir = isAbsolute(values.DATA_DIR) ? values.DATA_DIR : resolve(values.DATA_DIR);
  const dataDir = join(baseDir, options.appName);
  const corsOrigins = parseOrigins(values.CORS_ORIGINS, production, problems);
  const trustProxy = parseTrustProxy(values.TRUST_PROXY, production, problems, warnings);
  const secrets = resolveSecrets(
    env,
    prefix,
    values,
    dataDir,
    [...PLATFORM_OPTIONAL_SECRETS, ...(options.optionalSecrets ?? [])],
    problems,
    warnings,
  );
  const storage = parseStorage(values, secrets.STORAGE_S3_SECRET, problems);
  const settings: Record<string, string> = {};
  for (const name of options.optionalSettings ?? []) {
    const value = readRaw(env, prefix, name);
    if (value !== undefined) settings[name] = value;
  }
  if (problems.length > 0) throw new ConfigError(options.appName, problems);

  return {
    appName: options.appName,
    env: values.NODE_ENV,
    host: values.HOST,
    port: values.PORT,
    logLevel: values.LOG_LEVEL,
    logFile: values.LOG_FILE,
    dataDir,
    databaseUrl: values.DATABASE_URL,
    databasePoolMax: values.DATABASE_POOL_MAX,
    redisUrl: values.REDIS_URL,
    corsOrigins,
    trustProxy,
    bodyLimitBytes: values.BODY_LIMIT_BYTES,
    jsonMaxDepth: values.JSON_MAX_DEPTH,
    requestTimeoutMs: values.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: values.HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: values.KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeoutMs: values.CONNECTION_TIMEOUT_MS,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: values.SHUTDOWN_DRAIN_MS ?? (production ? 5_000 : 0),
    exposeDocs: values.EXPOSE_DOCS ?? !production,
    exposeMetrics: values.EXPOSE_METRICS ?? !production,
    secrets,
    settings,
    auth: {
      jwtAlgorithm: values.JWT_ALGORITHM,
      jwtPrivateKey: values.JWT_PRIVATE_KEY,
      jwtPreviousKeys: values.JWT_PREVIOUS_KEYS.split(',')
        .map((key) => key.trim())
        .filter(Boolean),
      accessTokenTtlSeconds: values.ACCESS_TOKEN_TTL_SECONDS,
      sessionIdleSeconds: values.SESSION_IDLE_TIMEOUT_SECONDS,
      sessionMaxSeconds: values.SESSION_MAX_LIFETIME_SECONDS,
      clockSkewSeconds: values.TOKEN_CLOCK_SKEW_SECONDS,
    },
    rateLimit: {
      enabled: values.RATE_LIMIT_ENABLED,
      perMinute: {
        default: values.RATE_LIMIT_DEFAULT_PER_MINUTE,
        auth: values.RATE_LIMIT_AUTH_PER_MINUTE,
        payments: values.RATE_LIMIT_PAYMENTS_PER_MINUTE,
      },
      banThresholdPerMinute: values.RATE_LIMIT_BAN_THRESHOLD_PER_MINUTE,
      addressBanThresholdPerMinute: values.RATE_LIMIT_ADDRESS_BAN_THRESHOLD_PER_MINUTE,
      banSeconds: values.RATE_LIMIT_BAN_SECONDS,
      banCacheMs: values.RATE_LIMIT_BAN_CACHE_MS,
      redisTimeoutMs: values.RATE_LIMIT_REDIS_TIMEOUT_MS,
      keyPrefix: values.RATE_LIMIT_KEY_PREFIX,
    },
    loadShedding: {
      maxEventLoopDelayMs: values.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: values.PRESSURE_MAX_HEAP_USED_BYTES,
      maxRssBytes: values.PRESSURE_MAX_RSS_BYTES,
      retryAfterSeconds: values.PRESSURE_RETRY_AFTER_SECONDS,
    },
    storage,
    warnings,
  };
}

function parseStorage(values: Env, secretAccessKey: string | undefined, problems: string[]): StorageSettings {
  const bucket = values.STORAGE_S3_BUCKET;
  const accessKeyId = values.STORAGE_S3_ACCESS_KEY_ID;
  if (!bucket) {
    const stray = [
      values.STORAGE_S3_ENDPOINT && 'STORAGE_S3_ENDPOINT',
      accessKeyId && 'STORAGE_S3_ACCESS_KEY_ID',
      secretAccessKey && 'STORAGE_S3_SECRET',
    ].filter(Boolean);
    if (stray.length > 0) {
      problems.push(`${stray.join(', ')} set without STORAGE_S3_BUCKET: files would silently stay on disk`);
    }
    return { s3: undefined };
  }
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    problems.push('STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET go together: set both, or neither');
  }
  if (values.STORAGE_S3_ENDPOINT && !URL.canParse(values.STORAGE_S3_ENDPOINT)) {
    problems.push(`STORAGE_S3_ENDPOINT ${JSON.stringify(values.STORAGE_S3_ENDPOINT)} is not a URL`);
  }
  return {
    s3: {
      bucket,
      region: values.STORAGE_S3_REGION,
      endpoint: values.STORAGE_S3_ENDPOINT,
      accessKeyId,
      secretAccessKey,
      forcePathStyle: values.STORAGE_S3_FORCE_PATH_STYLE,
    },
  };
}

function resolveSecrets(
  env: NodeJS.ProcessEnv,
  prefix: string,
  values: Env,
  dataDir: string,
  optionalSecrets: readonly string[],
  problems: string[],
  warnings: string[],
): PlatformConfig['secrets'] {
  const secrets: Record<string, string> = {};
  for (const name of optionalSecrets) {
    const value = readRaw(env, prefix, name);
    if (value === undefined) continue;
    const weakness = secretWeakness(value);
    if (weakness && values.NODE_ENV === 'production') problems.push(`${name} ${weakness}`);
    else if (weakness) warnings.push(`${name} ${weakness}; it would be refused in production`);
    secrets[name] = value;
  }
  if (values.JWT_ALGORITHM === 'EdDSA' && !values.JWT_PRIVATE_KEY) {
    problems.push('JWT_PRIVATE_KEY is missing: JWT_ALGORITHM=EdDSA signs with an Ed25519 key in PKCS#8 PEM');
  }
  const required = { jwt: 'JWT_SECRET', encryption: 'ENCRYPTION_KEY' } as const;
  const given: Partial<Record<keyof typeof required, string>> = {};
  const missing: string[] = [];
  for (const [purpose, name] of Object.entries(required) as [keyof typeof required, string][]) {
    const value = readRaw(env, prefix, name);
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    const weakness = secretWeakness(value);
    if (weakness && values.NODE_ENV === 'production') problems.push(`${name} ${weakness}`);
    else if (weakness) warnings.push(`${name} ${weakness}; it would be refused in production`);
    given[purpose] = value;
  }
  if (missing.length > 0 && values.NODE_ENV === 'production') {
    for (const name of missing) problems.push(`${name} is missing: production never generates secrets`);
  } else if (missing.length > 0 && values.NODE_ENV === 'test') {
    for (const name of missing) secrets[name] = randomBytes(48).toString('base64url');
  } else if (missing.length > 0) {
    const stored = loadOrCreateDevelopmentSecrets(dataDir, missing);
    Object.assign(secrets, stored.secrets);
    const verb = stored.generated.length > 0 ? 'generated' : 'using';
    warnings.push(
      `${verb} development secrets ${missing.join(', ')} in ${stored.file}; never use them in production`,
    );
  }
  return {
    ...secrets,
    jwt: given.jwt ?? secrets.JWT_SECRET ?? '',
    encryption: given.encryption ?? secrets.ENCRYPTION_KEY ?? '',
  };
}
