// Owns password hashing: argon2id at OWASP's minimum cost (19 MiB, 2 passes, 1 lane) by default,
// detection of stored hashes weaker than the current cost, a decoy verification so an unknown user
// costs as much as a wrong password, and a bounded pool because each operation holds the full memory
// cost for its duration. Passwords are NFKC-normalised here, so callers pass what the user typed.
import { type Algorithm, hash, parseOptions, type Version, verify } from '@node-rs/argon2';
import { AppError } from '../errors/app-error.js';
import { createBoundedPool, type PoolStats } from './bounded-pool.js';
import { normalisePassword } from './password-policy.js';

// The library's enums are ambient `const enum`s, which isolatedModules forbids reading by name.
const ARGON2ID: Algorithm = 2;
const VERSION_0X13: Version = 1;

export interface PasswordHasherOptions {
  /** Memory cost per operation in KiB (default 19456, i.e. 19 MiB). */
  memoryKiB?: number;
  /** Passes over the memory (default 2). */
  iterations?: number;
  /** Lanes (default 1). */
  parallelism?: number;
  /** Operations allowed to run at once (default 4, libuv's default thread-pool size). */
  maxConcurrent?: number;
  /** Operations allowed to wait for a slot; beyond this they fail with `auth_busy` (default 64). */
  maxQueued?: number;
}

export interface PasswordHasher {
  /** An argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$digest`) with a fresh random salt. */
  hash(password: string): Promise<string>;
  /**
   * Whether the password matches the stored hash, using the parameters embedded in it. A stored
   * hash that cannot be decoded is a server bug and throws an internal AppError.
   */
  verify(storedHash: string, password: string): Promise<boolean>;
  /** True when the stored hash is not argon2id v19 or is cheaper than the current cost. */
  needsRehash(storedHash: string): boolean;
  /** Costs the same as a failed `verify`; call it when the account does not exist. */
  dummyVerify(password: string): Promise<void>;
  stats(): PoolStats;
}

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const cost = {
    memoryCost: options.memoryKiB ?? 19456,
    timeCost: options.iterations ?? 2,
    parallelism: options.parallelism ?? 1,
  };
  const pool = createBoundedPool({
    maxConcurrent: options.maxConcurrent ?? 4,
    maxQueued: options.maxQueued ?? 64,
    overloaded: () =>
      new AppError({
        kind: 'unavailable',
        code: 'auth_busy',
        detail: 'Too many sign-in requests are being processed; try again in a moment.',
        retryAfterSeconds: 1,
      }),
  });
  // Verification does the full argon2 work before comparing digests, so a well-formed hash with the
  // current cost and an all-zero salt and digest is as slow as a real one and matches no password.
  const decoy = `$argon2id$v=19$m=${cost.memoryCost},t=${cost.timeCost},p=${cost.parallelism}$${'A'.repeat(22)}$${'A'.repeat(43)}`;

  const checkedVerify = async (storedHash: string, password: string): Promise<boolean> => {
    try {
      return await verify(storedHash, normalisePassword(password));
    } catch (cause) {
      throw malformedHash(cause);
    }
  };

  return {
    hash: (password) => pool.run(() => hash(normalisePassword(password), { algorithm: ARGON2ID, ...cost })),
    verify: (storedHash, password) => pool.run(() => checkedVerify(storedHash, password)),
    needsRehash(storedHash) {
      let used: ReturnType<typeof parseOptions>;
      try {
        used = parseOptions(storedHash);
      } catch (cause) {
        throw malformedHash(cause);
      }
      return (
        used.algorithm !== ARGON2ID ||
        used.version !== VERSION_0X13 ||
        used.memoryCost < cost.memoryCost ||
        used.timeCost < cost.timeCost ||
        used.parallelism < cost.parallelism
      );
    },
    async dummyVerify(password) {
      await pool.run(() => checkedVerify(decoy, password));
    },
    stats: () => pool.stats(),
  };
}

function malformedHash(cause: unknown): AppError {
  return new AppError({
    kind: 'internal',
    code: 'password_hash_malformed',
    detail: 'A stored password hash is not a valid argon2 PHC string',
    cause,
  });
}
