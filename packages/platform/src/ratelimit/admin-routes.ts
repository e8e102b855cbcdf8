// Owns the admin API of the ban list: list the bans in force, ban a client for a while, lift a ban.
// Every route needs the `ratelimit:bans` permission (admins hold '*'), and every change is written to
// the audit log with who made it, from where and under which request id.
import Type from 'typebox';
import type { Identity } from '../auth/identity.js';
import { AppError } from '../errors/index.js';
import { problemResponses } from '../http/problem-responses.js';
import type { PlatformServer } from '../http/server.js';

/** A client as limits and bans key it: "ip:<address>" or "user:<id>". */
const Client = Type.String({ pattern: '^(ip|user):[A-Za-z0-9:._-]{1,128}$', maxLength: 133 });

const BanBody = Type.Object(
  {
    client: Client,
    until: Type.String({ format: 'date-time' }),
    reason: Type.String(),
  },
  { additionalProperties: false },
);

const tags = ['rate limiting'];

export async function registerBanAdminRoutes(app: PlatformServer, identity: Identity): Promise<void> {
  const preHandler = identity.requirePermission('ratelimit:bans');
  const errors = problemResponses(400, 401, 403, 429);

  app.get(
    '/admin/bans',
    {
      preHandler,
      schema: {
        tags,
        summary: 'List the bans in force, the soonest to end first',
        response: { 200: Type.Object({ bans: Type.Array(BanBody) }), ...errors },
      },
    },
    async () => {
      const bans = await app.bans.list();
      return { bans: bans.map((ban) => ({ ...ban, until: ban.until.toISOString() })) };
    },
  );

  app.put(
    '/admin/bans',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Ban a client (a longer ban in force is kept)',
        body: Type.Object(
          {
            client: Client,
            durationSeconds: Type.Integer({ minimum: 1, maximum: 365 * 86_400 }),
            reason: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: BanBody, ...errors },
      },
    },
    async (request) => {
      const { client, durationSeconds, reason } = request.body;
      const ban = await app.bans.ban(client, { durationMs: durationSeconds * 1000, reason });
      const until = ban.until.toISOString();
      await identity.audit(request, {
        action: 'ratelimit.ban',
        targetType: 'client',
        targetId: client,
        after: { until, reason: ban.reason },
      });
      return { client, until, reason: ban.reason };
    },
  );

  app.delete(
    '/admin/bans/:client',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Lift the ban of a client',
        params: Type.Object({ client: Client }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { client } = request.params;
      if (!(await app.bans.lift(client))) {
        throw new AppError({ kind: 'not_found', code: 'ban_not_found', detail: `${client} is not banned.` });
      }
      await identity.audit(request, { action: 'ratelimit.unban', targetType: 'client', targetId: client });
      return reply.code(204).send(null);
    },
  );
}
