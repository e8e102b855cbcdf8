// Owns the credential arbitraries: Authorization headers (the valid token under several schemes,
// tampered and forged JWTs, garbage) and session cookies (the valid one, forged and malformed ones).
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { base64url, headerSafe } from './encoding.js';
import { FORGED_ROLES } from './ingredients.js';
import type { AuthSpec, CookieSpec } from './spec.js';

const claimsArbitrary = fc.record(
  {
    sub: fc.oneof(fc.uuid(), fc.constantFrom('admin', '', '1', "' OR 1=1 --")),
    role: fc.oneof(fc.constantFrom(...FORGED_ROLES), fc.string({ maxLength: 10 })),
    rtid: fc.oneof(fc.uuid(), fc.constantFrom('', 'x', '00000000-0000-0000-0000-000000000000')),
    exp: fc.oneof(fc.constantFrom(9_999_999_999, 1e308, -1, 0, 1.5), fc.nat()),
    iat: fc.nat(),
    iss: fc.string({ maxLength: 8 }),
    aud: fc.oneof(fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);

const jwtHeaderArbitrary = fc.oneof(
  fc.constant({ alg: 'none', typ: 'JWT' }),
  fc.constant({ alg: 'NONE' }),
  fc.constant({ alg: 'HS256', typ: 'JWT' }),
  fc.constant({ alg: 'EdDSA', kid: '../../../../dev/null' }),
  fc.constant({ alg: 'RS256', jku: 'http://127.0.0.1:1/jwks.json' }),
  fc.constant({ alg: 'HS256', kid: "' OR '1'='1" }),
  fc.record({ alg: fc.string({ maxLength: 8 }), kid: fc.string({ maxLength: 8 }) }),
);

export const authArbitrary: fc.Arbitrary<AuthSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 9,
    arbitrary: fc
      .constantFrom('Bearer', 'Bearer', 'Bearer', 'bearer', 'BEARER', 'Bearer ', 'Token')
      .map((scheme) => ({ kind: 'valid' as const, scheme })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(claimsArbitrary, jwtHeaderArbitrary, fc.constantFrom('keep', '', 'AAAA', 'garbage-signature'))
      .map(([claims, header, signature]) => ({ kind: 'tampered' as const, claims, header, signature })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        claimsArbitrary,
        jwtHeaderArbitrary,
        fc.constantFrom('', 'x', 'secret', 'changeme', 'hiring', 'pairly'),
      )
      .map(([claims, header, secret]) => {
        const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
        const signature =
          header.alg === 'HS256' ? createHmac('sha256', secret).update(unsigned).digest('base64url') : '';
        return { kind: 'raw' as const, value: `Bearer ${unsigned}.${signature}` };
      }),
  },
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 60 }).map((garbage) => `Bearer ${garbage}`),
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Bearer a.b.c',
          'Bearer ...',
          'Bearer null',
          'Bearer undefined',
          `Bearer ${'a'.repeat(8000)}.${'b'.repeat(8000)}.c`,
          'Basic YWRtaW46YWRtaW4=',
          'Basic',
          'Digest username="admin"',
          '',
          ' ',
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9',
          `Bearer ${base64url('{"alg":"HS256"}')}.${base64url('{"__proto__":{"polluted":"fuzz"},"sub":"x"}')}.x`,
          `Bearer ${base64url('{"alg":"none","__proto__":{"alg":"none"}}')}.${base64url('{"constructor":{"prototype":{"polluted":"fuzz"}}}')}.x`,
        ),
        fc.string({ maxLength: 80, unit: 'binary' }),
      )
      .map((value) => ({ kind: 'raw' as const, value: headerSafe(value) })),
  },
);

export const cookieArbitrary: fc.Arbitrary<CookieSpec> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('', '; __Host-refresh=garbage', '; __Host-access=second')
      .map((extra) => ({ kind: 'valid' as const, extra })),
  },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 60 }).map((garbage) => `__Host-access=${garbage}`),
        fc.string({ maxLength: 60 }).map((garbage) => `__Host-refresh=${garbage}`),
        fc.constantFrom(
          '__Host-access=%E0%A4%A',
          '__Host-access=%',
          '__proto__=polluted',
          'constructor=x; prototype=y',
          '=; ;;=; a',
          `a=${'b'.repeat(8000)}`,
          '__Host-access="quoted"',
          '__Host-access=a; __Host-access=b',
        ),
        fc.string({ maxLength: 60, unit: 'binary' }),
      )
      .map((value) => ({ kind: 'raw' as const, value: headerSafe(value) })),
  },
);
