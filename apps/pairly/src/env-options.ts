// Owns the pairly settings an operator sets through the environment: the largest amount one
// credits operation may move and the platform's share of a message price. Each is a whole number
// checked at start-up; a bad value stops the process with a message naming the variable.
import type { PairlyAppOptions } from './modules/context.js';

function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/** The app options the environment sets; absent variables keep the defaults. */
export function pairlyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PairlyAppOptions {
  const maxAmount = wholeNumber(env, 'PAIRLY_CREDITS_MAX_AMOUNT', 1, Number.MAX_SAFE_INTEGER);
  const messageFeeBps = wholeNumber(env, 'PAIRLY_CREDITS_MESSAGE_FEE_BPS', 0, 10_000);
  const credits = {
    ...(maxAmount !== undefined && { maxAmount }),
    ...(messageFeeBps !== undefined && { messageFeeBps }),
  };
  return Object.keys(credits).length > 0 ? { credits } : {};
}
