// Owns `GET /dev/mail`: the latest mails of the outbox (password resets and notifications), so a
// developer can finish those flows without a mail provider. Outbox mails hold live reset links, so
// the route exists only outside production, answers only a peer on the loopback interface (the
// socket's address, never X-Forwarded-For), and is left out of the API docs. Anywhere else it is
// the ordinary 404.
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { readOutbox } from '../auth/mail.js';
import { identityDb } from '../auth/schema.js';
import type { PlatformConfig } from '../config/index.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { AppDefinition } from './app-definition.js';

export const DEV_MAIL_PATH = '/dev/mail';
const DEFAULT_LIMIT = 20;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Development only, and only for apps whose migrations include the identity tables (the outbox). */
export function devMailAvailable(config: PlatformConfig, definition: AppDefinition): boolean {
  return config.env !== 'production' && definition.migrations.some((set) => set.scope === 'auth');
}

const MessageSchema = Type.Object({
  id: Type.Integer(),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export function registerDevMailRoute(app: FastifyInstance, db: Database): void {
  app.get(
    DEV_MAIL_PATH,
    {
      schema: {
        hide: true,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LIMIT }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ messages: Type.Array(MessageSchema) }) },
      },
    },
    async (request) => {
      if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) {
        // The same answer as a path with no route at all.
        throw new AppError({
          kind: 'not_found',
          code: 'route_not_found',
          detail: `No route matches GET ${DEV_MAIL_PATH}.`,
        });
      }
      const { limit } = request.query as { limit: number };
      const messages = await readOutbox(identityDb(db), limit);
      return {
        messages: messages.map((message) => ({ ...message, createdAt: message.createdAt.toISOString() })),
      };
    },
  );
}
