// Owns the invitation token: 256 random bits, base64url (43 characters), of which only the SHA-256
// is stored. Whatever a caller sends, well-formed or not, costs one hash and one indexed read by
// that hash, so a wrong token and a known one take the same work.
import { createHash, randomBytes } from 'node:crypto';

export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
