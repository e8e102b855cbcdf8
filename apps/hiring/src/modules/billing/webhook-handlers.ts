// Owns what each Stripe event does to an organisation's subscription (docs/billing.md, "Webhooks").
// Events arrive late, twice and out of order, so no event's own object is trusted as the latest
// state: the subscription it concerns is re-fetched from Stripe and applied as seen now; only when
// Stripe cannot be asked (no secret key) is the event's object applied as of the event's `created`,
// and the store's conditional write ignores anything older than what it holds. The organisation
// comes from our own mappings first, then our metadata (stripe-ownership.ts), never from
// client_reference_id. An event no retry can change (no organisation names it, or the sources
// conflict, or it would put a second live subscription or another customer on an organisation) is
// recorded unresolved for reconciliation and answered 200; a transient failure (Stripe, the
// database) throws, so the inbox records it failed, the endpoint answers 5xx and Stripe retries.
// The re-fetch runs before the inbox's transaction opens (no database session held during a network
// call), is skipped for an event the inbox already finished, and the status cache is cleared after
// the transaction commits.
import {
  UnresolvedWebhookEvent,
  type WebhookEvent,
  type WebhookHandler,
  type WebhookInbox,
  type WebhookOutcome,
} from '@app/platform';
import type { HiringSchema } from '../../db.js';
import type { Billing } from './index.js';
import { toSubscriptionSnapshot } from './stripe-gateway.js';
import { isLive, ownerOf, refusalConflict, type StripeParties } from './stripe-ownership.js';
import type { HiringTrx, SubscriptionSnapshot } from './types.js';

type StripeObject = Record<string, unknown>;

const SUBSCRIPTION_EVENTS = new Set([
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
]);
const CHECKOUT_EVENTS = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
]);
const INVOICE_EVENTS = new Set(['invoice.paid', 'invoice.payment_failed']);

const asObject = (value: unknown): StripeObject | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as StripeObject) : null;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
/** Stripe fields that are an id, or the object when expanded. */
const idOf = (value: unknown): string | null => text(value) ?? text(asObject(value)?.id);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Our organisation ids only: another integration's metadata on the same account is not one. */
const organisationIdIn = (value: unknown): string | null => {
  const id = text(value);
  return id && UUID.test(id) ? id.toLowerCase() : null;
};
const metadataOrganisation = (object: StripeObject | null): string | null =>
  organisationIdIn(asObject(object?.metadata)?.organisation_id);

/** What an event says about which subscription and organisation it concerns. */
interface EventSubject {
  subscriptionId: string | null;
  /** metadata.organisation_id of the event's object (a Checkout Session's is set by our checkout). */
  metadataOrganisation: string | null;
  customerId: string | null;
  /** The subscription object itself, when the event carries it (subscription events). */
  subscriptionObject: StripeObject | null;
}

/** null: an event this module does not act on (another type, or a one-off payment's checkout). */
function subjectOf(event: WebhookEvent): EventSubject | null {
  const known = [CHECKOUT_EVENTS, SUBSCRIPTION_EVENTS, INVOICE_EVENTS].some((types) => types.has(event.type));
  if (!known) return null;
  const object = asObject(asObject(event.payload.data)?.object);
  if (!object) throw new Error(`event ${event.id} has no data.object`);
  if (CHECKOUT_EVENTS.has(event.type)) {
    if (text(object.mode) !== null && object.mode !== 'subscription') return null;
    return {
      subscriptionId: idOf(object.subscription),
      metadataOrganisation: metadataOrganisation(object),
      customerId: idOf(object.customer),
      subscriptionObject: asObject(object.subscription),
    };
  }
  if (SUBSCRIPTION_EVENTS.has(event.type)) {
    return {
      subscriptionId: idOf(object.id),
      metadataOrganisation: metadataOrganisation(object),
      customerId: idOf(object.customer),
      subscriptionObject: object,
    };
  }
  if (INVOICE_EVENTS.has(event.type)) {
    // API 2025-03 and later name the subscription under parent.subscription_details.
    const details = asObject(asObject(object.parent)?.subscription_details);
    return {
      subscriptionId: idOf(details?.subscription) ?? idOf(object.subscription),
      metadataOrganisation: metadataOrganisation(details),
      customerId: idOf(object.customer),
      subscriptionObject: asObject(details?.subscription),
    };
  }
  return null;
}

/** The subscription an event concerns, for reconciliation's report. */
export const subscriptionOf = (event: WebhookEvent): string | null => {
  try {
    return subjectOf(event)?.subscriptionId ?? null;
  } catch {
    return null;
  }
};

/** Stripe's state of the event's subscription and the time it stands for. */
interface Observation {
  snapshot: SubscriptionSnapshot;
  observedAt: Date;
  /**
   * Stripe's state now of the live subscription the organisation holds locally, when `snapshot` is
   * another live one: ended at Stripe (its `deleted` event still on the way), it is applied first,
   * so the replacement lands; still live, the two are a double charge (unresolved).
   */
  displaced: SubscriptionSnapshot | null;
}

interface Delivery {
  /**
   * null: the event names no subscription Stripe knows; an Error: Stripe could not be asked, or was
   * not because the inbox had already finished the event (then the handler is never called).
   */
  observation: Observation | Error | null;
  touched: Set<string>;
}

export interface StripeWebhooks {
  /** The inbox the endpoint uses: re-fetches before the transaction, clears the status cache after commit. */
  inbox: WebhookInbox;
  /** Runs inside the inbox's transaction, only for events that came through `inbox`. */
  handler: WebhookHandler<HiringSchema>;
}

export function createStripeWebhooks(billing: Billing): StripeWebhooks {
  const { gateway, store, settings, dependencies } = billing;
  const { clock } = dependencies;
  const deliveries = new WeakMap<WebhookEvent, Delivery>();

  /** Outside any transaction: a network call must not hold a database session. */
  async function observe(subject: EventSubject, event: WebhookEvent): Promise<Observation | null> {
    if (!subject.subscriptionId) return null;
    let snapshot: SubscriptionSnapshot | null;
    let observedAt: Date;
    if (gateway) {
      observedAt = clock.now();
      snapshot = await gateway.retrieveSubscription(subject.subscriptionId);
    } else {
      observedAt = event.createdAt;
      snapshot =
        subject.subscriptionObject && toSubscriptionSnapshot(subject.subscriptionObject, settings.priceIds);
    }
    return snapshot && { snapshot, observedAt, displaced: snapshot && (await displacedBy(snapshot)) };
  }

  async function displacedBy(snapshot: SubscriptionSnapshot): Promise<SubscriptionSnapshot | null> {
    if (!gateway || !isLive(snapshot.status)) return null;
    const ownership = await ownerOf(store, null, {
      subscriptionId: snapshot.id,
      customerId: snapshot.customerId,
      metadataOrganisation: snapshot.organisationId,
    });
    if ('unresolved' in ownership) return null;
    const local = await store.get(ownership.organisationId);
    const held = local.stripeSubscriptionId;
    if (!held || held === snapshot.id || !isLive(local.status)) return null;
    return gateway.retrieveSubscription(held);
  }

  /** The organisation the parties name, or the event is unresolved (recorded, answered 200). */
  async function organisationOf(trx: HiringTrx, parties: StripeParties): Promise<string> {
    const ownership = await ownerOf(store, trx, parties);
    if ('unresolved' in ownership) throw new UnresolvedWebhookEvent(ownership.unresolved);
    return ownership.organisationId;
  }

  const handler: WebhookHandler<HiringSchema> = async (trx, event): Promise<WebhookOutcome> => {
    const delivery = deliveries.get(event);
    if (!delivery) throw new Error('Stripe events are processed through createStripeWebhooks().inbox');
    const { observation, touched } = delivery;
    if (observation instanceof Error) throw observation;
    const subject = subjectOf(event);
    if (!subject) return 'ignored';
    const checkout = CHECKOUT_EVENTS.has(event.type);
    // No subscription (a one-off invoice) or one Stripe does not know: nothing of ours to change,
    // unless a checkout names whose customer it made.
    if (!observation && !checkout) return 'ignored';
    const snapshot = observation?.snapshot ?? null;
    const organisationId = await organisationOf(trx, {
      subscriptionId: snapshot?.id ?? subject.subscriptionId,
      customerId: snapshot?.customerId ?? subject.customerId,
      metadataOrganisation: snapshot?.organisationId ?? subject.metadataOrganisation,
    });
    const customerId = snapshot?.customerId ?? subject.customerId;
    if (checkout && customerId && !(await store.setCustomer(trx, organisationId, customerId))) {
      throw new UnresolvedWebhookEvent(
        `conflict: organisation ${organisationId} already has another customer than ${customerId}`,
      );
    }
    touched.add(organisationId);
    if (!observation) return 'processed';
    const { displaced, observedAt } = observation;
    if (displaced && !isLive(displaced.status)) await store.apply(trx, organisationId, displaced, observedAt);
    // Not written when older than what the store holds (fine), or on a conflict (unresolved).
    if (!(await store.apply(trx, organisationId, observation.snapshot, observedAt))) {
      const conflict = await refusalConflict(trx, organisationId, observation.snapshot);
      if (conflict) throw new UnresolvedWebhookEvent(conflict);
    }
    return 'processed';
  };

  async function process(event: WebhookEvent, handle: WebhookHandler) {
    const delivery: Delivery = { observation: null, touched: new Set() };
    try {
      const subject = subjectOf(event);
      // A duplicate of a finished event asks Stripe nothing (the inbox's claim stays the guard).
      if (subject && (await billing.inbox.seen(event.id))) {
        delivery.observation = new Error(`event ${event.id} was finished before; Stripe was not asked again`);
      } else if (subject) {
        delivery.observation = await observe(subject, event);
      }
    } catch (error) {
      // Becomes the handler's failure, so the inbox records it (a duplicate still answers 200).
      delivery.observation = error instanceof Error ? error : new Error(String(error));
    }
    deliveries.set(event, delivery);
    try {
      return await billing.inbox.process(event, handle);
    } finally {
      await Promise.all([...delivery.touched].map((organisationId) => store.invalidate(organisationId)));
    }
  }

  return {
    inbox: { ...billing.inbox, process },
    handler,
  };
}
