// Owns signed download URLs: a path `/media/<id>/content?expires=<unix seconds>&signature=<mac>`
// anyone holding it may GET until it expires, so <img src> and <video src> work without a token.
// The MAC is HMAC-SHA256 over a purpose label, the id and the expiry, under a key derived (HKDF) from
// the app's ENCRYPTION_KEY, so no other use of that secret can produce or check one; it is compared
// in constant time. Expiries are rounded up to the next whole minute so a page reloaded within the
// minute gets the same URLs and the browser's cache serves them.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'pairly media content url v1';

export interface UrlSigner {
  /** The signed path of an object's content, valid for the configured TTL from `now`. */
  sign(mediaId: string, now: Date): string;
  /**
   * Seconds the URL stays valid (>= 1), or null when the signature is not ours or it has expired.
   * `expires` and `signature` are the query's texts as given.
   */
  remaining(mediaId: string, expires: number, signature: string, now: Date): number | null;
}

/** A signer whose key is derived from `secret` (the app's ENCRYPTION_KEY). */
export function createUrlSigner(secret: string, ttlSeconds: number): UrlSigner {
  if (secret.length === 0) throw new Error('media: the URL signing secret is empty');
  const key = Buffer.from(hkdfSync('sha256', secret, 'pairly-media', PURPOSE, 32));
  const mac = (mediaId: string, expires: number) =>
    createHmac('sha256', key).update(`${PURPOSE}\n${mediaId.toLowerCase()}\n${expires}`).digest('base64url');

  return {
    sign(mediaId, now) {
      const expires = Math.ceil((now.getTime() / 1000 + ttlSeconds) / 60) * 60;
      return `/media/${mediaId}/content?expires=${expires}&signature=${mac(mediaId, expires)}`;
    },

    remaining(mediaId, expires, signature, now) {
      // Compared as text: decoding base64 would accept several spellings of one MAC.
      const given = Buffer.from(signature);
      const expected = Buffer.from(mac(mediaId, expires));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const left = expires - Math.floor(now.getTime() / 1000);
      return left >= 1 ? left : null;
    },
  };
}
