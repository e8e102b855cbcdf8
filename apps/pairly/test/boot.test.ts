// The pairly backend boots on the hardened platform with its migrations applied, answers health and
// readiness, and publishes its API description.
import { buildTestApp, type TestApp } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairlyApp } from '../src/app.js';

describe('pairly boot', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(pairlyApp);
  });
  afterAll(async () => t?.close());

  it('is live and ready with its stores answering', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', cache: 'ok' } });
  });

  it('has applied its own migrations after the platform ones', async () => {
    const { rows } = await t.db.executeSql('select scope from schema_migrations order by applied_at, scope');
    expect([...new Set(rows.map((row) => row.scope))]).toEqual(['platform', 'auth', 'webhooks', 'pairly']);
    await t.db.executeSql("insert into pairly_settings (key, value) values ('k', '1')");
  });

  it('publishes its OpenAPI document', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(document.info.title).toBe('Pairly API');
  });
});
