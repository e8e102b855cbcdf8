// Owns enforcing limits and bans on every HTTP request (WebSocket upgrades included), in one
// onRequest hook: find the client (client-key.ts), refuse a banned one (its address or its user) with
// 403 client_banned, count the request towards the ban thresholds, then take it from its route
// class's limit: 429 rate_limited with Retry-After when refused, the RateLimit headers on every answer
// of a limited route. A route picks its class with `config: { rateLimit: 'auth' | 'payments' | false }`
// (default otherwise); the kernel's health, readiness, metrics and docs routes are never limited.
// Who pays: `auth` routes (sign-up, sign-in, refresh, reset, second factor) always draw on the
// address's budget, whatever token comes along, and on the user's too when a valid token names one;
// other classes draw on the user's budget when a valid token names one, else the address's. The ban
// trigger counts every request against its address (under the address ceiling when a valid token
// put it on a user's budget, which then counts too), so rotating tokens never escapes a ban.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { AppError } from '../errors/index.js';
import type { ServerDependencies } from '../http/server.js';
import { systemClock } from '../time/clock.js';
import { createCachedBanList } from './ban-cache.js';
import { type BanTrigger, createBanTrigger } from './ban-trigger.js';
import { type Ban, type BanList, createBanList } from './bans.js';
import { type Client, identifyClient, type TokenVerifier } from './client-key.js';
import { rateLimitHeaders } from './headers.js';
import { createLimiterStore } from './limiter-store.js';
import { definePolicy, type RateLimitPolicy } from './policies.js';
import type { Decision } from './store.js';

export type RouteClass = 'default' | 'auth' | 'payments';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's rate-limit class; false exempts it from limits and bans. Default: 'default'. */
    rateLimit?: Exclude<RouteClass, 'default'> | false;
  }
  interface FastifyInstance {
    /** The ban list as this instance enforces it. */
    bans: BanList;
  }
}

/** Operational routes: probes, scrapes and docs must keep answering a flooded or banned client. */
export function isOperationalRoute(url: string | undefined): boolean {
  return url === '/health' || url === '/ready' || url === '/metrics' || url?.startsWith('/docs') === true;
}

const minute = 60_000;

export interface RateLimiting {
  /** Called by identity with tokens.verify, so callers with a valid bearer token are limited per user. */
  useTokenVerifier(verify: TokenVerifier): void;
}

interface Charges {
  /** Keys whose budget in the route's class must admit the request. */
  limited: string[];
  /** Ban counters the request counts towards, with the key each counts it against. */
  counted: [BanTrigger, string][];
}

/** Of two budgets that must both admit a request, the one the client is told about. */
const strictest = (a: Decision, b: Decision): Decision => {
  if (a.allowed !== b.allowed) return a.allowed ? b : a;
  return b.remaining < a.remaining || (!b.allowed && b.retryAfterMs > a.retryAfterMs) ? b : a;
};

const banned = (ban: Ban) =>
  new AppError({
    kind: 'forbidden',
    code: 'client_banned',
    detail: `This client is banned until ${ban.until.toISOString()}.`,
  });

export async function installRateLimiting(
  app: FastifyInstance,
  dependencies: ServerDependencies,
  registry: Registry,
): Promise<RateLimiting> {
  const { config, logger, kv } = dependencies;
  // Real time, as Redis keeps: a test that moves its fake clock back must not empty every bucket.
  const clock = systemClock;
  const settings = config.rateLimit;
  let verify: TokenVerifier | undefined;
  const rateLimiting: RateLimiting = {
    useTokenVerifier(tokenVerifier) {
      verify = tokenVerifier;
    },
  };
  const bans = createCachedBanList(createBanList(kv, { clock }), {
    ttlMs: settings.banCacheMs,
    timeoutMs: settings.redisTimeoutMs,
    clock,
    logger,
  });
  app.decorate('bans', bans);
  // A WebSocket upgrade refused here or by load shedding has left Node's HTTP parser: nothing else
  // would ever close its socket.
  app.addHook('onResponse', async (request, reply) => {
    const socket = request.raw.socket as { destroy?: () => void } | undefined;
    if (request.headers.upgrade !== undefined && reply.statusCode >= 400) socket?.destroy?.();
  });
  if (!settings.enabled) return rateLimiting;

  const policies: Record<RouteClass, RateLimitPolicy> = {
    default: definePolicy('default', settings.perMinute.default, minute),
    auth: definePolicy('auth', settings.perMinute.auth, minute),
    payments: definePolicy('payments', settings.perMinute.payments, minute),
  };
  const { store, close } = await createLimiterStore({
    redisUrl: config.redisUrl,
    settings,
    logger,
    clock,
    registry,
  });
  const banMs = settings.banSeconds * 1000;
  const trigger = createBanTrigger({ store, bans, threshold: settings.banThresholdPerMinute, banMs });
  const addressTrigger = createBanTrigger({
    store,
    bans,
    name: 'ban-trigger-address',
    threshold: settings.addressBanThresholdPerMinute,
    banMs,
  });

  /** Counts the request towards a ban threshold; a ban the shared list cannot take holds here. */
  async function countTowardsBan([counter, client]: [BanTrigger, string]): Promise<Ban | null> {
    try {
      return await counter.record(client);
    } catch (error) {
      const ban = { until: new Date(clock.now().getTime() + banMs), reason: 'flood' };
      bans.enforceLocally(client, ban);
      logger.error({ event: 'ban_not_shared', err: error }, 'ban enforced on this instance only');
      return ban;
    }
  }

  /** The keys whose budgets a request draws on, and the ban counters it counts towards. */
  function chargesOf(routeClass: RouteClass, { ipKey, userKey }: Client): Charges {
    if (routeClass === 'auth') {
      return { limited: userKey ? [ipKey, userKey] : [ipKey], counted: [[trigger, ipKey]] };
    }
    if (!userKey) return { limited: [ipKey], counted: [[trigger, ipKey]] };
    return {
      limited: [userKey],
      counted: [
        [trigger, userKey],
        [addressTrigger, ipKey],
      ],
    };
  }

  app.addHook('onRoute', (route) => {
    if (isOperationalRoute(route.url)) route.config = { ...route.config, rateLimit: false };
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const declared = request.routeOptions.config?.rateLimit;
    if (declared === false) return;
    const routeClass = declared ?? 'default';
    const policy = policies[routeClass];
    const client = await identifyClient(request, verify);
    const [userBan, ipBan] = await Promise.all([
      client.userKey === null ? null : bans.isBanned(client.userKey),
      bans.isBanned(client.ipKey),
    ]);
    const ban = userBan ?? ipBan;
    if (ban) throw banned(ban);
    const { limited, counted } = chargesOf(routeClass, client);
    const [newBans, decisions] = await Promise.all([
      Promise.all(counted.map(countTowardsBan)),
      Promise.all(limited.map((key) => store.consume(key, policy))),
    ]);
    const newBan = newBans.find((found) => found !== null);
    if (newBan) throw banned(newBan);
    const decision = decisions.reduce(strictest);
    reply.headers(rateLimitHeaders(decision, policy));
    if (!decision.allowed) {
      throw new AppError({
        kind: 'rate_limited',
        code: 'rate_limited',
        detail: `Too many requests: ${policy.limit} per minute are allowed here.`,
        retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
      });
    }
  });
  app.addHook('onClose', close);
  return rateLimiting;
}
