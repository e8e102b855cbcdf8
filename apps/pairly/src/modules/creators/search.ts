// Owns creator search: by handle prefix (case-insensitive), by words of the display name, handle and
// bio (PostgreSQL full-text, 'simple' configuration, each word matched as a prefix), by category and
// by language. Creators blocked either way by the searcher never appear. Order: the exact handle
// first, then full-text rank, then handle, then id, a total order, so the keyset cursor (the last
// row's position in it) is stable while rows change. Without `q` the order is by handle.
import { AppError } from '@app/platform';
import { sql } from 'kysely';
import type { CreatorDb } from './tables.js';
import type { Views } from './views.js';
import { unblockedWith } from './visibility.js';

export interface SearchRequest {
  q?: string;
  category?: string;
  language?: string;
  cursor?: string;
  limit?: number;
}

/** A position in the search order: exact handle match, rank, lower-case handle, id. */
type Position = [exact: boolean, rank: number, handle: string, id: string];

const MAX_WORDS = 8;

const invalidCursor = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'cursor_invalid',
    detail: 'The cursor is not one this API issued.',
    fields: [{ path: '/querystring/cursor', message: 'unknown cursor' }],
  });

const encode = (position: Position) => Buffer.from(JSON.stringify(position)).toString('base64url');

function decode(text: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 4) {
      const [exact, rank, handle, id] = value;
      if (
        typeof exact === 'boolean' &&
        typeof rank === 'number' &&
        Number.isFinite(rank) &&
        // A ts_rank is a small non-negative real: anything else was not issued by this API.
        rank >= 0 &&
        rank <= 1e6 &&
        typeof handle === 'string' &&
        handle.length <= 30 &&
        typeof id === 'string' &&
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
      )
        return [exact, rank, handle, id];
    }
  } catch {
    // falls through to the refusal
  }
  throw invalidCursor();
}

/** `word1:* & word2:*` from the letters and digits of `q` (nothing else reaches to_tsquery). */
function prefixQuery(q: string): string | null {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
  return words.length === 0 ? null : words.map((word) => `${word}:*`).join(' & ');
}

interface SearchRow {
  user_id: string;
  handle: string;
  display_name: string;
  avatar_media_id: string | null;
  bio: string;
  categories: string[];
  languages: string[];
  subscription_price: number | null;
  available_for_calls: boolean;
  follower_count: number;
  exact: boolean;
  rank: number;
  lower_handle: string;
}

export function createSearch(db: CreatorDb, views: Views) {
  return async function search(viewerId: string, request: SearchRequest) {
    const limit = request.limit ?? 20;
    const after = request.cursor === undefined ? undefined : decode(request.cursor);
    const q = request.q?.trim() ?? '';
    const words = prefixQuery(q);
    const tsquery = words === null ? sql`null::tsquery` : sql`to_tsquery('simple', ${words})`;
    const lowerQ = q.toLowerCase();
    const prefix = `${lowerQ.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const conditions = [unblockedWith(viewerId, 'cp.user_id')];
    if (q !== '') conditions.push(sql<boolean>`(lower(cp.handle) like ${prefix} or cp.search @@ ${tsquery})`);
    if (request.category) conditions.push(sql<boolean>`cp.categories @> array[${request.category}]::text[]`);
    if (request.language) conditions.push(sql<boolean>`cp.languages @> array[${request.language}]::text[]`);
    const position = after
      ? sql`where (not s.exact, -s.rank, s.lower_handle, s.user_id) > (${!after[0]}, ${-after[1]}::real, ${after[2]}, ${after[3]}::uuid)`
      : sql``;
    const { rows } = await sql<SearchRow>`
      select * from (
        select cp.user_id, cp.handle, cp.display_name, cp.avatar_media_id, cp.bio, cp.categories,
               cp.languages, cp.subscription_price, cp.available_for_calls, cp.follower_count,
               lower(cp.handle) as lower_handle,
               (${q !== ''} and lower(cp.handle) = ${lowerQ}) as exact,
               coalesce(ts_rank(cp.search, ${tsquery}), 0)::real as rank
          from creator_profiles cp
         where ${sql.join(conditions, sql` and `)}) s
      ${position}
      order by s.exact desc, s.rank desc, s.lower_handle, s.user_id
      limit ${limit + 1}`.execute(db);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((row) => ({
        ...views.card(row),
        bio: row.bio,
        categories: row.categories,
        languages: row.languages,
        subscriptionPrice: row.subscription_price,
        availableForCalls: row.available_for_calls,
        followerCount: row.follower_count,
      })),
      nextCursor:
        rows.length > limit && last
          ? encode([last.exact, Number(last.rank), last.lower_handle, last.user_id])
          : null,
    };
  };
}

export type Search = ReturnType<typeof createSearch>;
