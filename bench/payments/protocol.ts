// Owns what bench/payments' runner and its pairly server agree on: the bench-only routes, their
// guard header, what every bench order buys, and the shapes the routes answer.
export const BENCH_TOKEN_HEADER = 'x-bench-token';
export const SEED_PATH = '/bench/payments/seed';
export const GRANTS_PATH = '/bench/payments/grants';
/** What every bench order buys (Stripe takes USD). */
export const BENCH_PACK = 'starter';
export const BENCH_CURRENCY = 'USD';

export interface SeededOrder {
  orderId: string;
  userId: string;
  sessionId: string;
  /** Minor units of BENCH_CURRENCY. */
  amount: number;
  credits: number;
}

export interface GrantCounts {
  /** Ledger transfers of kind purchase. */
  transfers: number;
  /** Credits they granted in all. */
  credits: number;
  /** Orders paid with credits granted. */
  paid: number;
  /** Orders sent to review (none expected). */
  review: number;
}
