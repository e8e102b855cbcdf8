// Owns encryption of secrets at rest (TOTP secrets in the database): AES-256-GCM under a key
// derived with HKDF-SHA256 from a configured secret, sealed as `v1.<iv>.<ciphertext>.<tag>` in
// base64url with a random 12-byte IV. An optional context (such as the id of the row the value
// belongs to) is bound as additional authenticated data, so a sealed value copied elsewhere will not
// open. Only canonical base64url is accepted, so a sealed value has exactly one spelling, and any
// tampering, wrong key, wrong context or malformed input makes `open` throw.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { secretWeakness } from '../config/secrets.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = 'platform:sealing:salt';
const HKDF_INFO = 'platform:sealing:v1';

export interface Sealer {
  /** Seals `plaintext`; `context` is authenticated but not stored, and `open` must be given the same. */
  seal(plaintext: string, context?: string): string;
  /** Throws unless `sealed` was sealed under this key with the same context (none and '' are equal). */
  open(sealed: string, context?: string): string;
}

function decodeBase64url(part: string): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  // Node skips characters it cannot decode and ignores spare trailing bits; refuse both.
  if (bytes.toString('base64url') !== part) throw new Error('Sealed value is malformed');
  return bytes;
}

/** A sealer keyed from high-entropy key material (HKDF does not stretch weak secrets). */
export function createSealer(keyMaterial: string): Sealer {
  const weakness = secretWeakness(keyMaterial);
  if (weakness) throw new Error(`Sealing key material ${weakness}`);
  const key = Buffer.from(hkdfSync('sha256', keyMaterial, HKDF_SALT, HKDF_INFO, 32));

  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      if (context) cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, ciphertext, cipher.getAuthTag()].map((bytes) => bytes.toString('base64url'));
      return [VERSION, ...parts].join('.');
    },

    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('Sealed value is malformed');
      const [iv, ciphertext, tag] = parts.slice(1).map(decodeBase64url) as [Buffer, Buffer, Buffer];
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('Sealed value is malformed');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      if (context) decipher.setAAD(Buffer.from(context, 'utf8'));
      try {
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('Sealed value could not be opened: wrong key, wrong context or tampered data');
      }
    },
  };
}
