// Secrets sealed at rest open only with the same key, the same context and only untouched: the
// plaintext round-trips, each seal uses a fresh IV, and a change to any part, another key, another
// context or a malformed value throws instead of returning wrong plaintext.
import { describe, expect, it } from 'vitest';
import { createSealer } from '../../src/auth/sealing.js';

const KEY = 'k7Qp2vX9mR4tW8yB3nF6hJ1cL5sD0gZa';
const OTHER_KEY = 'Zq8Wm3Rt6Yp1Vx4Nb7Kc0Hf2Jd5Ls9Ga';
const SECRET = 'JUGMXS4HRSPVP3PV7VZ6LVDZPVGYZC6R';
const USER_A = '0b6f2a4e-3c1d-4e8f-9a7b-5c2d1e0f3a4b';
const USER_B = '7d1c9e2f-6a4b-4c3d-8e5f-1a2b3c4d5e6f';

describe('createSealer', () => {
  const sealer = createSealer(KEY);

  it('opens what it sealed, including empty and non-ASCII text', () => {
    for (const text of [SECRET, '', 'clé secrète ✓']) expect(sealer.open(sealer.seal(text))).toBe(text);
  });

  it('opens with a new sealer built from the same key material', () => {
    expect(createSealer(KEY).open(sealer.seal(SECRET))).toBe(SECRET);
  });

  it('writes v1 with base64url IV, ciphertext and tag, and never the plaintext', () => {
    const sealed = sealer.seal(SECRET);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(sealed).not.toContain(SECRET);
  });

  it('seals the same text differently each time', () => {
    expect(sealer.seal(SECRET)).not.toBe(sealer.seal(SECRET));
  });

  it('throws when any part of the sealed value was changed', () => {
    const parts = sealer.seal(SECRET).split('.');
    for (const index of [1, 2, 3]) {
      for (const position of [0, parts[index]!.length - 1]) {
        const tampered = [...parts];
        const chars = [...tampered[index]!];
        chars[position] = chars[position] === 'A' ? 'B' : 'A';
        tampered[index] = chars.join('');
        expect(() => sealer.open(tampered.join('.'))).toThrow(/malformed|could not be opened/);
      }
    }
  });

  it('refuses another spelling of the same bytes (spare trailing bits set)', () => {
    const [version, iv, ciphertext, tag] = sealer.seal(SECRET).split('.') as [string, string, string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // A 16-byte tag is 22 characters; the last one carries 2 data bits and 4 spare ones.
    const respelled = tag.slice(0, -1) + alphabet[alphabet.indexOf(tag.at(-1)!) ^ 1];
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(tag, 'base64url'));
    expect(() => sealer.open([version, iv, ciphertext, respelled].join('.'))).toThrow(
      'Sealed value is malformed',
    );
  });

  it('throws when ciphertexts or tags are swapped between two sealed values', () => {
    const [, ivA, ctA, tagA] = sealer.seal(SECRET).split('.');
    const [, , ctB, tagB] = sealer.seal('another secret!!').split('.');
    expect(() => sealer.open(['v1', ivA, ctB, tagA].join('.'))).toThrow(/could not be opened/);
    expect(() => sealer.open(['v1', ivA, ctA, tagB].join('.'))).toThrow(/could not be opened/);
  });

  it('throws with another key', () => {
    expect(() => createSealer(OTHER_KEY).open(sealer.seal(SECRET))).toThrow(/could not be opened/);
    expect(() => createSealer(OTHER_KEY).open(sealer.seal(SECRET, USER_A), USER_A)).toThrow(
      /could not be opened/,
    );
  });

  it('opens a value sealed with a context only with that same context', () => {
    const sealed = sealer.seal(SECRET, USER_A);
    expect(sealer.open(sealed, USER_A)).toBe(SECRET);
    expect(createSealer(KEY).open(sealed, USER_A)).toBe(SECRET);
  });

  it('throws when a value sealed for one context is opened with another, or with none', () => {
    const sealed = sealer.seal(SECRET, USER_A);
    expect(() => sealer.open(sealed, USER_B)).toThrow(
      'Sealed value could not be opened: wrong key, wrong context or tampered data',
    );
    expect(() => sealer.open(sealed, USER_A.toUpperCase())).toThrow(/could not be opened/);
    expect(() => sealer.open(sealed)).toThrow(/could not be opened/);
  });

  it('throws when a value sealed without a context is opened with one', () => {
    expect(() => sealer.open(sealer.seal(SECRET), USER_A)).toThrow(/could not be opened/);
  });

  it.each([
    '',
    'not sealed',
    'v2.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA',
    'v1.AAAAAAAAAAAAAAAA.AAAA',
    'v1.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA.extra',
    'v1.AAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA',
    'v1.AAAAAAAAAAAAAAAA.AAAA.AAAA',
    'v1.AAAAAAAAAAAAAAA!.AAAA.AAAAAAAAAAAAAAAAAAAAAA',
  ])('throws a clear error for the malformed value %j', (value) => {
    expect(() => sealer.open(value)).toThrow('Sealed value is malformed');
  });

  it('refuses weak key material', () => {
    expect(() => createSealer('short')).toThrow(/Sealing key material is shorter than 32 bytes/);
  });
});
