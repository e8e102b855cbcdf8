// A log line never carries a secret: values under sensitive key names at any depth (objects,
// arrays, child bindings, error fields, interpolated objects) and secret-shaped text (bearer
// credentials, JWTs, card numbers) in any string or message are replaced, while everything else
// is kept verbatim and the caller's objects are left untouched.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/index.js';
import { captureLogs } from '../../src/testing/log-capture.js';

function capturedLogger() {
  const logs = captureLogs();
  const { logger, flush } = createLogger({ level: 'info', service: 'svc', destination: logs.stream });
  return { logs, logger, flush };
}

const SENSITIVE_KEYS = [
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'authorization',
  'cookie',
  'setCookie',
  'apiKey',
  'xApiKey',
  'otp',
  'totp',
  'totpSecret',
  'recoveryCodes',
  'recoveryCode',
  'backupCodes',
  'backupCode',
  'totpCode',
  'otp_code',
  'resetCode',
  'verificationCode',
  'cardNumber',
  'cvc',
  'cvv',
  'pan',
  'iban',
  'privateKey',
  'signature',
  'stripeSignature',
  'xRazorpaySignature',
  'jwt',
  'sessionId',
  'csrfToken',
  'pin',
  // Spellings of the same names as they arrive in headers, env-style config and snake_case rows.
  'client_secret',
  'X-Api-Key',
  'Set-Cookie',
  'AUTHORIZATION',
  'x-razorpay-signature',
  'stripe-signature',
  'totp_secret',
  'recovery_codes',
  'session_id',
  'passwordHash',
  'new_password',
  'webhookSecret',
];

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';

const secretFor = (key: string) => `leaked-value-of-${key.toLowerCase()}`;

function at(line: Record<string, unknown> | undefined, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>((value, step) => (value as Record<string | number, unknown>)?.[step], line);
}

describe('sensitive keys', () => {
  it.each(SENSITIVE_KEYS)(
    'hides %s at the top level, nested, in arrays and in child bindings',
    async (key) => {
      const { logs, logger, flush } = capturedLogger();
      const secret = secretFor(key);
      logger.info({ [key]: secret }, 'top');
      logger.info({ request: { headers: { [key]: secret } } }, 'nested');
      logger.info({ items: [{ id: 1 }, { id: 2, [key]: secret }] }, 'array');
      logger.child({ [key]: secret, user: { [key]: secret } }).info('child');
      logger.info({ [key]: { value: secret, list: [secret] } }, 'object value');
      await flush();

      expect(logs.lines).toHaveLength(5);
      expect(logs.text()).not.toContain(secret);
      const [top, nested, array, child, objectValue] = logs.lines;
      expect(at(top, key)).toBe('[REDACTED]');
      expect(at(nested, 'request', 'headers', key)).toBe('[REDACTED]');
      expect(at(array, 'items', 1, key)).toBe('[REDACTED]');
      expect(at(array, 'items', 1, 'id')).toBe(2);
      expect(at(child, key)).toBe('[REDACTED]');
      expect(at(child, 'user', key)).toBe('[REDACTED]');
      expect(at(objectValue, key)).toBe('[REDACTED]');
    },
  );

  it('hides sensitive fields of an error and of objects interpolated into the message', async () => {
    const { logs, logger, flush } = capturedLogger();
    const error = Object.assign(new Error('upstream refused'), {
      code: 'E_UPSTREAM',
      config: { headers: { Authorization: 'Basic dXNlcjpodW50ZXIy' } },
      apiKey: 'sk_live_error_key',
    });
    logger.error({ err: error }, 'call failed');
    logger.info(
      'payload %j and %o',
      { password: 'interpolated-pw' },
      { nested: { token: 'interpolated-tok' } },
    );
    await flush();

    const text = logs.text();
    for (const secret of ['dXNlcjpodW50ZXIy', 'sk_live_error_key', 'interpolated-pw', 'interpolated-tok']) {
      expect(text).not.toContain(secret);
    }
    expect(logs.lines[0]?.err).toMatchObject({
      type: 'Error',
      message: 'upstream refused',
      code: 'E_UPSTREAM',
      apiKey: '[REDACTED]',
      config: { headers: { Authorization: '[REDACTED]' } },
    });
  });
});

it('hides sensitive bindings of grandchildren and of setBindings', async () => {
  const { logs, logger, flush } = capturedLogger();
  const grandchild = logger.child({ module: 'auth' }).child({ refreshToken: 'grandchild-secret' });
  grandchild.info('grandchild');
  const rebound = logger.child({ module: 'billing' });
  rebound.setBindings({ cookie: 'set-bindings-secret' });
  rebound.info('rebound');
  await flush();

  expect(logs.lines[0]).toMatchObject({ module: 'auth', refreshToken: '[REDACTED]' });
  expect(logs.lines[1]).toMatchObject({ module: 'billing', cookie: '[REDACTED]' });
  expect(logs.text()).not.toContain('grandchild-secret');
  expect(logs.text()).not.toContain('set-bindings-secret');
});

describe('secret-shaped text', () => {
  it('scrubs bearer credentials, JWTs and card numbers in messages', async () => {
    const { logs, logger, flush } = capturedLogger();
    logger.info('header was Bearer abc.DEF-123_xyz/+= then more');
    logger.info(`session ${JWT} expired`);
    logger.info('paid with 4242 4242 4242 4242, 4000-0566-5566-5556, 4111111111111111 and 378282246310005');
    logger.info('user %s sent %s', 'u-1', '5555555555554444');
    logger.error(new Error(`verify failed for bearer ${JWT}`));
    await flush();

    expect(logs.lines.map((line) => line.msg)).toEqual([
      'header was Bearer [REDACTED] then more',
      'session [REDACTED_JWT] expired',
      'paid with [REDACTED_PAN], [REDACTED_PAN], [REDACTED_PAN] and [REDACTED_PAN]',
      'user u-1 sent [REDACTED_PAN]',
      'verify failed for bearer [REDACTED]',
    ]);
    expect(logs.text()).not.toContain('eyJ');
    expect(logs.text()).not.toMatch(/\d{4}[ -]?\d{4}[ -]?\d{4}/);
  });

  it('scrubs them inside string values at any depth, in arrays, bindings and error messages', async () => {
    const { logs, logger, flush } = capturedLogger();
    logger.child({ upstream: `called with Bearer child-secret` }).warn(
      {
        note: `token is ${JWT}`,
        deep: { list: ['ok', 'card 4242424242424242 declined'] },
        err: new Error(`charge of 4242 4242 4242 4242 failed`),
      },
      'declined',
    );
    await flush();

    const line = logs.lines[0];
    expect(line?.upstream).toBe('called with Bearer [REDACTED]');
    expect(line?.note).toBe('token is [REDACTED_JWT]');
    expect(at(line, 'deep', 'list')).toEqual(['ok', 'card [REDACTED_PAN] declined']);
    expect(at(line, 'err', 'message')).toBe('charge of [REDACTED_PAN] failed');
    expect(logs.text()).not.toContain('child-secret');
    expect(logs.text()).not.toContain('4242');
  });
});

describe('what is kept', () => {
  it('keeps non-sensitive fields verbatim, including look-alike names and ids', async () => {
    const { logs, logger, flush } = capturedLogger();
    const fields = {
      event: 'http_request_complete',
      userId: 'user_123',
      email: 'fan@example.com',
      route: '/v1/jobs/:id',
      status: 200,
      durationMs: 1.25,
      ok: true,
      missing: null,
      tags: ['a', 'b'],
      key: 'idempotency-key-1',
      footprint: 'f',
      span: 's',
      spinner: 'p',
      correlation: '12345678-1234-4234-1234-123456789012',
      phone: '+44 20 7946 0958',
      amountMinor: 4242424242424242,
      nested: { description: 'a sentence with 42 numbers, nothing secret', at: '2024-05-01T10:00:00.000Z' },
    };
    logger.info(fields, 'kept');
    await flush();
    expect(logs.lines[0]).toMatchObject({ ...fields, msg: 'kept' });
  });

  it('does not mutate the caller objects, errors or bindings', async () => {
    const { logger, flush } = capturedLogger();
    const error = Object.assign(new Error('Bearer error-secret'), { password: 'error-pw' });
    const fields = {
      user: { id: 1, password: 'pw', tokens: ['Bearer t1'] },
      list: [{ cvv: '123' }, `see ${JWT}`],
      err: error,
    };
    const bindings = { sessionId: 'sess-1', inner: { csrfToken: 'csrf-1' } };
    const before = structuredClone({ ...fields, err: undefined });
    const bindingsBefore = structuredClone(bindings);

    logger.child(bindings).info(fields, 'mutation check');
    await flush();

    expect({ ...fields, err: undefined }).toEqual(before);
    expect(bindings).toEqual(bindingsBefore);
    expect(error.message).toBe('Bearer error-secret');
    expect(error.password).toBe('error-pw');
  });
});

describe('hostile shapes', () => {
  it('logs cyclic objects and errors without throwing', async () => {
    const { logs, logger, flush } = capturedLogger();
    const node: Record<string, unknown> = { name: 'node', token: 'cyclic-secret' };
    node.self = node;
    node.children = [node];
    const error = Object.assign(new Error('cyclic error'), { context: {} as Record<string, unknown> });
    error.context.error = error;
    error.context.holder = node;

    expect(() => logger.info({ node, error }, 'cycles')).not.toThrow();
    await flush();
    const line = logs.lines[0];
    expect(at(line, 'node', 'self')).toBe('[Circular]');
    expect(at(line, 'node', 'children', 0)).toBe('[Circular]');
    expect(at(line, 'error', 'context', 'error')).toBe('[Circular]');
    expect(at(line, 'error', 'context', 'holder', 'token')).toBe('[REDACTED]');
    expect(logs.text()).not.toContain('cyclic-secret');
  });

  it('truncates content nested deeper than eight levels', async () => {
    const { logs, logger, flush } = capturedLogger();
    let deep: Record<string, unknown> = { value: 'deepest', hidden: 'Bearer deep-secret' };
    for (let level = 0; level < 12; level++) deep = { next: deep };
    logger.info(deep, 'deep');
    await flush();

    let cursor: unknown = logs.lines[0];
    for (let level = 0; level < 8; level++) cursor = (cursor as Record<string, unknown>).next;
    expect(cursor).toBe('[Truncated]');
    expect(logs.text()).not.toContain('deep-secret');
  });
});
