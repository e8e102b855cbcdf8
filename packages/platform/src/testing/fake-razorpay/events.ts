// Owns webhook deliveries as Razorpay sends them: the body `{ entity: 'event', account_id, event,
// contains, payload: { payment: { entity }, ... }, created_at }` and the headers
// `X-Razorpay-Signature` (hex HMAC-SHA256 of the exact body with the webhook secret) and
// `X-Razorpay-Event-Id` (the same on every retry of one event). Test support only.
import { createHmac } from 'node:crypto';
import type {
  RazorpayDispute,
  RazorpayOrder,
  RazorpayPayment,
  RazorpayPayout,
  RazorpayRefund,
} from './entities.js';
import { razorpayId, seconds } from './wire.js';

export interface RazorpayEventEntities {
  payment?: RazorpayPayment;
  order?: RazorpayOrder;
  refund?: RazorpayRefund;
  dispute?: RazorpayDispute;
  payout?: RazorpayPayout;
}

export interface RazorpaySigning {
  secret: string;
  /** The `x-razorpay-event-id`; default a new one. Reuse it to play Razorpay's retries. */
  eventId?: string;
  /** The event's `created_at`; default the signing clock's now. */
  createdAt?: Date;
  /** The account the event belongs to; default the fake's. */
  accountId?: string;
}

export interface RazorpaySignedEvent {
  /** The raw body to POST, byte for byte what was signed. */
  body: string;
  headers: {
    'content-type': 'application/json';
    'x-razorpay-signature': string;
    'x-razorpay-event-id': string;
  };
  eventId: string;
  /** The parsed body. */
  event: Record<string, unknown>;
}

const ORDER: Array<keyof RazorpayEventEntities> = ['payment', 'order', 'refund', 'dispute', 'payout'];

/** A delivery of `event` (e.g. `payment.captured`) carrying `entities`, signed with `signing.secret`. */
export function razorpaySignedEvent(
  event: string,
  entities: RazorpayEventEntities,
  signing: RazorpaySigning,
  now: Date = new Date(),
): RazorpaySignedEvent {
  const contains = ORDER.filter((name) => entities[name] !== undefined);
  const payload = Object.fromEntries(contains.map((name) => [name, { entity: entities[name] }]));
  const body = {
    entity: 'event',
    account_id: signing.accountId ?? 'acc_FakeRazorpay01',
    event,
    contains,
    payload,
    created_at: seconds(signing.createdAt ?? now),
  };
  const text = JSON.stringify(body);
  const eventId = signing.eventId ?? razorpayId('');
  return {
    body: text,
    headers: {
      'content-type': 'application/json',
      'x-razorpay-signature': createHmac('sha256', signing.secret).update(text).digest('hex'),
      'x-razorpay-event-id': eventId,
    },
    eventId,
    event: body,
  };
}
