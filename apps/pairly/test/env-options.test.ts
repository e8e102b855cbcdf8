// The credits settings an operator sets through the environment: read when valid, refused at
// start-up with the variable named when not, defaults kept when absent.
import { describe, expect, it } from 'vitest';
import { pairlyOptionsFromEnv } from '../src/env-options.js';

describe('pairly settings from the environment', () => {
  it('keeps the defaults when nothing is set', () => {
    expect(pairlyOptionsFromEnv({})).toEqual({});
  });

  it('reads the credits maximum and the message fee', () => {
    expect(
      pairlyOptionsFromEnv({ PAIRLY_CREDITS_MAX_AMOUNT: '50000', PAIRLY_CREDITS_MESSAGE_FEE_BPS: '1500' }),
    ).toEqual({ credits: { maxAmount: 50_000, messageFeeBps: 1_500 } });
  });

  it.each([
    ['PAIRLY_CREDITS_MAX_AMOUNT', '0'],
    ['PAIRLY_CREDITS_MAX_AMOUNT', '1.5'],
    ['PAIRLY_CREDITS_MAX_AMOUNT', '1e9'],
    ['PAIRLY_CREDITS_MAX_AMOUNT', 'lots'],
    ['PAIRLY_CREDITS_MESSAGE_FEE_BPS', '10001'],
    ['PAIRLY_CREDITS_MESSAGE_FEE_BPS', '-1'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => pairlyOptionsFromEnv({ [name]: value })).toThrow(name);
  });
});
