// Owns what every board adapter is handed and the checks they share: the polite fetcher, the
// board's base URL, and `add`, which records each posting as soon as it is read so a source cut
// off by the run deadline still reports what it had.
import { escapeUTF8 } from 'entities';
import type { Fetcher } from '../fetcher.js';
import { SourceError } from '../fetcher.js';
import type { NormalizedPosting } from '../types.js';

export interface AdapterContext {
  fetcher: Fetcher;
  /** Scheme, host and port of the board's API, without a trailing slash (unused by jsonld). */
  baseUrl: string;
  /** One posting the board listed; null when it could not be read (it still counts as fetched). */
  add(posting: NormalizedPosting | null): void;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The array a board keeps its postings in, or a SourceError naming the board. */
export function arrayIn<T>(value: unknown, board: string): T[] {
  if (!Array.isArray(value)) throw new SourceError('error', `unexpected response shape from ${board}`);
  return value.filter(isRecord) as T[];
}

/** Titled sections ("Qualifications", a list's heading) as HTML; the title is text, not markup. */
export function section(title: string | undefined, html: string | undefined): string {
  if (!html) return '';
  return title ? `<h3>${escapeUTF8(title)}</h3>${html}` : html;
}
