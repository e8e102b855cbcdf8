// Owns every query on payment_orders (migration 0010): writing an order under its client key,
// finding and locking one (by our id, the provider's order id or the provider's payment id), the
// conditional updates that move it between states, and the keyset-paged listings. Each function
// takes the database or a transaction, so webhook handlers and reconciliation run them in theirs.
// State changes are conditional (`WHERE status IN (...)`) and report whether they applied; callers
// decide what a lost race means. Other payments modules (reversals, reconciliation) may use these.
import { AppError } from '@app/platform';
import type { Kysely } from 'kysely';
import type { PairlySchema } from '../../db.js';
import { isStorableInstant } from '../instants.js';
import type { PaymentOrderRow, StoredOrder } from './tables.js';
import type { OrderStatus, PaymentOrder, PaymentProvider } from './types.js';

type Db = Kysely<PairlySchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a text is a UUID (so it can be compared with a uuid column without a cast error). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** States a verified payment may still grant from: a late success after a failure or expiry counts. */
export const GRANTABLE: readonly OrderStatus[] = ['created', 'failed', 'expired'];

/** States of an order whose credits were granted (whatever was reversed since). */
export const GRANTED: readonly OrderStatus[] = ['paid', 'partially_refunded', 'refunded', 'disputed'];

export function toPaymentOrder(row: StoredOrder): PaymentOrder {
  return {
    id: row.id,
    userId: row.user_id,
    packId: row.pack_id,
    credits: row.credits,
    amount: row.amount,
    currency: row.currency,
    provider: row.provider,
    providerOrderId: row.provider_order_id,
    providerPaymentId: row.provider_payment_id,
    status: row.status,
    creditsGranted: row.credits_granted,
    createdAt: row.created_at,
    paidAt: row.paid_at,
  };
}

export type NewOrder = Omit<
  PaymentOrderRow,
  | 'provider_order_id'
  | 'provider_payment_id'
  | 'checkout_url'
  | 'credits_granted'
  | 'review_reason'
  | 'callback_verified_at'
  | 'paid_at'
  | 'status'
>;

/** Inserts a new order unless the user already used the key; answers the row, new or earlier. */
export async function insertOrUseKey(db: Db, order: NewOrder): Promise<{ row: StoredOrder; fresh: boolean }> {
  const inserted = await db
    .insertInto('payment_orders')
    .values({ ...order, status: 'created' })
    .onConflict((conflict) => conflict.columns(['user_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, fresh: true };
  const earlier = await db
    .selectFrom('payment_orders')
    .selectAll()
    .where('user_id', '=', order.user_id)
    .where('idempotency_key', '=', order.idempotency_key)
    .executeTakeFirstOrThrow();
  return { row: earlier, fresh: false };
}

export function orderById(db: Db, id: string): Promise<StoredOrder | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('payment_orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export function orderByPayment(
  db: Db,
  provider: PaymentProvider,
  paymentId: string,
): Promise<StoredOrder | undefined> {
  return db
    .selectFrom('payment_orders')
    .selectAll()
    .where('provider', '=', provider)
    .where('provider_payment_id', '=', paymentId)
    .executeTakeFirst();
}

/** The order locked FOR UPDATE in the caller's transaction, found by one of its identifiers. */
export function lockOrder(
  db: Db,
  provider: PaymentProvider,
  by: { id: string } | { providerOrderId: string } | { paymentId: string },
): Promise<StoredOrder | undefined> {
  if ('id' in by && !isUuid(by.id)) return Promise.resolve(undefined);
  return db
    .selectFrom('payment_orders')
    .selectAll()
    .where('provider', '=', provider)
    .$if('id' in by, (q) => q.where('id', '=', (by as { id: string }).id))
    .$if('providerOrderId' in by, (q) =>
      q.where('provider_order_id', '=', (by as { providerOrderId: string }).providerOrderId),
    )
    .$if('paymentId' in by, (q) =>
      q.where('provider_payment_id', '=', (by as { paymentId: string }).paymentId),
    )
    .forUpdate()
    .executeTakeFirst();
}

/** Records the provider's order on ours, once (a concurrent request that recorded one first wins). */
export async function recordProviderOrder(
  db: Db,
  id: string,
  providerOrderId: string,
  checkoutUrl: string | null,
  now: Date,
): Promise<StoredOrder> {
  const updated = await db
    .updateTable('payment_orders')
    .set({ provider_order_id: providerOrderId, checkout_url: checkoutUrl, updated_at: now })
    .where('id', '=', id)
    .where('provider_order_id', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return (
    updated ??
    (await db.selectFrom('payment_orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
  );
}

/** created | failed | expired -> paid, with the payment that paid it; undefined when the state had moved on. */
export function markPaid(
  db: Db,
  id: string,
  paid: { paymentId: string; providerOrderId: string | null; credits: number; at: Date },
): Promise<StoredOrder | undefined> {
  return db
    .updateTable('payment_orders')
    .set((eb) => ({
      status: 'paid',
      provider_payment_id: paid.paymentId,
      provider_order_id: eb.fn.coalesce('provider_order_id', eb.val(paid.providerOrderId)),
      credits_granted: paid.credits,
      paid_at: paid.at,
      updated_at: paid.at,
    }))
    .where('id', '=', id)
    .where('status', 'in', GRANTABLE)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Sends an order to review (from one of `from`), with the reason and, when given and not yet
 * recorded, the payment concerned; undefined when the state had moved on.
 */
export function markReview(
  db: Db,
  id: string,
  review: { reason: string; paymentId: string | null; from: readonly OrderStatus[]; at: Date },
): Promise<StoredOrder | undefined> {
  return db
    .updateTable('payment_orders')
    .set((eb) => ({
      status: 'review',
      review_reason: review.reason.slice(0, 500),
      provider_payment_id: eb.fn.coalesce('provider_payment_id', eb.val(review.paymentId)),
      updated_at: review.at,
    }))
    .where('id', '=', id)
    .where('status', 'in', review.from)
    .returningAll()
    .executeTakeFirst();
}

/** created -> failed | expired, for the order a provider order id names; false when it was not `created`. */
export async function markEnded(
  db: Db,
  provider: PaymentProvider,
  by: { id: string } | { providerOrderId: string },
  status: 'failed' | 'expired',
  at: Date,
): Promise<boolean> {
  if ('id' in by && !isUuid(by.id)) return false;
  const result = await db
    .updateTable('payment_orders')
    .set({ status, updated_at: at })
    .where('provider', '=', provider)
    .$if('id' in by, (q) => q.where('id', '=', (by as { id: string }).id))
    .$if('providerOrderId' in by, (q) =>
      q.where('provider_order_id', '=', (by as { providerOrderId: string }).providerOrderId),
    )
    .where('status', '=', 'created')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Notes that the Razorpay checkout callback's signature checked out (the first time only). */
export async function recordCallbackVerified(db: Db, id: string, at: Date): Promise<StoredOrder> {
  await db
    .updateTable('payment_orders')
    .set({ callback_verified_at: at })
    .where('id', '=', id)
    .where('callback_verified_at', 'is', null)
    .execute();
  return db.selectFrom('payment_orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

const invalidCursor = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'cursor_invalid',
    detail: 'The cursor is not one this API issued.',
    fields: [{ path: '/querystring/cursor', message: 'unknown cursor' }],
  });

function encodeCursor(row: StoredOrder): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [Date, string] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const [at, id] = Array.isArray(decoded) ? decoded : [];
  const date = new Date(typeof at === 'string' ? at : Number.NaN);
  if (!isUuid(id) || !isStorableInstant(date)) throw invalidCursor();
  return [date, id];
}

export interface OrderSelection {
  userId?: string;
  status?: OrderStatus;
  cursor: string | undefined;
  limit: number;
}

/** One page of orders, newest first, and the cursor of the next (null at the end). */
export async function selectOrders(db: Db, selection: OrderSelection) {
  const after = selection.cursor === undefined ? undefined : decodeCursor(selection.cursor);
  const rows = await db
    .selectFrom('payment_orders')
    .selectAll()
    .$if(selection.userId !== undefined, (q) => q.where('user_id', '=', selection.userId as string))
    .$if(selection.status !== undefined, (q) => q.where('status', '=', selection.status as OrderStatus))
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('created_at', 'id'),
          '<',
          eb.tuple((after as [Date, string])[0], (after as [Date, string])[1]),
        ),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(selection.limit + 1)
    .execute();
  const page = rows.slice(0, selection.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > selection.limit && last ? encodeCursor(last) : null };
}
