// bench/feed: home-feed page latency for a fan who follows 500 creators, with 100,000 published posts
// in the database, against the bare SQL page read in the same run from the same PostgreSQL database.
// The pairly server runs in its own process exactly as main.ts starts it, on a throwaway database
// (created on the server at DATABASE_URL, default the local one, and dropped after); the data is
// written by seed.ts. Three variants take turns, round after round, each walking the feed from its
// first page through `--pages` pages by cursor, one request at a time, for `--seconds` per phase:
// - bare SQL: the simplest correct page query (followed authors' published posts, newest first,
//   keyset on (published_at, id)) on one pg connection: no access rules, no views;
// - feed SQL: the statement GET /feed runs (posts/feed.ts: followed or subscribed authors, blocks,
//   and each row's access, likes and unlocks), through Kysely on the same kind of connection;
// - GET /feed: the whole route over loopback HTTP: token check, rate limiting, that statement, media
//   placeholders or signed URLs, author cards, serialisation.
// It checks that all three return the same posts in the same order, and exits non-zero otherwise.
// Usage: npm run bench:feed [-- --seconds 5 --rounds 3 --pages 5 --posts 100000 --creators 1000 --followed 500]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase, type Database, systemClock } from '@app/platform';
import pg from 'pg';
import { feedQuery } from '../../apps/pairly/src/modules/posts/feed.js';
import { openBenchStorage } from '../realtime/database.js';
import { type ChildServer, startChildServer } from '../support.js';
import { seedFeed } from './seed.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    pages: { type: 'string', default: '5' },
    limit: { type: 'string', default: '20' },
    posts: { type: 'string', default: '100000' },
    creators: { type: 'string', default: '1000' },
    followed: { type: 'string', default: '500' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const pages = Number(values.pages);
const limit = Number(values.limit);
const seed = {
  posts: Number(values.posts),
  creators: Number(values.creators),
  followed: Number(values.followed),
};
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

interface Position {
  publishedAt: string;
  id: string;
}
/** One page: the ids in order, and where the next starts (null at the end). */
interface Page {
  ids: string[];
  next: { cursor: string | Position } | null;
}
type Reader = (after: { cursor: string | Position } | null) => Promise<Page>;

const BARE_SQL = `
  select p.id, p.published_at from posts p
   where p.author_id in (select f.creator_id from follows f where f.follower_id = $1)
     and p.status = 'published' and p.deleted_at is null and p.removed_at is null
     and ($2::timestamptz is null or (p.published_at, p.id) < ($2::timestamptz, $3::uuid))
   order by p.published_at desc, p.id desc
   limit $4`;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Walks the feed from page 1 through `pages` pages, again and again, for `seconds`; latencies per page depth. */
async function drive(read: Reader): Promise<{ first: number[]; later: number[] }> {
  const first: number[] = [];
  const later: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    let after: Page['next'] = null;
    for (let page = 0; page < pages; page += 1) {
      const started = performance.now();
      const result = await read(after);
      (page === 0 ? first : later).push(performance.now() - started);
      after = result.next;
      if (!after) break;
    }
  }
  return { first, later };
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-feed-'));
const storage = await openBenchStorage(databaseUrl, '');
let server: ChildServer | undefined;
let client: pg.Client | undefined;
let ours: Database | undefined;
let failed = false;
try {
  console.log(
    `bench:feed: a fan following ${seed.followed} of ${seed.creators} creators, ${seed.posts} posts, ` +
      `pages of ${limit}, walks of ${pages} pages, ${seconds} s per phase x ${rounds} rounds; ${storage.description}; ` +
      `${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)} at start`,
  );
  server = await startChildServer('apps/pairly/src/main.ts', {
    NODE_ENV: 'production',
    SHUTDOWN_DRAIN_MS: '0',
    PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_DEFAULT_PER_MINUTE: '1000000',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    RATE_LIMIT_BAN_THRESHOLD_PER_MINUTE: '1000000',
    RATE_LIMIT_ADDRESS_BAN_THRESHOLD_PER_MINUTE: '1000000',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    ACCESS_TOKEN_TTL_SECONDS: '1800',
    ...storage.env,
    DATA_DIR: dataDir,
    PAIRLY_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
    PAIRLY_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
  });
  const base = server.url;
  const signup = await fetch(`${base}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'fan@bench.invalid',
      password: 'correct horse battery staple 42',
      role: 'fan',
    }),
  });
  if (!signup.ok) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const { accessToken, user } = (await signup.json()) as { accessToken: string; user: { id: string } };
  const fanId = user.id;

  const databaseOfRun = storage.env.DATABASE_URL as string;
  const connection = new pg.Client({ connectionString: databaseOfRun, application_name: 'bench-feed' });
  client = connection;
  await connection.connect();
  const seeding = performance.now();
  await seedFeed(connection, fanId, seed);
  console.log(`seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  const kyselyDb = await createDatabase({
    url: databaseOfRun,
    poolMax: 1,
    applicationName: 'bench-feed-kysely',
  });
  ours = kyselyDb;

  const bare: Reader = async (after) => {
    const position = after?.cursor as Position | undefined;
    const { rows } = await connection.query<{ id: string; published_at: Date }>(BARE_SQL, [
      fanId,
      position?.publishedAt ?? null,
      position?.id ?? null,
      limit,
    ]);
    const last = rows.at(-1);
    return {
      ids: rows.map((row) => row.id),
      next:
        rows.length === limit && last
          ? { cursor: { publishedAt: last.published_at.toISOString(), id: last.id } }
          : null,
    };
  };
  const feedSql: Reader = async (after) => {
    const position = after?.cursor as Position | undefined;
    const rows = (
      await feedQuery({
        viewerId: fanId,
        now: systemClock.now(),
        limit: limit + 1,
        ...(position && { after: { createdAt: new Date(position.publishedAt), id: position.id } }),
      }).execute(kyselyDb.kysely)
    ).rows;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      ids: page.map((row) => row.id),
      next:
        rows.length > limit && last
          ? { cursor: { publishedAt: (last.published_at as Date).toISOString(), id: last.id } }
          : null,
    };
  };
  const http: Reader = async (after) => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (after) query.set('cursor', after.cursor as string);
    const response = await fetch(`${base}/feed?${query}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`GET /feed: ${response.status} ${text}`);
    const body = JSON.parse(text) as { items: Array<{ id: string }>; nextCursor: string | null };
    return {
      ids: body.items.map((item) => item.id),
      next: body.nextCursor ? { cursor: body.nextCursor } : null,
    };
  };
  const variants = { 'bare SQL': bare, 'feed SQL (ours)': feedSql, 'GET /feed': http } as const;

  // The three must agree on the posts and their order, page after page.
  const walks: Record<string, string[]> = {};
  for (const [name, read] of Object.entries(variants)) {
    const ids: string[] = [];
    let after: Page['next'] = null;
    for (let page = 0; page < pages; page += 1) {
      const result = await read(after);
      ids.push(...result.ids);
      after = result.next;
      if (!after) break;
    }
    walks[name] = ids;
  }
  const reference = JSON.stringify(walks['bare SQL']);
  for (const [name, ids] of Object.entries(walks)) {
    if (JSON.stringify(ids) !== reference) {
      failed = true;
      console.error(`${name} returned other posts than the bare SQL (${ids.length} ids)`);
    }
  }
  if ((walks['bare SQL'] ?? []).length !== pages * limit) {
    failed = true;
    console.error(`the walk read ${(walks['bare SQL'] ?? []).length} posts, expected ${pages * limit}`);
  }

  const samples: Record<string, { first: number[]; later: number[] }> = {};
  for (const name of Object.keys(variants)) samples[name] = { first: [], later: [] };
  for (const name of Object.keys(variants)) await drive(variants[name as keyof typeof variants]); // warm-up
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, read] of Object.entries(variants)) {
      const result = await drive(read);
      samples[name]?.first.push(...result.first);
      samples[name]?.later.push(...result.later);
    }
  }
  const figures = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  };
  const bareFirst = figures(samples['bare SQL']?.first ?? []);
  const bareLater = figures(samples['bare SQL']?.later ?? []);
  console.log(
    '\n| variant | page 1 p50 | page 1 p99 | pages 2+ p50 | pages 2+ p99 | p50 vs bare (1 / 2+) | pages timed |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const name of Object.keys(variants)) {
    const first = figures(samples[name]?.first ?? []);
    const later = figures(samples[name]?.later ?? []);
    console.log(
      `| ${name} | ${first.p50.toFixed(2)} ms | ${first.p99.toFixed(2)} ms | ${later.p50.toFixed(2)} ms | ${later.p99.toFixed(2)} ms | ` +
        `${(first.p50 / bareFirst.p50).toFixed(2)} / ${(later.p50 / bareLater.p50).toFixed(2)} | ${first.n + later.n} |`,
    );
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await ours?.close();
  await client?.end();
  await server?.stop();
  await storage.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
