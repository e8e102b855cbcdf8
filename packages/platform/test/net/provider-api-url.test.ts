// The provider API URL rule (STRIPE_API_URL, RAZORPAY_API_URL): https anywhere, http only to this
// machine, an origin without path, query, fragment or credentials; unset is null.
import { describe, expect, it } from 'vitest';
import { readProviderApiUrl } from '../../src/index.js';

describe('readProviderApiUrl', () => {
  it('reads an unset value as null', () => {
    expect(readProviderApiUrl('RAZORPAY_API_URL', undefined)).toEqual({ url: null });
    expect(readProviderApiUrl('RAZORPAY_API_URL', '')).toEqual({ url: null });
  });

  it('accepts https origins and http to loopback', () => {
    for (const value of [
      'https://api.razorpay.com',
      'https://stripe.internal:12111/',
      'http://127.0.0.1:4010',
      'http://[::1]:9',
      'http://localhost:8080',
    ]) {
      const read = readProviderApiUrl('RAZORPAY_API_URL', value);
      expect(read.problem, value).toBeUndefined();
      expect(read.url?.origin).toBe(new URL(value).origin);
    }
  });

  it('refuses clear text to another machine, other schemes and garbage, naming the setting', () => {
    for (const value of [
      'http://api.razorpay.com',
      'http://10.0.0.5:80',
      'ftp://127.0.0.1',
      'not a url',
      'file:///etc/passwd',
    ]) {
      expect(readProviderApiUrl('RAZORPAY_API_URL', value).problem, value).toBe(
        'RAZORPAY_API_URL must be an https URL (http only to 127.0.0.1, ::1 or localhost)',
      );
    }
  });

  it('refuses a path, query, fragment or credentials', () => {
    for (const value of [
      'https://api.example.com/v1',
      'https://api.example.com/?a=1',
      'https://api.example.com/#x',
      'https://user:pw@api.example.com',
      'https://:pw@api.example.com',
    ]) {
      expect(
        readProviderApiUrl('STRIPE_API_URL', value, 'https://stripe.internal:12111').problem,
        value,
      ).toBe('STRIPE_API_URL must be an origin like https://stripe.internal:12111, without a path');
    }
  });
});
