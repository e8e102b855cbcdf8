// Owns the contract of incoming provider webhooks (Stripe now, Razorpay for pairly later): how a
// delivery is authenticated (a SignatureScheme over the raw body), how it is recorded exactly once
// (the inbox, keyed by the provider's event id, written in the same transaction as the effect), and
// how an app's handler sees it. Implementations: signature.ts, inbox.ts, endpoint.ts.
import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';

/** One authenticated delivery, parsed. */
export interface WebhookEvent {
  /** The provider's event id (Stripe `evt_...`): the inbox key, with the provider name. */
  id: string;
  /** Provider event type, e.g. `customer.subscription.updated`. */
  type: string;
  /** When the provider created the event (Stripe `created`), for ordering by the handler. */
  createdAt: Date;
  /** The whole parsed JSON body. */
  payload: Record<string, unknown>;
}

/** Why a delivery was refused; every refusal is a 400 with no side effect (docs/webhooks.md). */
export type WebhookRejection =
  | 'signature_missing'
  | 'signature_malformed'
  | 'signature_mismatch'
  | 'timestamp_outside_tolerance'
  | 'body_malformed'
  | 'secret_not_configured';

export interface SignatureScheme {
  /** Provider name, the first half of the inbox key (`stripe`, `razorpay`). */
  provider: string;
  /**
   * Authenticates `rawBody` against the request headers and parses it; throws a WebhookRejected
   * (webhooks/errors.ts) naming the WebhookRejection otherwise. `nowSeconds` is the injectable clock.
   */
  verify(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
    nowSeconds: number,
  ): WebhookEvent;
  /** What the endpoint's OpenAPI description shows of the scheme (/docs). */
  documentation?: SignatureDocumentation;
}

export interface SignatureDocumentation {
  /** The request header carrying the signature, lower-case (`stripe-signature`). */
  header: string;
  /** How the header is formed. */
  headerDescription: string;
  /** A typical event body, as the provider sends it. */
  example: Record<string, unknown>;
}

/**
 * What a handler did with an event; stored on the inbox row. `unresolved`: the event can never be
 * applied as it is (say it names no account of ours, or one that conflicts with what we hold); it
 * is kept with its reason for reconciliation and answered 2xx, so the provider stops retrying.
 * A handler reports it by throwing UnresolvedWebhookEvent (webhooks/errors.ts): its effects roll back.
 */
export type WebhookOutcome = 'processed' | 'ignored' | 'unresolved';

/** The inbox row's tables, for apps whose schema types include them. */
export interface WebhookTables {
  webhook_events: {
    provider: string;
    event_id: string;
    type: string;
    /** Provider's creation time of the event. */
    event_created_at: Date;
    received_at: Date;
    /** processed | ignored: written in the handler's transaction; failed | unresolved: written after it rolled back. */
    status: WebhookOutcome | 'failed';
    payload: unknown;
    attempts: number;
    last_error: string | null;
    processed_at: Date | null;
  };
}

export interface UnresolvedWebhook {
  event: WebhookEvent;
  reason: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: handlers type the transaction with their own schema.
export type WebhookHandler<S = any> = (trx: Transaction<S>, event: WebhookEvent) => Promise<WebhookOutcome>;

export interface WebhookInbox {
  /**
   * Runs `handler` and records the event in one transaction. A delivery of an event already
   * processed, ignored or unresolved calls nothing and resolves `duplicate: true`. When the handler
   * throws UnresolvedWebhookEvent, the transaction rolls back and the event is recorded as
   * unresolved with the error's reason, resolving `outcome: 'unresolved'`. When it throws anything
   * else, the transaction rolls back, the event is recorded as failed (attempts + 1, last_error)
   * outside it, and the error is rethrown so the endpoint answers 5xx and the provider retries.
   */
  process(
    event: WebhookEvent,
    handler: WebhookHandler,
  ): Promise<{ duplicate: boolean; outcome: WebhookOutcome }>;
  /**
   * Whether the event already has a final outcome (processed, ignored or unresolved): one read
   * outside any transaction, so a caller can skip costly work before process() (which stays the
   * authority: a false here may still turn out a duplicate there).
   */
  seen(eventId: string): Promise<boolean>;
  /**
   * Events recorded as failed and never processed since, fewest attempts first, then oldest (for
   * reconciliation: a few events that keep failing cannot starve newer ones).
   */
  failed(limit?: number): Promise<WebhookEvent[]>;
  /** Events recorded as unresolved, newest first, with the reason the handler gave (for reconciliation). */
  unresolved(limit?: number): Promise<UnresolvedWebhook[]>;
}

export interface WebhookEndpointOptions {
  /** Route path, e.g. `/webhooks/stripe`; aliases answer the same. */
  path: string;
  aliases?: string[];
  scheme: SignatureScheme;
  inbox: WebhookInbox;
  handler: WebhookHandler;
  /** Largest accepted body; default 256 KiB (Stripe events are far smaller). */
  bodyLimitBytes?: number;
}

export type RegisterWebhookEndpoint = (app: FastifyInstance, options: WebhookEndpointOptions) => void;
