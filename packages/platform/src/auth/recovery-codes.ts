// Owns single-use recovery codes: 24 characters of Crockford base32 (120 random bits) shown as
// `xxxxx-xxxxx-xxxxx-xxxxx-xxxx`, loose-typing normalisation, and the stored hash. The codes carry
// far too much entropy to guess, so a fast SHA-256 is enough; a slow password hash adds nothing.
import { createHash, randomInt } from 'node:crypto';

// Crockford's alphabet: no i, l, o or u, so nothing reads as another character.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_LENGTH = 24;

function generateRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code.match(/.{1,5}/g)!.join('-');
}

/** Distinct recovery codes to show the user once. */
export function generateRecoveryCodes(count = 10): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(generateRecoveryCode());
  return [...codes];
}

/** Drops spaces and dashes, lowercases, and reads o as 0 and i or l as 1, as Crockford intends. */
export function normaliseRecoveryCode(input: string): string {
  return input.replace(/[\s-]/g, '').toLowerCase().replace(/o/g, '0').replace(/[il]/g, '1');
}

/** SHA-256 hex of the normalised code: the only form that is stored. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');
}
