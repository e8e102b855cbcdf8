// Owns the RFC 9457 problem+json shape and the one mapping from anything thrown during a request
// (AppError, fastify's own errors, validation failures, unknown bugs) to a status and a body.
// 5xx bodies never carry internals: the stack, SQL and paths go to the log only, with the request id
// so an operator can find them from what the client saw.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import {
  AppError,
  dependencyUnavailable,
  type FieldProblem,
  statusForKind,
  titleForKind,
} from '../errors/index.js';
import { NO_STORE } from './cache-control.js';
import { fieldProblems, type ValidationIssue } from './validation-errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  requestId: string;
  instance?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

const fastifyCodes: Record<string, { kind: AppError['kind']; code: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    kind: 'payload_too_large',
    code: 'body_too_large',
    detail: 'The request body is larger than this server accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    kind: 'unsupported_media_type',
    code: 'unsupported_media_type',
    detail: 'The Content-Type of the request body is not supported; send application/json.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    kind: 'invalid_input',
    code: 'body_empty',
    detail: 'The request body is empty but declared as JSON.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    kind: 'invalid_input',
    code: 'body_malformed_json',
    detail: 'The request body is not well-formed JSON.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    kind: 'invalid_input',
    code: 'invalid_content_length',
    detail: 'The Content-Length header does not match the body.',
  },
};

/** Normalises anything thrown while serving a request into an AppError. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError && error.kind !== 'internal') return error;
  // Checked before anything else: a lost database is an outage to retry, not a bug.
  if (isDatabaseUnavailable(error)) {
    return dependencyUnavailable('A service this request needs is unreachable; retry shortly.', error);
  }
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError> & { validation?: ValidationIssue[] };
  if (Array.isArray(fastifyError.validation)) {
    const fields = fieldProblems(fastifyError.validation, fastifyError.validationContext);
    return new AppError({
      kind: 'invalid_input',
      code: 'validation_failed',
      detail: `The request is invalid: ${fields.map((field) => `${field.path} ${field.message}`).join('; ')}.`,
      fields,
    });
  }
  const known = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (known) return new AppError(known);
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const kind = status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'invalid_input';
    return new AppError({
      kind,
      code: 'bad_request',
      detail: 'The request could not be processed.',
      cause: error,
    });
  }
  return new AppError({
    kind: 'internal',
    code: 'internal_error',
    detail: 'An unexpected error occurred.',
    cause: error,
  });
}

export function problemBody(error: AppError, requestId: string, instance?: string): ProblemBody {
  const status = statusForKind(error.kind);
  const body: ProblemBody = {
    type: `urn:problem:${error.code}`,
    title: titleForKind(error.kind),
    status,
    code: error.code,
    detail: error.expose ? error.message : 'An unexpected error occurred.',
    requestId,
  };
  if (instance !== undefined) body.instance = instance;
  if (error.fields) body.errors = error.fields;
  return body;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError, extra?: object) {
  const body = problemBody(error, request.id, request.url.split('?')[0]);
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value);
  if (body.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply
    .code(body.status)
    .header('cache-control', NO_STORE)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(extra ? { ...body, ...extra } : body));
}

export function handleRequestError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  const status = statusForKind(appError.kind);
  if (status >= 500) {
    request.log.error({ err: appError.cause ?? appError, code: appError.code }, 'request failed');
  }
  return sendProblem(request, reply, appError);
}

/**
 * fastify's `frameworkErrors`: errors raised before routing (a path parameter longer than
 * maxParamLength, a malformed URL) answered as problem+json like every other error.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id);
  if (error.code !== 'FST_ERR_MAX_PARAM_LENGTH') return handleRequestError(error, request, reply);
  const body = problemBody(
    new AppError({
      kind: 'invalid_input',
      code: 'uri_too_long',
      detail: 'A path segment of the URL is longer than this server accepts.',
    }),
    request.id,
  );
  return reply
    .code(414)
    .header('cache-control', NO_STORE)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ ...body, title: 'URI Too Long', status: 414 }));
}
