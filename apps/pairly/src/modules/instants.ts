// Owns the one rule for instants a client sends (bodies, queries, cursors): a valid date in the
// years 1970 to 9999 (UTC). JSON Schema's date-time accepts offsets that carry 9999-12-31 into year
// 10000 and years PostgreSQL cannot store; those must be a 400 naming the field, never a 500.
import { AppError } from '@app/platform';

const outOfRange = (path: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'validation_failed',
    detail: `${path.split('/').at(-1)} must be a date between the years 1970 and 9999 (UTC).`,
    fields: [{ path, message: 'must be between years 1970 and 9999' }],
  });

/** Whether the date lies in the years 1970 to 9999, UTC. */
export function isStorableInstant(at: Date): boolean {
  const year = at.getUTCFullYear();
  return !Number.isNaN(at.getTime()) && year >= 1970 && year <= 9999;
}

/** The instant given as text or Date, or a 400 naming `path` (e.g. `/body/expiresAt`). */
export function instantAt(value: string | Date, path: string): Date {
  const at = value instanceof Date ? value : new Date(value);
  if (!isStorableInstant(at)) throw outOfRange(path);
  return at;
}

/** As instantAt, for an optional value. */
export function optionalInstantAt(value: string | Date | undefined, path: string): Date | undefined {
  return value === undefined ? undefined : instantAt(value, path);
}
