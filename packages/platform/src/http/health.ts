// Owns liveness (/health: the process answers) and readiness (/ready: the database and the
// key-value store answer within a deadline). A load balancer stops routing to an instance whose
// /ready says 503, and the body names the dependency that failed, never its error text.
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { dependencyUnavailable } from '../errors/index.js';
import { sendProblem } from './problem.js';
import type { ServerDependencies } from './server.js';

const CHECK_DEADLINE_MS = 2000;

type CheckState = 'ok' | 'failed';

const CheckStateSchema = Type.Union([Type.Literal('ok'), Type.Literal('failed')]);
const ChecksSchema = Type.Object(
  { database: CheckStateSchema, cache: CheckStateSchema },
  { additionalProperties: false },
);

async function check(probe: () => Promise<void>): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('deadline exceeded')), CHECK_DEADLINE_MS);
  });
  try {
    await Promise.race([probe(), deadline]);
    return 'ok';
  } catch {
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

const draining = new WeakSet<FastifyInstance>();

/** From now on /ready answers 503 (shutting down) so a load balancer moves away; other routes still serve. */
export function startDraining(app: FastifyInstance): void {
  draining.add(app);
}

export function registerHealthRoutes(
  app: FastifyInstance,
  dependencies: Pick<ServerDependencies, 'db' | 'kv'>,
) {
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up and serving',
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database and the key-value store answer',
        response: {
          200: Type.Object(
            { status: Type.Literal('ready'), checks: ChecksSchema },
            { additionalProperties: false },
          ),
          503: Type.Object({ status: Type.Number(), code: Type.String(), checks: ChecksSchema }),
        },
      },
    },
    async (request, reply) => {
      const [database, cache] = await Promise.all([
        check(() => dependencies.db.ping()),
        check(() => dependencies.kv.ping()),
      ]);
      const checks = { database, cache };
      if (draining.has(app)) {
        return sendProblem(request, reply, dependencyUnavailable('Not ready: shutting down.'), { checks });
      }
      if (database === 'ok' && cache === 'ok') return { status: 'ready' as const, checks };
      const failed = Object.entries(checks)
        .filter(([, state]) => state === 'failed')
        .map(([name]) => name);
      const error = dependencyUnavailable(`Not ready: ${failed.join(' and ')} unavailable.`);
      return sendProblem(request, reply, error, { checks });
    },
  );
}
