// Item 11: a statement that fails inside a hand-written BEGIN ... COMMIT (what pg-boss maintenance
// sends through executeSql) must not leave the session in "current transaction is aborted": the
// transaction is rolled back and every later statement, queued or not, runs normally.
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { createTestDatabase } from '../../src/testing/database.js';

interface Schema {
  kernel_widgets: { name: string; size: number };
}

let db: Database<Schema>;

beforeAll(async () => {
  db = (await createTestDatabase([
    { scope: 'kernel', directory: fileURLToPath(new URL('../fixtures/kernel-migrations', import.meta.url)) },
  ])) as Database<Schema>;
});
afterEach(async () => {
  await db.kysely.deleteFrom('kernel_widgets').execute();
});
afterAll(async () => {
  await db.close();
});

const widgetNames = async () =>
  (await db.kysely.selectFrom('kernel_widgets').select('name').orderBy('name').execute()).map((r) => r.name);

const failingBatch = (name: string) =>
  `BEGIN; INSERT INTO kernel_widgets (name, size) VALUES ('${name}', 1); SELECT 1/0; COMMIT;`;

describe(`session recovery (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it("item 11: a failing statement inside an exec'd BEGIN … COMMIT rolls back and the next query succeeds", async () => {
    await expect(db.executeSql(failingBatch('lost'))).rejects.toThrow(/division by zero/);
    const { rows } = await db.executeSql('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    expect(await widgetNames()).toEqual([]);
    await db.executeSql("INSERT INTO kernel_widgets (name, size) VALUES ('kept', 2)");
    expect(await widgetNames()).toEqual(['kept']);
  });

  it('item 11: queries queued behind the failing batch all run normally', async () => {
    const failing = db.executeSql(failingBatch('lost'));
    const queued = Promise.all([
      // On a server pool these run concurrently on other connections, so only the failed batch's
      // own row is counted: 'after' may already be committed.
      db.kysely
        .selectFrom('kernel_widgets')
        .select(sql<number>`count(*)`.as('n'))
        .where('name', '=', 'lost')
        .executeTakeFirstOrThrow(),
      db.executeSql('SELECT 2 AS two'),
      db.kysely
        .transaction()
        .execute((trx) => trx.insertInto('kernel_widgets').values({ name: 'after', size: 3 }).execute()),
    ]);
    await expect(failing).rejects.toThrow(/division by zero/);
    const [count, two] = await queued;
    expect(Number(count.n)).toBe(0);
    expect(two.rows).toEqual([{ two: 2 }]);
    expect(await widgetNames()).toEqual(['after']);
  });

  it('item 11: a session handed back aborted or mid-transaction is rolled back before the next caller', async () => {
    await db.withSession(async (session) => {
      // The caller swallows the failure and returns normally, leaving the transaction aborted.
      await session.executeSql(failingBatch('aborted')).catch(() => undefined);
    });
    expect(await widgetNames()).toEqual([]);
    await db.withSession(async (session) => {
      // The caller forgets its COMMIT: the work must not leak into (or be committed by) the next one.
      await session.executeSql("BEGIN; INSERT INTO kernel_widgets (name, size) VALUES ('open', 1);");
    });
    await db.executeSql("INSERT INTO kernel_widgets (name, size) VALUES ('next', 2)");
    expect(await widgetNames()).toEqual(['next']);
  });
});
