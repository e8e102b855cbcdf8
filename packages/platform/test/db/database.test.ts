// The database contract on the backend under test (PGlite, or the server at DATABASE_URL):
// concurrent transactions stay isolated, failed work rolls back, serialization failures are
// retried, int8 values arrive as exact numbers and multi-statement SQL runs as one call.
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, isDatabaseUnavailable, withTransaction } from '../../src/db/index.js';
import { createTestDatabase } from '../../src/testing/database.js';
import { freePort } from '../../src/testing/own-services.js';

interface Schema {
  kernel_widgets: { name: string; size: number };
}

let db: Database<Schema>;

beforeAll(async () => {
  db = (await createTestDatabase([
    { scope: 'kernel', directory: fileURLToPath(new URL('../fixtures/kernel-migrations', import.meta.url)) },
  ])) as Database<Schema>;
});
afterAll(async () => {
  await db.close();
});

const countWidgets = async () =>
  Number(
    (
      await db.kysely
        .selectFrom('kernel_widgets')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe(`database (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('keeps an open transaction invisible to concurrent queries and rolls it back on error', async () => {
    const failing = withTransaction(db, async (trx) => {
      await trx.insertInto('kernel_widgets').values({ name: 'uncommitted', size: 1 }).execute();
      await sleep(50);
      throw new Error('work failed');
    });
    // Handled from the start: the count below can outlast the work, and a rejection nobody is
    // waiting for yet is reported as unhandled.
    const outcome = failing.catch((error: unknown) => error);
    await sleep(10);
    expect(await countWidgets()).toBe(0);
    expect(await outcome).toMatchObject({ message: 'work failed' });
    expect(await countWidgets()).toBe(0);
  });

  it('lets timers run during a long chain of statements (the embedded database yields to the event loop)', async () => {
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
    }, 1);
    let statements = 0;
    // Without turns the timer could only run once the chain is over; 20,000 statements is far
    // longer than a turn on any machine, and the chain stops as soon as the timer has run.
    while (!timerRan && statements < 20_000) {
      await db.kysely.selectFrom('kernel_widgets').select('name').execute();
      await db.executeSql('select 1');
      statements += 2;
    }
    expect(timerRan).toBe(true);
    expect(statements).toBeLessThan(20_000);
  });

  it('commits work and makes it visible afterwards', async () => {
    await withTransaction(db, (trx) =>
      trx.insertInto('kernel_widgets').values({ name: 'committed', size: 2 }).execute(),
    );
    const row = await db.kysely
      .selectFrom('kernel_widgets')
      .selectAll()
      .where('name', '=', 'committed')
      .executeTakeFirst();
    expect(row).toEqual({ name: 'committed', size: 2 });
    await db.kysely.deleteFrom('kernel_widgets').execute();
  });

  it('retries the whole unit after a serialization failure, then succeeds', async () => {
    let attempts = 0;
    const result = await withTransaction(
      db,
      async (trx) => {
        attempts += 1;
        await trx
          .insertInto('kernel_widgets')
          .values({ name: `attempt-${attempts}`, size: 1 })
          .execute();
        if (attempts < 3) {
          await sql`do $$ begin raise exception 'conflict' using errcode = 'serialization_failure'; end $$`.execute(
            trx,
          );
        }
        return attempts;
      },
      { isolationLevel: 'serializable', maxAttempts: 3 },
    );
    expect(result).toBe(3);
    const names = await db.kysely.selectFrom('kernel_widgets').select('name').execute();
    expect(names).toEqual([{ name: 'attempt-3' }]);
    await db.kysely.deleteFrom('kernel_widgets').execute();
  });

  it('gives up after the last attempt with the database error', async () => {
    const failing = withTransaction(
      db,
      (trx) =>
        sql`do $$ begin raise exception 'conflict' using errcode = 'serialization_failure'; end $$`.execute(
          trx,
        ),
      { maxAttempts: 2 },
    );
    await expect(failing).rejects.toMatchObject({ code: '40001' });
  });

  it('does not retry errors that are not transient', async () => {
    let attempts = 0;
    const failing = withTransaction(db, async (trx) => {
      attempts += 1;
      await sql`select 1 / 0`.execute(trx);
    });
    await expect(failing).rejects.toMatchObject({ code: '22012' });
    expect(attempts).toBe(1);
  });

  it('reads int8 as exact numbers and refuses values beyond 2^53', async () => {
    const { rows } = await db.executeSql('select $1::int8 as big, count(*) as n from kernel_widgets', [
      '9007199254740991',
    ]);
    expect(rows[0]).toEqual({ big: 9007199254740991, n: 0 });
    await expect(db.executeSql('select $1::int8 as big', ['9007199254740993'])).rejects.toThrow(
      /does not fit/,
    );
  });

  it('runs several statements in one call and returns the last result', async () => {
    const result = await db.executeSql(
      "insert into kernel_widgets values ('a', 1); insert into kernel_widgets values ('b', 2); select count(*) as n from kernel_widgets",
    );
    expect(result.rows).toEqual([{ n: 2 }]);
    await db.executeSql('delete from kernel_widgets');
  });

  it('keeps a held session for session state such as advisory locks', async () => {
    const held = await db.withSession(async (session) => {
      await session.executeSql('select pg_advisory_lock(42)');
      const { rows } = await session.executeSql(
        'select count(*) as n from pg_locks where locktype = $1 and objid = 42',
        ['advisory'],
      );
      await session.executeSql('select pg_advisory_unlock(42)');
      return rows[0]?.n;
    });
    expect(held).toBe(1);
  });

  it('item 24: tells an unreachable server (refused, or silent past the connect timeout) from a failed statement', async () => {
    const failedStatement = await db.executeSql('select 1 / 0').catch((error: unknown) => error);
    expect(failedStatement).toMatchObject({ code: '22012' });
    expect(isDatabaseUnavailable(failedStatement)).toBe(false);

    const connect = (port: number) =>
      createDatabase({
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        poolMax: 1,
        applicationName: 'test',
      });
    const refused = await connect(await freePort()).catch((error: unknown) => error);
    expect(isDatabaseUnavailable(refused)).toBe(true);

    // A server that accepts connections and never answers: the pool gives up at its connect timeout.
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const timedOut = await connect((silent.address() as AddressInfo).port).catch((error: unknown) => error);
      expect(isDatabaseUnavailable(timedOut)).toBe(true);
    } finally {
      silent.close();
    }
  });

  it('answers ping and reports pool statistics', async () => {
    await expect(db.ping()).resolves.toBeUndefined();
    const stats = db.poolStats();
    expect(stats.total).toBeGreaterThanOrEqual(1);
    expect(stats.waiting).toBe(0);
  });
});
