// Owns the errors payouts answer with, each a stable code: bad requests name the field they refuse
// (below the minimum, above what is available, a currency not configured, a malformed destination),
// a payout of someone else is a 404 like an unknown one, finance never decides or confirms its own
// payout (403 payout_self_approval), and a decision on a payout that has moved on is a 409.
import { AppError } from '@app/platform';
import type { PayoutStatus } from './tables.js';

const field = (path: string, message: string) => [{ path, message }];

export const payoutNotFound = () =>
  new AppError({ kind: 'not_found', code: 'payout_not_found', detail: 'No such payout.' });

export const belowMinimum = (minimum: number) =>
  new AppError({
    kind: 'invalid_input',
    code: 'payout_below_minimum',
    detail: `A payout is at least ${minimum} credits.`,
    fields: field('/body/credits', `must be at least ${minimum}`),
  });

export const exceedsAvailable = (available: number) =>
  new AppError({
    kind: 'invalid_input',
    code: 'payout_exceeds_available',
    detail: `Only ${available} earned credits are available for a payout.`,
    fields: field('/body/credits', `must be at most ${available}`),
  });

export const currencyNotOffered = (offered: string[]) =>
  new AppError({
    kind: 'invalid_input',
    code: 'payout_currency_not_offered',
    detail: `Payouts are made in ${offered.join(', ')}.`,
    fields: field('/body/currency', `must be one of ${offered.join(', ')}`),
  });

export const amountTooLarge = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'payout_amount_too_large',
    detail: 'The payout amount is too large to pay out at once.',
    fields: field('/body/credits', 'must be smaller'),
  });

export const destinationMalformed = (provider: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'payout_destination_malformed',
    detail:
      provider === 'stripe'
        ? 'A Stripe destination is a connected account id like acct_1Nv0FGQ9RKHgCVdK.'
        : 'A Razorpay destination is a fund account id like fa_00000000000001.',
    fields: field(
      '/body/accountId',
      provider === 'stripe' ? 'must look like acct_...' : 'must look like fa_...',
    ),
  });

export const destinationMissing = (provider: string) =>
  new AppError({
    kind: 'conflict',
    code: 'payout_destination_missing',
    detail: `Payouts are sent through ${provider}: record a ${provider} destination first (PUT /payouts/destination).`,
  });

export const selfApproval = () =>
  new AppError({
    kind: 'forbidden',
    code: 'payout_self_approval',
    detail: 'Nobody decides or confirms their own payout; another finance member must.',
  });

export const payoutNotInState = (status: PayoutStatus, action: string) =>
  new AppError({
    kind: 'conflict',
    code: 'payout_state_conflict',
    detail: `The payout is ${status}: it cannot be ${action} now.`,
  });

export const resendExpired = (hours: number) =>
  new AppError({
    kind: 'conflict',
    code: 'payout_resend_expired',
    detail:
      `The payout was first sent more than ${hours} hours ago, longer than the provider keeps its ` +
      'idempotency key, so it is not sent again: confirm it by hand (POST /admin/payouts/:id/confirm).',
  });

export const sendInProgress = () =>
  new AppError({
    kind: 'conflict',
    code: 'payout_send_in_progress',
    detail: 'The payout is being sent right now: look at it again in a minute.',
  });
