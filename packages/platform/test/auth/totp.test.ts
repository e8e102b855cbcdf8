// The second factor agrees with RFC 6238 and with authenticator apps: the Appendix B SHA-1 vectors,
// a code accepted in its own step and one step either side, never twice and never after a newer
// one, only exactly six digits, and an otpauth:// URI an app can read.
import { describe, expect, it } from 'vitest';
import { generateTotpSecret, hotpCode, totpCode, totpUri, verifyTotp } from '../../src/auth/totp.js';

// RFC 6238 Appendix B, SHA-1 rows: Unix time in seconds and the 8-digit TOTP.
const RFC_6238_SHA1 = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
] as const;
const RFC_SECRET_ASCII = '12345678901234567890';
const RFC_SECRET_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('RFC 6238 test vectors', () => {
  it.each(RFC_6238_SHA1)('computes the 8-digit code at %i s', (seconds, expected) => {
    const secret = new TextEncoder().encode(RFC_SECRET_ASCII);
    expect(hotpCode(secret, Math.floor(seconds / 30), 8)).toBe(expected);
  });

  it.each(RFC_6238_SHA1)('shows the last six of those digits at %i s', (seconds, expected) => {
    expect(totpCode(RFC_SECRET_BASE32, seconds * 1000)).toBe(expected.slice(-6));
  });
});

describe('secrets and the enrolment URI', () => {
  it('generates distinct base32 secrets of 160 bits', () => {
    const secrets = Array.from({ length: 20 }, generateTotpSecret);
    expect(new Set(secrets).size).toBe(20);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('builds an otpauth URI with the secret, the issuer and the app parameters', () => {
    const secret = generateTotpSecret();
    const url = new URL(totpUri({ secret, accountName: 'ada+2fa@example.com', issuer: 'Pairly & Co' }));

    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Pairly & Co:ada+2fa@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret,
      issuer: 'Pairly & Co',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('refuses a colon in the issuer or account name, which would break the label', () => {
    const secret = generateTotpSecret();
    expect(() => totpUri({ secret, accountName: 'a:b', issuer: 'X' })).toThrow(/colon/);
    expect(() => totpUri({ secret, accountName: 'ada', issuer: 'X:Y' })).toThrow(/colon/);
  });
});

describe('verifyTotp', () => {
  const secret = generateTotpSecret();
  const now = Date.UTC(2025, 5, 1, 12, 0, 10);
  const step = Math.floor(now / 30_000);
  const codeAt = (offsetSteps: number) => totpCode(secret, now + offsetSteps * 30_000);
  const verify = (code: string, lastUsedStep: number | null = null) =>
    verifyTotp({ secret, code, nowMs: now, lastUsedStep });

  it('accepts the current code and returns its step', () => {
    expect(verify(codeAt(0))).toEqual({ step });
  });

  it('accepts the previous and next step for clock drift', () => {
    expect(verify(codeAt(-1))).toEqual({ step: step - 1 });
    expect(verify(codeAt(1))).toEqual({ step: step + 1 });
  });

  it('refuses codes two steps away', () => {
    expect(verify(codeAt(-2))).toBeNull();
    expect(verify(codeAt(2))).toBeNull();
  });

  it('refuses a code that was already used', () => {
    const first = verify(codeAt(0));
    expect(first).not.toBeNull();
    expect(verify(codeAt(0), first!.step)).toBeNull();
  });

  it('refuses an older code once a newer one was used', () => {
    const newer = verify(codeAt(1));
    expect(newer).toEqual({ step: step + 1 });
    expect(verify(codeAt(0), newer!.step)).toBeNull();
    expect(verify(codeAt(-1), newer!.step)).toBeNull();
  });

  it('still accepts a newer code after an older one was used', () => {
    expect(verify(codeAt(1), step - 1)).toEqual({ step: step + 1 });
  });

  it.each(['12345', '1234567', 'abcdef', ''])('refuses %j, which is not six digits', (code) => {
    expect(verify(code)).toBeNull();
  });

  it('refuses the current code with a digit missing, a digit added or surrounding space', () => {
    const code = codeAt(0);
    for (const typo of [code.slice(1), `${code}0`, ` ${code}`, `${code}\n`]) expect(verify(typo)).toBeNull();
  });

  it('refuses a six-digit code from outside the window', () => {
    const window = [codeAt(-1), codeAt(0), codeAt(1)];
    const wrong = ['000000', '000001', '000002', '000003'].find((code) => !window.includes(code))!;
    expect(verify(wrong)).toBeNull();
  });
});
