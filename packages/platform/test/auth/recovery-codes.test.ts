// Recovery codes a user can print and type back loosely: ten distinct codes in readable groups,
// each carrying at least 112 bits, and any spacing, dashes or case (or Crockford look-alikes)
// typed by the user leads to the same stored hash, while a different code does not.
import { describe, expect, it } from 'vitest';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normaliseRecoveryCode,
} from '../../src/auth/recovery-codes.js';

// Crockford base32: 32 symbols, so 5 bits per character.
const CROCKFORD_CHARS = /^[0-9a-hjkmnp-tv-z]+$/;
const BITS_PER_CHAR = Math.log2(32);

describe('generateRecoveryCodes', () => {
  it('returns ten distinct codes by default, in dash-separated groups', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes)
      expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{4}$/);
  });

  it('gives every code at least 112 bits of entropy', () => {
    for (const code of generateRecoveryCodes(50)) {
      const normalised = normaliseRecoveryCode(code);
      expect(normalised).toMatch(CROCKFORD_CHARS);
      expect(normalised.length * BITS_PER_CHAR).toBeGreaterThanOrEqual(112);
    }
  });

  it('returns as many codes as asked for', () => {
    expect(generateRecoveryCodes(3)).toHaveLength(3);
  });
});

describe('typing a code back', () => {
  const [code] = generateRecoveryCodes(1) as [string];

  it('normalises spaces, dashes and case to the same hash', () => {
    const compact = code.replaceAll('-', '');
    const loose = [
      compact,
      code.toUpperCase(),
      ` ${compact.match(/.{1,4}/g)!.join(' ')} `,
      code.replaceAll('-', ' - '),
    ];
    for (const typed of loose) expect(hashRecoveryCode(typed)).toBe(hashRecoveryCode(code));
  });

  it('reads o as 0 and i or l as 1', () => {
    expect(normaliseRecoveryCode('O0-Il1')).toBe('00111');
  });

  it('stores a SHA-256 hex digest, and a different code hashes differently', () => {
    const [other] = generateRecoveryCodes(1) as [string];
    expect(hashRecoveryCode(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(other)).not.toBe(hashRecoveryCode(code));
  });
});
