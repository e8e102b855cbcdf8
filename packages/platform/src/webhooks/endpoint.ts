// Owns the HTTP side of incoming webhooks: a POST route (plus aliases) in its own encapsulated
// plugin, whose content-type parser keeps the body as the exact bytes received (whatever the
// Content-Type: the signature covers bytes, not JSON), bounded by its own body limit. Each delivery
// is verified with the server's clock, then handed to the inbox with the app's handler. Answers:
// 200 {received, duplicate, outcome} (an unresolved event too: retrying would not change it); a
// refusal 400 problem+json naming the reason and leaving no trace in the inbox; no secret
// configured 503; a failing handler 500 without internals, so the provider retries. The route
// needs no session (the signature is the authentication) and is exempt from per-client rate
// limits: a provider delivers bursts from a few addresses, and an unsigned request costs one HMAC
// and touches nothing (docs/webhooks.md).
// It must never log a payload, a signature or a secret.
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { ProblemSchema, problemResponses } from '../http/problem-responses.js';
import { processingFailed, rejectionError, WebhookRejected } from './errors.js';
import type { RegisterWebhookEndpoint, SignatureScheme, WebhookEvent } from './types.js';

const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
const EMPTY = Buffer.alloc(0);

const Received = Type.Object(
  {
    received: Type.Literal(true),
    duplicate: Type.Boolean({ description: 'The event had been processed before; nothing was done again.' }),
    outcome: Type.Union([Type.Literal('processed'), Type.Literal('ignored'), Type.Literal('unresolved')], {
      description:
        'What the handler did with the event (ignored: a type this app does not act on; unresolved: it can never be applied as it is, and is kept for reconciliation).',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      { received: true, duplicate: false, outcome: 'processed' },
      { received: true, duplicate: true, outcome: 'processed' },
    ],
  },
);

function routeSchema(scheme: SignatureScheme) {
  const docs = scheme.documentation;
  return {
    tags: ['webhooks'],
    summary: `Receive a signed ${scheme.provider} event`,
    description:
      `Called by ${scheme.provider}, not by clients. The body is verified byte for byte against the ` +
      'signature header before anything is read from it; each event is processed once, whatever ' +
      'the number of deliveries. See docs/webhooks.md.',
    ...(docs && {
      headers: Type.Object({ [docs.header]: Type.String({ description: docs.headerDescription }) }),
    }),
    body: Type.Object(
      { id: Type.String(), type: Type.String(), created: Type.Integer() },
      { additionalProperties: true, ...(docs && { examples: [docs.example] }) },
    ),
    response: {
      200: Received,
      ...problemResponses(400, 413, 415, 503),
      500: {
        description: 'The event could not be processed; it is recorded as failed and the provider retries',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    },
  };
}

export const registerWebhookEndpoint: RegisterWebhookEndpoint = (app, options) => {
  const { scheme, inbox, handler } = options;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  // The bytes stay beside the request, not in request.body: kernel hooks walk a parsed body value
  // by value (finite-numbers.ts), and the schema below only documents the event.
  const rawBodies = new WeakMap<FastifyRequest, Buffer>();

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
      rawBodies.set(request, body as Buffer);
      done(null, undefined);
    });

    const verify = (request: FastifyRequest): WebhookEvent => {
      const nowSeconds = Math.floor(scope.platform.clock.now().getTime() / 1000);
      try {
        return scheme.verify(rawBodies.get(request) ?? EMPTY, request.headers, nowSeconds);
      } catch (error) {
        if (!(error instanceof WebhookRejected)) throw error;
        request.log.warn(
          { event: 'webhook_refused', provider: scheme.provider, reason: error.reason },
          'webhook delivery refused',
        );
        throw rejectionError(error.reason);
      }
    };

    for (const url of [options.path, ...(options.aliases ?? [])]) {
      scope.post(
        url,
        {
          bodyLimit,
          config: { rateLimit: false },
          schema: routeSchema(scheme),
          // The schema documents the event; the signature scheme is what checks the bytes.
          validatorCompiler: () => () => true,
        },
        async (request) => {
          const event = verify(request);
          const delivery = { provider: scheme.provider, eventId: event.id, eventType: event.type };
          let result: Awaited<ReturnType<typeof inbox.process>>;
          try {
            result = await inbox.process(event, handler);
          } catch (error) {
            request.log.warn({ event: 'webhook_failed', ...delivery }, 'webhook handler failed');
            throw processingFailed(error);
          }
          request.log.info({ event: 'webhook_delivery', ...delivery, ...result }, 'webhook delivery');
          return { received: true as const, ...result };
        },
      );
    }
  });
};
