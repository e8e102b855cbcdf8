// redact() on its own: the common case (nothing sensitive) returns the very same objects, so a
// request log line costs a walk and no copies; a change copies only the path leading to it.
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/log/index.js';

describe('redact', () => {
  it('returns the same object, untouched, when nothing is sensitive', () => {
    const value = { event: 'x', user: { id: 1, roles: ['admin'] }, at: new Date(0), bytes: Buffer.from('a') };
    expect(redact(value)).toBe(value);
  });

  it('copies only the path to a redacted value and shares the rest', () => {
    const untouched = { id: 1, roles: ['admin'] };
    const value = { user: untouched, auth: { scheme: 'basic', password: 'pw' } };
    const result = redact(value);

    expect(result).not.toBe(value);
    expect(result.user).toBe(untouched);
    expect(result.auth).toEqual({ scheme: 'basic', password: '[REDACTED]' });
    expect(value.auth.password).toBe('pw');
  });

  it('redacts primitives and arrays given directly', () => {
    expect(redact('Authorization: Bearer abc')).toBe('Authorization: Bearer [REDACTED]');
    expect(redact(42)).toBe(42);
    expect(redact(null)).toBeNull();
    expect(redact([{ otp: '123456' }])).toEqual([{ otp: '[REDACTED]' }]);
  });

  it('redacts what toJSON exposes', () => {
    const session = { toJSON: () => ({ user: 'u1', refreshToken: 'rt-1' }) };
    expect(redact({ session })).toEqual({ session: { user: 'u1', refreshToken: '[REDACTED]' } });
  });
});
