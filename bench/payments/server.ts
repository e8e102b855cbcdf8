// The server bench/payments loads: the pairly app exactly as main.ts starts it (its real
// /webhooks/stripe endpoint, the payments event router, grants through the credits ledger), with
// the Stripe webhook secret the bench sets, and two bench-only routes guarded by the BENCH_TOKEN
// header: POST /bench/payments/seed (N buyers and N Stripe orders in `created`, written straight to
// the database as the orders service would leave them after Checkout was opened; setup, not
// measured) and GET /bench/payments/grants (purchase transfers in the ledger and paid orders, read
// back to check every order was granted exactly once). No provider API is called: the events carry
// everything a grant needs.
import { randomUUID } from 'node:crypto';
import { AppError, type PlatformServer, runMain, type ServerDependencies } from '@app/platform';
import Type from 'typebox';
import { createPairlyApp } from '../../apps/pairly/src/app.js';
import { pairlyOptionsFromEnv } from '../../apps/pairly/src/env-options.js';
import { pairlyAccessPolicy } from '../../apps/pairly/src/modules/identity/access-policy.js';
import { packById } from '../../apps/pairly/src/modules/payments/packs.js';
import {
  BENCH_CURRENCY,
  BENCH_PACK,
  BENCH_TOKEN_HEADER,
  GRANTS_PATH,
  SEED_PATH,
  type SeededOrder,
} from './protocol.js';

const benchToken = process.env.BENCH_TOKEN;
if (!benchToken) throw new Error('BENCH_TOKEN must be set (bench/payments/run.ts sets it)');

function registerBenchRoutes(app: PlatformServer, { db, clock }: ServerDependencies): void {
  const guard = async (request: { headers: Record<string, unknown> }) => {
    if (request.headers[BENCH_TOKEN_HEADER] !== benchToken) {
      throw new AppError({
        kind: 'forbidden',
        code: 'bench_only',
        detail: 'Bench routes need the bench token.',
      });
    }
  };
  const pack = packById(BENCH_PACK);
  if (!pack) throw new Error(`bench/payments: no pack ${BENCH_PACK}`);
  const amount = pack.prices[BENCH_CURRENCY];

  app.post(
    SEED_PATH,
    {
      schema: {
        hide: true,
        body: Type.Object({
          runId: Type.String({ pattern: '^[a-z0-9]{1,16}$' }),
          orders: Type.Integer({ minimum: 1, maximum: 100_000 }),
        }),
      },
      preHandler: guard,
    },
    async (request) => {
      const { runId, orders } = request.body as { runId: string; orders: number };
      const now = clock.now();
      const seeded: SeededOrder[] = Array.from({ length: orders }, (_, index) => ({
        orderId: randomUUID(),
        userId: randomUUID(),
        sessionId: `cs_test_bench_${runId}_${index}`,
        amount,
        credits: pack.credits,
      }));
      const chunk = 1_000;
      for (let start = 0; start < seeded.length; start += chunk) {
        const part = seeded.slice(start, start + chunk);
        await db.executeSql(
          `insert into auth_users (id, email, password_hash, role, created_at, password_changed_at)
           select id, 'bench-pay-' || id || '@example.com', 'x', 'fan', $2, $2 from unnest($1::uuid[]) as id`,
          [part.map((order) => order.userId), now],
        );
        await db.executeSql(
          `insert into payment_orders (id, user_id, pack_id, credits, amount, currency, provider, status,
                                       provider_order_id, idempotency_key, request_hash, created_at, updated_at)
           select o.id, o.user_id, $3, $4, $5, $6, 'stripe', 'created', o.session_id, 'bench-' || o.id, 'bench', $7, $7
             from unnest($1::uuid[], $2::uuid[], $8::text[]) as o(id, user_id, session_id)`,
          [
            part.map((order) => order.orderId),
            part.map((order) => order.userId),
            BENCH_PACK,
            pack.credits,
            amount,
            BENCH_CURRENCY,
            now,
            part.map((order) => order.sessionId),
          ],
        );
      }
      return { orders: seeded };
    },
  );

  app.get(GRANTS_PATH, { schema: { hide: true }, preHandler: guard }, async () => {
    const { rows } = await db.executeSql(
      `select (select count(*)::int from credit_transfers where kind = 'purchase') as transfers,
              (select coalesce(sum(amount), 0)::bigint from credit_transfers where kind = 'purchase') as credits,
              (select count(*)::int from payment_orders where status = 'paid' and credits_granted > 0) as paid,
              (select count(*)::int from payment_orders where status = 'review') as review`,
    );
    const row = rows[0] as { transfers: number; credits: number | string; paid: number; review: number };
    return { transfers: row.transfers, credits: Number(row.credits), paid: row.paid, review: row.review };
  });
}

const pairly = createPairlyApp(pairlyOptionsFromEnv());
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
