// Owns what counts as an acceptable password, following NIST SP 800-63B: NFKC normalisation, a
// length of 8 to 128 code points, no composition rules, and refusal of well-known common passwords
// and of the account's own email address.
import { createRequire } from 'node:module';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** NFKC, so the same password typed on different keyboards or input methods is the same string. */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

let commonPasswords: Set<string> | undefined;

function commonPasswordSet(): Set<string> {
  if (commonPasswords === undefined) {
    // Required on first use rather than imported: decompressing the ~49k-entry list takes tens of
    // milliseconds that processes which never check a password should not pay at start-up.
    const require = createRequire(import.meta.url);
    const { dictionary } =
      require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    commonPasswords = new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  }
  return commonPasswords;
}

/** How many distinct common passwords are refused. */
export function commonPasswordCount(): number {
  return commonPasswordSet().size;
}

/** A reason the password is unacceptable, fit to show the user, or null when it is acceptable. */
export function passwordProblem(password: string, context: { email?: string } = {}): string | null {
  const normalised = normalisePassword(password);
  const length = [...normalised].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `Password must be at least ${PASSWORD_MIN_LENGTH} characters long.`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `Password must be at most ${PASSWORD_MAX_LENGTH} characters long.`;
  }
  const lower = normalised.toLowerCase();
  if (context.email !== undefined && isEmailOrLocalPart(lower, context.email)) {
    return 'Password must not be your email address or its part before the @.';
  }
  if (commonPasswordSet().has(lower)) {
    return 'This password is too common and easy to guess; choose another.';
  }
  return null;
}

function isEmailOrLocalPart(lowerPassword: string, email: string): boolean {
  const lowerEmail = normalisePassword(email).toLowerCase();
  const at = lowerEmail.lastIndexOf('@');
  return lowerPassword === lowerEmail || (at > 0 && lowerPassword === lowerEmail.slice(0, at));
}
