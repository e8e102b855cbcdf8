// Password hashing as the sign-in flow relies on it: argon2id with the agreed cost, rehash on a cost
// increase, a decoy for unknown users, and a bounded pool that sheds load with a retryable 503.
import { hash as argon2Hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { AppError } from '../../src/errors/app-error.js';
import { statusForKind } from '../../src/errors/http-mapping.js';

const cheap = { memoryKiB: 1024, iterations: 1 };

describe('hashing and verifying', () => {
  const hasher = createPasswordHasher();

  it('produces an argon2id PHC string with m=19456, t=2, p=1 that verifies only the right password', async () => {
    const stored = await hasher.hash('violet tram ledger');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await hasher.verify(stored, 'violet tram ledger')).toBe(true);
    expect(await hasher.verify(stored, 'violet tram ledgeR')).toBe(false);
  });

  it('salts every hash, so the same password hashes differently each time', async () => {
    const first = await hasher.hash('same password');
    const second = await hasher.hash('same password');
    expect(first).not.toBe(second);
    expect(await hasher.verify(second, 'same password')).toBe(true);
  });

  it('accepts the same password typed in a different Unicode form', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait');
    expect(await hasher.verify(stored, 'cafe\u0301 au lait')).toBe(true);
  });

  it('treats an undecodable stored hash as a server bug rather than a wrong password', async () => {
    await expect(hasher.verify('not-a-hash', 'anything')).rejects.toMatchObject({
      kind: 'internal',
      code: 'password_hash_malformed',
    });
    expect(() => hasher.needsRehash('not-a-hash')).toThrow(AppError);
  });

  it('has a decoy verification for unknown users that resolves', async () => {
    await expect(hasher.dummyVerify('whatever they typed')).resolves.toBeUndefined();
  });
});

describe('rehashing when the cost changes', () => {
  const current = createPasswordHasher();

  it('flags a hash made with less memory, yet still verifies it so the user can sign in', async () => {
    const weak = await createPasswordHasher({ memoryKiB: 4096 }).hash('old password');
    expect(current.needsRehash(weak)).toBe(true);
    expect(await current.verify(weak, 'old password')).toBe(true);
  });

  it('does not flag a hash made at the current cost', async () => {
    expect(current.needsRehash(await current.hash('fresh password'))).toBe(false);
  });

  it('flags current hashes once the hasher is upgraded to a higher cost', async () => {
    const stored = await current.hash('some password');
    expect(createPasswordHasher({ iterations: 3 }).needsRehash(stored)).toBe(true);
  });

  it('flags a hash made with another argon2 variant', async () => {
    const argon2i = await argon2Hash('some password', { algorithm: 1, memoryCost: 19456, timeCost: 2 });
    expect(current.needsRehash(argon2i)).toBe(true);
  });
});

describe('bounded pool', () => {
  it('never runs more than maxConcurrent operations at once and queues the rest', async () => {
    const hasher = createPasswordHasher({ ...cheap, maxConcurrent: 2 });
    const pending = Array.from({ length: 10 }, (_, i) => hasher.hash(`password ${i}`));
    expect(hasher.stats()).toEqual({ active: 2, queued: 8, maxActiveSeen: 2 });
    await Promise.all(pending);
    expect(hasher.stats()).toEqual({ active: 0, queued: 0, maxActiveSeen: 2 });
  });

  it('serves waiting operations in arrival order', async () => {
    const hasher = createPasswordHasher({ ...cheap, maxConcurrent: 1 });
    const finished: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => hasher.hash(`password ${i}`).then(() => finished.push(i))));
    expect(finished).toEqual([0, 1, 2, 3]);
  });

  it('refuses work beyond the queue with a retryable 503 auth_busy, then recovers', async () => {
    const hasher = createPasswordHasher({ ...cheap, maxConcurrent: 1, maxQueued: 2 });
    const accepted = [hasher.hash('a'), hasher.hash('b'), hasher.dummyVerify('c')];
    const refused = hasher.hash('d');

    const error = await refused.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'auth_busy', retryAfterSeconds: 1 });
    expect(statusForKind((error as AppError).kind)).toBe(503);

    await Promise.all(accepted);
    await expect(hasher.hash('e')).resolves.toMatch(/^\$argon2id\$/);
  });

  it('refuses a pool that could never run anything', () => {
    expect(() => createPasswordHasher({ maxConcurrent: 0 })).toThrow(RangeError);
  });
});
