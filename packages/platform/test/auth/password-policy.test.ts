// The password rules a user meets when choosing a password: length in characters as they see them,
// no common passwords whatever the case or keyboard, and not their own email address.
import { describe, expect, it } from 'vitest';
import {
  commonPasswordCount,
  normalisePassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordProblem,
} from '../../src/auth/password-policy.js';

/** An uncommon password of exactly `length` characters. */
function uncommon(length: number): string {
  return Array.from({ length }, (_, i) => 'q7Zk#w2M'[i % 8]).join('');
}

describe('password length', () => {
  it('refuses 7 characters and accepts 8', () => {
    expect(passwordProblem(uncommon(7))).toMatch(/at least 8 characters/);
    expect(passwordProblem(uncommon(8))).toBeNull();
  });

  it('accepts 64 and 128 characters and refuses 129', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(PASSWORD_MAX_LENGTH).toBe(128);
    expect(passwordProblem(uncommon(64))).toBeNull();
    expect(passwordProblem(uncommon(128))).toBeNull();
    expect(passwordProblem(uncommon(129))).toMatch(/at most 128 characters/);
  });

  it('counts an emoji as one character, not two UTF-16 units', () => {
    expect('🦊'.repeat(7)).toHaveLength(14);
    expect(passwordProblem('🦊'.repeat(7))).toMatch(/at least 8/);
    expect(passwordProblem('🦊'.repeat(128))).toBeNull();
  });

  it('measures the NFKC form, so a ligature counts as the letters it stands for', () => {
    expect(normalisePassword('ﬁ')).toBe('fi');
    expect(passwordProblem(`${uncommon(6)}ﬁ`)).toBeNull();
  });
});

describe('common passwords', () => {
  it('refuses common passwords regardless of case', () => {
    for (const password of ['password123', 'Password123', 'qwertyuiop', 'PASSWORD123']) {
      expect(passwordProblem(password)).toMatch(/too common/);
    }
  });

  it('refuses a common password typed in full-width characters', () => {
    expect(passwordProblem('ｐａｓｓｗｏｒｄ１２３')).toMatch(/too common/);
  });

  it('accepts a strong random passphrase', () => {
    expect(passwordProblem('violet tram ledger 47 quietly')).toBeNull();
  });

  it('checks against the full list of several thousand entries', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(3000);
  });
});

describe('email address', () => {
  const email = 'Maria.Lopez@example.com';

  it('refuses the email address and its local part, ignoring case', () => {
    expect(passwordProblem('maria.lopez@example.com', { email })).toMatch(/email address/);
    expect(passwordProblem('MARIA.LOPEZ', { email })).toMatch(/email address/);
  });

  it('accepts an unrelated password for the same account', () => {
    expect(passwordProblem('violet tram ledger 47 quietly', { email })).toBeNull();
  });
});
