// Owns the refusals of incoming webhook deliveries: the error a signature scheme throws, and the one
// table mapping each reason to its HTTP answer. Every refusal of the request itself is a 400 (not
// the 401 some specs suggest: a provider treats every non-2xx alike, and 401 would invite a
// WWW-Authenticate challenge no provider answers; docs/webhooks.md). A missing secret is the
// operator's fault, not the sender's: 503, so the provider keeps retrying until it is configured.
import { AppError } from '../errors/index.js';
import type { WebhookRejection } from './types.js';

export class WebhookRejected extends Error {
  override name = 'WebhookRejected';

  constructor(readonly reason: WebhookRejection) {
    super(reason);
  }
}

const refusals: Record<Exclude<WebhookRejection, 'secret_not_configured'>, string> = {
  signature_missing: 'The request carries no signature header.',
  signature_malformed: 'The signature header is not in the provider format.',
  signature_mismatch: 'No signature matches the body with any configured secret.',
  timestamp_outside_tolerance: 'The signed timestamp is too far from the current time.',
  body_malformed: 'The signed delivery is not an event in the provider format (docs/webhooks.md).',
};

/**
 * Thrown by a handler for an event that can never be applied as it is (no retry would change it):
 * the inbox rolls the handler's effects back, records the event as unresolved with `reason` (no
 * secrets: it is stored and shown to operators) and the endpoint answers 200, so the provider stops
 * retrying and reconciliation reports it. Transient failures throw anything else.
 */
export class UnresolvedWebhookEvent extends Error {
  override name = 'UnresolvedWebhookEvent';

  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The answer to a refused delivery, as the HTTP kernel maps it. */
export function rejectionError(reason: WebhookRejection): AppError {
  if (reason === 'secret_not_configured') {
    return new AppError({
      kind: 'unavailable',
      code: 'webhooks_not_configured',
      detail: 'This endpoint has no signing secret configured yet.',
    });
  }
  return new AppError({ kind: 'invalid_input', code: reason, detail: refusals[reason] });
}

/** Failing processing answers 500 without internals: the provider retries, the log has the cause. */
export function processingFailed(cause: unknown): AppError {
  return new AppError({
    kind: 'internal',
    code: 'webhook_processing_failed',
    detail: 'The event could not be processed; it was recorded and a later delivery will retry it.',
    expose: true,
    cause,
  });
}
