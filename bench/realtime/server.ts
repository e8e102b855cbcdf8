// The server bench/realtime loads: the pairly app exactly as main.ts starts it (its real gateway on
// GET /realtime, messaging, credits), with the gateway limits the bench sets through
// BENCH_REALTIME_OPTIONS (JSON of createPairlyApp's `realtime` options: caps raised for 5,000
// sockets), cheap password hashing (sign-up is setup, not what is measured), and two bench-only
// routes guarded by the BENCH_TOKEN header: GET /bench/memory (this process's memory after a full
// GC) and POST /bench/fund (grants fans their credits through the credits service, as a purchase).
import { randomUUID } from 'node:crypto';
import { AppError, type PlatformServer, runMain, type ServerDependencies } from '@app/platform';
import Type from 'typebox';
import { createPairlyApp } from '../../apps/pairly/src/app.js';
import { pairlyOptionsFromEnv } from '../../apps/pairly/src/env-options.js';
import { createCreditsService } from '../../apps/pairly/src/modules/credits/service.js';
import { pairlyAccessPolicy } from '../../apps/pairly/src/modules/identity/access-policy.js';
import { BENCH_TOKEN_HEADER, FUND_PATH, MEMORY_PATH, memorySnapshot } from './bench-routes.js';

const benchToken = process.env.BENCH_TOKEN;
if (!benchToken) throw new Error('BENCH_TOKEN must be set');

function registerBenchRoutes(app: PlatformServer, { db, clock }: ServerDependencies): void {
  const credits = createCreditsService(db, clock);
  const guard = async (request: { headers: Record<string, unknown> }) => {
    if (request.headers[BENCH_TOKEN_HEADER] !== benchToken) {
      throw new AppError({
        kind: 'forbidden',
        code: 'bench_only',
        detail: 'Bench routes need the bench token.',
      });
    }
  };
  app.get(MEMORY_PATH, { schema: { hide: true }, preHandler: guard }, async () => memorySnapshot());
  app.post(
    FUND_PATH,
    {
      schema: {
        hide: true,
        body: Type.Object({
          userIds: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1_000 }),
          amount: Type.Integer({ minimum: 1 }),
        }),
      },
      preHandler: guard,
    },
    async (request) => {
      const { userIds, amount } = request.body as { userIds: string[]; amount: number };
      for (const userId of userIds) {
        await credits.add(
          { scope: 'bench', idempotencyKey: randomUUID() },
          { userId, amount, source: 'purchase' },
        );
      }
      return { funded: userIds.length };
    },
  );
}

const pairly = createPairlyApp({
  ...pairlyOptionsFromEnv(),
  hasher: { memoryKiB: 1024, iterations: 1 },
  realtime: JSON.parse(process.env.BENCH_REALTIME_OPTIONS ?? '{}'),
});
await runMain(
  {
    ...pairly,
    async registerModules(app, dependencies) {
      await pairly.registerModules(app, dependencies);
      registerBenchRoutes(app, dependencies);
    },
  },
  { accessPolicy: pairlyAccessPolicy },
);
