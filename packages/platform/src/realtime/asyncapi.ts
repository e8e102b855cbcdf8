// Owns the AsyncAPI 3.0 document of the realtime endpoint, generated from what the app registered:
// every client frame (`handle`) as a message the server receives, every event (`describeEvent`) as
// one it sends, plus the gateway's own frames (auth, auth_ok, reply, error). Served, public like the
// OpenAPI document, at /docs/asyncapi.json; built on each request since modules register late.
import type { TSchema } from 'typebox';
import type { PlatformServer } from '../http/server.js';
import type { Catalog } from './catalog.js';
import type { RealtimeOptions } from './options.js';
import { REALTIME_CLOSE } from './protocol.js';

export const ASYNCAPI_PATH = '/docs/asyncapi.json';

interface Message {
  name: string;
  summary: string;
  payload: Record<string, unknown>;
}

/** A frame's payload: `type` (and `id` for requests) beside the registered schema's fields. */
function framePayload(type: string, schema: TSchema | undefined, request: boolean): Record<string, unknown> {
  const envelope = {
    type: 'object',
    required: ['type'],
    properties: {
      type: { const: type },
      ...(request ? { id: { type: 'string', minLength: 1, maxLength: 64 } } : {}),
    },
  };
  return schema ? { allOf: [envelope, JSON.parse(JSON.stringify(schema))] } : envelope;
}

const gatewayMessages: Record<'received' | 'sent', Message[]> = {
  received: [
    {
      name: 'auth',
      summary: 'First frame: the access token (unless sent as the `bearer.<token>` subprotocol).',
      payload: framePayload('auth', undefined, false),
    },
  ],
  sent: [
    {
      name: 'auth_ok',
      summary: 'Authenticated: carries connectionId and heartbeatMs.',
      payload: framePayload('auth_ok', undefined, false),
    },
    {
      name: 'reply',
      summary: 'The answer to a request, with its `id` and `data`.',
      payload: framePayload('reply', undefined, false),
    },
    {
      name: 'error',
      summary: 'A refused request or frame: `id` (when known), `code`, `status`, `detail`.',
      payload: framePayload('error', undefined, false),
    },
  ],
};

export function asyncApiDocument(catalog: Catalog, options: RealtimeOptions, title: string) {
  const received = [
    ...gatewayMessages.received,
    ...catalog.handlers().map((handler) => ({
      name: handler.type,
      summary: handler.summary,
      payload: framePayload(handler.type, handler.schema, true),
    })),
  ];
  const sent = [
    ...gatewayMessages.sent,
    ...catalog.events().map((event) => ({
      name: event.type,
      summary: `${event.summary} (${event.delivery})`,
      payload: framePayload(event.type, event.schema, false),
    })),
  ];
  // A client frame and a server event may share a type (a request and the event it causes): keyed apart.
  const keyed = (side: 'client' | 'server', list: Message[]) =>
    list.map((message) => [`${side}.${message.name}`, message] as const);
  const entries = [...keyed('client', received), ...keyed('server', sent)];
  const messages = Object.fromEntries(entries);
  const refs = (side: 'client' | 'server') =>
    entries
      .filter(([key]) => key.startsWith(`${side}.`))
      .map(([key]) => ({ $ref: `#/channels/realtime/messages/${key}` }));
  return {
    asyncapi: '3.0.0',
    info: {
      title: `${title} realtime API`,
      version: '1',
      description:
        `JSON frames over one WebSocket (subprotocol "${options.subprotocol}"). Close codes: ` +
        Object.entries(REALTIME_CLOSE)
          .map(([name, code]) => `${code} ${name}`)
          .join(', '),
    },
    channels: { realtime: { address: options.path, messages } },
    operations: {
      receiveClientFrames: {
        action: 'receive',
        channel: { $ref: '#/channels/realtime' },
        messages: refs('client'),
      },
      sendServerFrames: {
        action: 'send',
        channel: { $ref: '#/channels/realtime' },
        messages: refs('server'),
      },
    },
  };
}

export function registerAsyncApiRoute(app: PlatformServer, build: () => unknown): void {
  app.get(ASYNCAPI_PATH, { schema: { hide: true } }, async () => build());
}
