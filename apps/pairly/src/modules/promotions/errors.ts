// Owns the error codes of promo codes. Every refusal of a redemption that depends on the code's or
// the user's state is a 409 with its own code (recorded with the Idempotency-Key, so a replay
// repeats it); an unknown code is a 404 and bad input a 400 naming the field (a code whose budget,
// amount × maxRedemptions, passes the configured maximum names both).
import { AppError } from '@app/platform';

const conflict = (code: string, detail: string) => new AppError({ kind: 'conflict', code, detail });

export const codeNotFound = () =>
  new AppError({ kind: 'not_found', code: 'promo_code_not_found', detail: 'No such promo code.' });

export const codeTaken = () =>
  new AppError({
    kind: 'conflict',
    code: 'promo_code_taken',
    detail: 'A promo code with this text already exists (codes are case-insensitive).',
    fields: [{ path: '/body/code', message: 'already exists' }],
  });

export const codeDisabled = () => conflict('promo_code_disabled', 'This promo code has been disabled.');

export const codeNotStarted = () =>
  conflict('promo_code_not_started', 'This promo code cannot be redeemed yet.');

export const codeExpired = () => conflict('promo_code_expired', 'This promo code has expired.');

export const codeExhausted = () =>
  conflict('promo_code_exhausted', 'This promo code has been redeemed as many times as it may be.');

export const userLimitReached = () =>
  conflict('promo_code_user_limit_reached', 'You have already redeemed this promo code as often as allowed.');

export const newUsersOnly = () =>
  conflict(
    'promo_code_new_users_only',
    'This promo code is for new users only: accounts created since the code started that have not redeemed another code of its campaign.',
  );

export const budgetExceeded = (budget: number, maxBudgetPerCode: number) => {
  const message = `amount × maxRedemptions (${budget}) must be at most ${maxBudgetPerCode} credits per code`;
  return new AppError({
    kind: 'invalid_input',
    code: 'promo_budget_exceeded',
    detail: `A code may grant at most ${maxBudgetPerCode} credits in all: lower amount or maxRedemptions.`,
    fields: [
      { path: '/body/amount', message },
      { path: '/body/maxRedemptions', message },
    ],
  });
};

export const invalidField = (code: string, field: string, detail: string) =>
  new AppError({ kind: 'invalid_input', code, detail, fields: [{ path: field, message: detail }] });
