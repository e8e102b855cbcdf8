// Owns the invitation token: the platform's secret token (256 random bits, base64url, 43
// characters), of which only the SHA-256 is stored. Whatever a caller sends, well-formed or not,
// costs one hash and one indexed read by that hash, so a wrong token and a known one take the same
// work.
import { hashSecretToken, newSecretToken } from '@app/platform';

export function newToken(): { token: string; hash: string } {
  const token = newSecretToken();
  return { token, hash: hashSecretToken(token) };
}

export const hashToken = hashSecretToken;
