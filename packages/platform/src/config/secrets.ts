// Owns secret-strength rules and the development secret file. A secret is weak when it is shorter
// than 32 bytes, appears on the known-weak list, or has almost no distinct characters. In
// development and test, missing secrets are generated once and kept under the data directory
// (mode 0600) so restarts keep sessions valid; production never generates secrets.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MIN_SECRET_BYTES = 32;

const knownWeakSecrets = new Set(
  [
    'secret',
    'changeme',
    'change-me',
    'change_me',
    'password',
    'default',
    'development',
    'test',
    'jwt_secret',
    'jwt-secret',
    'your-secret-key',
    'your_secret_key',
    'your-256-bit-secret',
    'supersecret',
    'super-secret-key',
    'mysecret',
    'secretkey',
    'dev-secret-change-in-production',
    'please-change-this-secret-in-production',
    'thisisasecretkeythatisatleast32characterslong',
  ].map((value) => value.toLowerCase()),
);

/** Returns why a secret is weak, or null when it is acceptable. */
export function secretWeakness(value: string): string | null {
  if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) return `is shorter than ${MIN_SECRET_BYTES} bytes`;
  if (knownWeakSecrets.has(value.toLowerCase())) return 'is on the list of known weak secrets';
  if (new Set(value).size < 8) return 'has fewer than 8 distinct characters';
  return null;
}

/** Reads the development secrets file, generating and saving any missing names. */
export function loadOrCreateDevelopmentSecrets(
  dataDir: string,
  names: readonly string[],
): { secrets: Record<string, string>; generated: string[]; file: string } {
  const file = join(dataDir, 'secrets.json');
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const generated = names.filter((name) => typeof stored[name] !== 'string');
  for (const name of generated) stored[name] = randomBytes(48).toString('base64url');
  if (generated.length > 0) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { secrets: stored, generated, file };
}
