// Owns bench/feed's data: on the throwaway PostgreSQL database the pairly server has migrated, it
// writes (in a few set-based statements, not through the app: setup is not measured) `creators`
// creator accounts with profiles, the fan's follows of the first `followed` of them and subscriber
// access to every tenth of those, and `posts` published posts spread over all creators and the last
// year, a mix of visibilities (60% public, 20% followers, 15% subscribers, 5% pay-per-view) with an
// image on every fifth post, then ANALYZE so the planner sees the real sizes.
import type pg from 'pg';

export interface FeedSeed {
  creators: number;
  followed: number;
  posts: number;
}

/** Creator n's id: fixed, so runs are comparable. */
const creatorId = (n: string) => `('00000000-0000-4000-a000-' || lpad((${n})::text, 12, '0'))::uuid`;

export async function seedFeed(client: pg.Client, fanId: string, seed: FeedSeed): Promise<void> {
  const { creators, followed, posts } = seed;
  await client.query('begin');
  await client.query(
    `insert into auth_users (id, email, password_hash, role, created_at, password_changed_at)
     select ${creatorId('g')}, 'creator' || g || '@bench.invalid', 'not-a-hash', 'creator', now(), now()
       from generate_series(1, $1::int) g`,
    [creators],
  );
  await client.query(
    `insert into creator_profiles (user_id, handle, display_name, bio, subscription_price,
                                   follower_count, age_confirmed_at, terms_accepted_at, terms_version,
                                   created_at, updated_at)
     select ${creatorId('g')}, 'creator_' || g, 'Creator ' || g, 'Bench creator number ' || g, 500,
            case when g <= $2 then 1 else 0 end, now(), now(), 'bench', now(), now()
       from generate_series(1, $1::int) g`,
    [creators, followed],
  );
  await client.query(
    `insert into follows (follower_id, creator_id, created_at)
     select $1::uuid, ${creatorId('g')}, now() from generate_series(1, $2::int) g`,
    [fanId, followed],
  );
  await client.query(
    `insert into fan_subscriptions (id, fan_id, creator_id, status, price, anchor_at, period_index,
                                    current_period_start, current_period_end, access_until,
                                    created_at, updated_at)
     select gen_random_uuid(), $1::uuid, ${creatorId('g')}, 'active', 500, now(), 0,
            now() - interval '1 day', now() + interval '29 days', now() + interval '32 days', now(), now()
       from generate_series(10, $2::int, 10) g`,
    [fanId, followed],
  );
  // One image per fifth post, owned by its author (rows only: the feed signs URLs, never reads blobs).
  await client.query(
    `create temporary table bench_posts on commit drop as
     select gen_random_uuid() as id, ${creatorId('1 + (g * 7919) % $1::int')} as author_id, g,
            now() - (interval '365 days' * random()) as published_at
       from generate_series(1, $2::int) g`,
    [creators, posts],
  );
  await client.query(
    `insert into posts (id, author_id, body, visibility, unlock_price, status, published_at,
                        like_count, comment_count, created_at, updated_at)
     select id, author_id, 'Post ' || g || ' of the bench, with a few words of text to read.',
            case when g % 20 < 12 then 'public' when g % 20 < 16 then 'followers'
                 when g % 20 < 19 then 'subscribers' else 'pay_per_view' end,
            case when g % 20 = 19 then 100 end,
            'published', published_at, g % 50, g % 7, published_at, published_at
       from bench_posts`,
  );
  await client.query(
    `insert into media_objects (id, owner_id, kind, content_type, byte_size, width, height, blob_key,
                                preview, created_at)
     select gen_random_uuid(), author_id, 'image', 'image/jpeg', 100000, 1200, 800,
            'bench/' || id, 'data:image/webp;base64,UklGRh4AAABXRUJQVlA4TBEAAAAvAAAAAAfQ//73v/+BiOh/AAA=',
            published_at
       from bench_posts where g % 5 = 0`,
  );
  await client.query(
    `insert into post_media (post_id, media_id, position)
     select p.id, m.id, 0 from bench_posts p join media_objects m on m.blob_key = 'bench/' || p.id`,
  );
  await client.query('commit');
  await client.query('analyze');
}
