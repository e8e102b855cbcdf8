// Owns the messaging module's settings and their defaults, and merging the app's overrides
// (PairlyAppOptions.messaging) over them, checked once at start so a bad value fails loudly.
export interface MessagingOptions {
  /** How long after sending a sender may unsend a message, in ms. */
  unsendWindowMs: number;
  /** Most messages a `resume` replays per conversation; past it the answer is `recovered: false`. */
  resumeWindow: number;
  /** Longest message body, in characters (after trimming). */
  bodyMaxLength: number;
}

export const DEFAULT_MESSAGING_OPTIONS: MessagingOptions = {
  unsendWindowMs: 48 * 60 * 60 * 1000,
  resumeWindow: 200,
  bodyMaxLength: 4000,
};

/** The database refuses longer bodies (migration 0006), so a larger setting could only fail later. */
const STORABLE_BODY_LENGTH = 4000;

export function messagingOptions(overrides: Partial<MessagingOptions> = {}): MessagingOptions {
  // Only this module's keys: the same app option also carries the interactions' settings.
  const options: MessagingOptions = {
    unsendWindowMs: overrides.unsendWindowMs ?? DEFAULT_MESSAGING_OPTIONS.unsendWindowMs,
    resumeWindow: overrides.resumeWindow ?? DEFAULT_MESSAGING_OPTIONS.resumeWindow,
    bodyMaxLength: overrides.bodyMaxLength ?? DEFAULT_MESSAGING_OPTIONS.bodyMaxLength,
  };
  if (!Number.isSafeInteger(options.unsendWindowMs) || options.unsendWindowMs < 0) {
    throw new Error('messaging: unsendWindowMs must be a whole number of ms, 0 or more');
  }
  if (!Number.isSafeInteger(options.resumeWindow) || options.resumeWindow < 1) {
    throw new Error('messaging: resumeWindow must be a positive whole number of messages');
  }
  if (
    !Number.isSafeInteger(options.bodyMaxLength) ||
    options.bodyMaxLength < 1 ||
    options.bodyMaxLength > STORABLE_BODY_LENGTH
  ) {
    throw new Error(`messaging: bodyMaxLength must be a whole number from 1 to ${STORABLE_BODY_LENGTH}`);
  }
  return options;
}
