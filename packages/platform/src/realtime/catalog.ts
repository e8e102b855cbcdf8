// Owns the catalogue of frame types an app registers on the gateway: client frames with their
// handler and compiled schema (validated by the same compiler and options as HTTP JSON bodies, so a
// frame's field is never coerced), and the events the server sends, for the docs and AsyncAPI.
import type { TSchema } from 'typebox';
import { AppError } from '../errors/index.js';
import { fieldProblems, type ValidationIssue } from '../http/validation-errors.js';
import { validatorFactory } from '../http/validators.js';
import { RESERVED_TYPES } from './protocol.js';
import type { Delivery, FrameHandler, FrameHandlerOptions } from './types.js';

type Validate = ((value: unknown) => boolean) & { errors?: ValidationIssue[] | null };

export interface RegisteredHandler {
  type: string;
  summary: string;
  schema: TSchema;
  handler: FrameHandler<TSchema>;
  /** Throws AppError `invalid_frame` (400) with one problem per bad field. */
  check(fields: Record<string, unknown>): void;
}

export interface RegisteredEvent {
  type: string;
  summary: string;
  schema: TSchema;
  delivery: Delivery;
}

const TYPE_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

function assertNewType(type: string, taken: ReadonlyMap<string, unknown>, what: string): void {
  if (!TYPE_NAME.test(type))
    throw new Error(`realtime ${what} type ${JSON.stringify(type)} is not a valid name`);
  if (RESERVED_TYPES.has(type)) throw new Error(`realtime ${what} type "${type}" is reserved by the gateway`);
  if (taken.has(type)) throw new Error(`realtime ${what} type "${type}" is already registered`);
}

export function createCatalog() {
  const compile = validatorFactory()({}, {}) as unknown as (route: {
    schema: unknown;
    method: string;
    url: string;
    httpPart: string;
  }) => Validate;
  const handlers = new Map<string, RegisteredHandler>();
  const events = new Map<string, RegisteredEvent>();

  return {
    handle<S extends TSchema>(type: string, options: FrameHandlerOptions<S>): void {
      assertNewType(type, handlers, 'frame');
      const validate = compile({ schema: options.schema, method: 'WS', url: type, httpPart: 'body' });
      handlers.set(type, {
        type,
        summary: options.summary,
        schema: options.schema,
        handler: options.handler as FrameHandler<TSchema>,
        check(fields) {
          if (validate(fields)) return;
          throw new AppError({
            kind: 'invalid_input',
            code: 'invalid_frame',
            detail: `The "${type}" frame has invalid fields.`,
            fields: fieldProblems(validate.errors ?? [], 'frame'),
          });
        },
      });
    },

    describeEvent(type: string, options: { summary: string; schema: TSchema; delivery: Delivery }): void {
      assertNewType(type, events, 'event');
      events.set(type, { type, ...options });
    },

    handlerFor: (type: string) => handlers.get(type),
    handlers: () => [...handlers.values()],
    events: () => [...events.values()],
  };
}

export type Catalog = ReturnType<typeof createCatalog>;
