// Owns what subscriptions tell a fan by mail (through the identity outbox, in the transaction of the
// change): a renewal that failed (and until when to top up), a lapse, a price change and from which
// renewal it applies, and the end of subscriptions a creator no longer offers.
import type { OutgoingMail } from '@app/platform';

const day = (at: Date) => at.toISOString().slice(0, 10);

export const renewalFailedMail = (
  to: string,
  creator: string,
  price: number,
  graceUntil: Date,
): OutgoingMail => ({
  to,
  subject: `Your subscription to ${creator} could not be renewed`,
  text: `Renewing your subscription to ${creator} needs ${price} credits, and your balance is short (or your credits account is frozen). You keep access while we retry until ${graceUntil.toISOString()}; top up before then to keep your subscription.`,
});

export const lapsedMail = (to: string, creator: string): OutgoingMail => ({
  to,
  subject: `Your subscription to ${creator} has lapsed`,
  text: `We could not renew your subscription to ${creator} within the grace period, so it has lapsed and nothing more will be charged. You can subscribe again at any time.`,
});

export const priceChangeMail = (
  to: string,
  creator: string,
  oldPrice: number,
  newPrice: number,
  from: Date,
): OutgoingMail => ({
  to,
  subject: `${creator} changed their subscription price`,
  text: `The monthly price of your subscription to ${creator} changes from ${oldPrice} to ${newPrice} credits, from your renewal on ${day(from)}. Renewals before then keep the current price. You can cancel at any time before it.`,
});

export const notOfferedMail = (to: string, creator: string, endsAt: Date): OutgoingMail => ({
  to,
  subject: `${creator} no longer offers subscriptions`,
  text: `${creator} stopped offering subscriptions. Yours is not renewed: it ends on ${endsAt.toISOString()}, and you keep access until then.`,
});
