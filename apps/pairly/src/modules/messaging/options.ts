// Owns the messaging module's settings and their defaults (the messaging helper fills this in).
export interface MessagingOptions {
  /** How long after sending a sender may unsend a message, in ms. */
  unsendWindowMs: number;
}

export const DEFAULT_MESSAGING_OPTIONS: MessagingOptions = { unsendWindowMs: 48 * 60 * 60 * 1000 };
