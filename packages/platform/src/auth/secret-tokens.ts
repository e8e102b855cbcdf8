// Owns opaque secret tokens (refresh tokens, reset links, CSRF tokens, login challenges): 256 bits
// from the CSPRNG, handed to the client once and stored only as a SHA-256 hash, so a database
// leak yields nothing usable. High-entropy tokens need no slow hash.
import { createHash, randomBytes } from 'node:crypto';

export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
