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
// A request decided in memory (memory store, fresh ban-cache entries, a cached token) is decided
// without a promise (maybe-async.ts); Redis, ban-list reads and first token checks go async.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
import { after, type MaybePromise, settleAll, settleBoth } from './maybe-async.js';
import { definePolicy, type RateLimitPolicy } from './policies.js';
import { type Decision, take } from './store.js';

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
  /** Called by identity with its bearer-token verifier, so callers with a valid token are limited per user. */
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

  /** A ban the shared list could not take holds on this instance. */
  function banLocally(client: string, error: unknown): Ban {
    const ban = { until: new Date(clock.now().getTime() + banMs), reason: 'flood' };
    bans.enforceLocally(client, ban);
    logger.error({ event: 'ban_not_shared', err: error }, 'ban enforced on this instance only');
    return ban;
  }

  /** Counts the request towards a ban threshold. */
  function countTowardsBan([counter, client]: [BanTrigger, string]): MaybePromise<Ban | null> {
    try {
      const recorded = counter.record(client);
      return recorded instanceof Promise ? recorded.catch((error) => banLocally(client, error)) : recorded;
    } catch (error) {
      return banLocally(client, error);
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

  /** Refuses a banned client, counts the request and takes it from its budget; sets the headers. */
  function enforce(request: FastifyRequest, reply: FastifyReply, routeClass: RouteClass): MaybePromise<void> {
    const policy = policies[routeClass];
    return after(identifyClient(request, verify), (client) => {
      const banChecks = [
        client.userKey === null ? null : bans.check(client.userKey),
        bans.check(client.ipKey),
      ];
      return after(settleAll(banChecks), ([userBan, ipBan]) => {
        const ban = userBan ?? ipBan;
        if (ban) throw banned(ban);
        const { limited, counted } = chargesOf(routeClass, client);
        const newBans = settleAll(counted.map(countTowardsBan));
        const decisions = settleAll(limited.map((key) => take(store, key, policy)));
        // Settled together, as Promise.all did: a store failing while the other is pending reaches
        // the error handler instead of being an unhandled rejection.
        return after(settleBoth(newBans, decisions), ([found, made]) => {
          const newBan = found.find((ban) => ban !== null);
          if (newBan) throw banned(newBan);
          const decision = made.reduce(strictest);
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
      });
    });
  }

  app.addHook('onRequest', (request, reply, done) => {
    const declared = request.routeOptions.config?.rateLimit;
    if (declared === false) return done();
    let enforced: MaybePromise<void>;
    try {
      enforced = enforce(request, reply, declared ?? 'default');
    } catch (error) {
      return done(error as Error);
    }
    // done() runs the rest of the request; it stays outside the try so its errors are not taken
    // for the limiter's.
    if (enforced instanceof Promise) enforced.then(() => done(), done);
    else done();
  });
  app.addHook('onClose', close);
  return rateLimiting;
}
