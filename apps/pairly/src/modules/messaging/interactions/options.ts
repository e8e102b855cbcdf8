// Owns the settings of what people do with messages already sent (receipts, unsend, typing) and
// their defaults. They are read from the app's messaging options (PairlyAppOptions.messaging) next
// to the messaging module's own (the unsend window lives there), and checked once at start so a bad
// value fails loudly.
import { type MessagingOptions, messagingOptions } from '../options.js';

export interface InteractionOptions {
  /** A user's receipt changes in one conversation are pushed at most once per this many ms. */
  receiptBatchMs: number;
  /** A typing indicator ends this long after its last renewal, in ms. */
  typingTtlMs: number;
  /** Whether unsending a paid message gives the sender their credits back (default: no). */
  refundOnUnsend: boolean;
}

export const DEFAULT_INTERACTION_OPTIONS: InteractionOptions = {
  receiptBatchMs: 250,
  typingTtlMs: 5_000,
  refundOnUnsend: false,
};

const MAX_INTERVAL_MS = 60_000;

function checkInterval(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_INTERVAL_MS) {
    throw new Error(`messaging: ${name} must be a whole number of ms from 1 to ${MAX_INTERVAL_MS}`);
  }
}

/** The messaging options (unsend window) and the interaction options, overrides merged over the defaults. */
export function interactionOptions(
  overrides: Partial<MessagingOptions & InteractionOptions> = {},
): MessagingOptions & InteractionOptions {
  const options = { ...DEFAULT_INTERACTION_OPTIONS, ...overrides, ...messagingOptions(overrides) };
  checkInterval('receiptBatchMs', options.receiptBatchMs);
  checkInterval('typingTtlMs', options.typingTtlMs);
  if (typeof options.refundOnUnsend !== 'boolean') {
    throw new Error('messaging: refundOnUnsend must be true or false');
  }
  return options;
}
