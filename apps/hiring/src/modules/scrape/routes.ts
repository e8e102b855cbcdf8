// Owns the HTTP surface of ingestion: `POST /scrape` (the spec's path) queues a run and answers at
// once with its id; `GET /scrape/runs/:runId` reports one row per source. Where the spec answered a
// whole request with 503, 504 or 500, each source now reports its own status (not_found, timeout,
// error with a message), so one failing board never hides the others' results.
import { caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import Type from 'typebox';
import { Nullable } from '../jobs/schemas.js';
import type { ScrapeService } from './service.js';
import type { SourceService } from './sources.js';

const tags = ['ingestion'];
const Kind = Type.Union([
  Type.Literal('greenhouse'),
  Type.Literal('lever'),
  Type.Literal('ashby'),
  Type.Literal('smartrecruiters'),
  Type.Literal('jsonld'),
]);
const SourceBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organisationId: Nullable(Type.String({ format: 'uuid' })),
  kind: Kind,
  identifier: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
const RunStatus = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('finished')]);
const RunBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  trigger: Type.Union([Type.Literal('manual'), Type.Literal('schedule')]),
  status: RunStatus,
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  sources: Type.Array(
    Type.Object({
      sourceId: Type.String({ format: 'uuid' }),
      kind: Kind,
      identifier: Type.String(),
      status: Type.Union(
        [
          Type.Literal('ok'),
          Type.Literal('empty'),
          Type.Literal('not_found'),
          Type.Literal('error'),
          Type.Literal('timeout'),
        ],
        { description: "timeout replaces the spec's 504, error (with a message) its 500" },
      ),
      message: Nullable(Type.String()),
      fetched: Type.Integer(),
      new: Type.Integer(),
      updated: Type.Integer(),
      closed: Type.Integer(),
      durationMs: Type.Integer(),
    }),
  ),
});

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function registerScrapeRoutes(
  app: PlatformServer,
  identity: Identity,
  scrape: ScrapeService,
  sources: SourceService,
): void {
  const admin = identity.requirePermission('scrape:run');
  const sourceManager = identity.requirePermission('job-sources:manage');
  const who = (request: Parameters<typeof caller>[0]) => {
    const { userId, role } = caller(request);
    return { userId, isAdmin: role === 'admin' };
  };

  app.post(
    '/scrape',
    {
      preHandler: admin,
      schema: {
        tags,
        summary:
          'Queue a scrape of every enabled source (admins); a run already queued or running is returned instead',
        response: {
          202: Type.Object({
            runId: Type.String({ format: 'uuid' }),
            status: RunStatus,
            created: Type.Boolean(),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request, reply) => {
      const { run, created } = await scrape.request(caller(request).userId, 'manual');
      reply.header('location', `/scrape/runs/${run.id}`);
      return reply.code(202).send({ runId: run.id, status: run.status, created });
    },
  );

  app.get(
    '/scrape/runs/:runId',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'A scrape run with one status row per source',
        params: Type.Object({ runId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: { 200: RunBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { run, sources: rows } = await scrape.get(request.params.runId);
      return {
        id: run.id,
        trigger: run.trigger,
        status: run.status,
        createdAt: run.created_at.toISOString(),
        startedAt: iso(run.started_at),
        finishedAt: iso(run.finished_at),
        sources: rows.map((row) => ({
          sourceId: row.source_id,
          kind: row.kind,
          identifier: row.identifier,
          status: row.status,
          message: row.message,
          fetched: row.fetched,
          new: row.inserted,
          updated: row.updated,
          closed: row.closed,
          durationMs: row.duration_ms,
        })),
      };
    },
  );

  const toSource = (row: Awaited<ReturnType<SourceService['add']>>) => ({
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind,
    identifier: row.identifier,
    createdAt: row.created_at.toISOString(),
  });

  app.get(
    '/job-sources',
    {
      preHandler: sourceManager,
      schema: {
        tags,
        summary: "Configured sources: all of them for admins, your organisations' for employers",
        response: { 200: Type.Object({ items: Type.Array(SourceBody) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ items: (await sources.list(who(request))).map(toSource) }),
  );

  app.post(
    '/job-sources',
    {
      preHandler: sourceManager,
      schema: {
        tags,
        summary: "Add a source: global (admins, no organisationId) or an organisation's own (its owners)",
        body: Type.Object(
          {
            kind: Kind,
            identifier: Type.String({ minLength: 1, maxLength: 2000 }),
            organisationId: Type.Optional(Type.String({ format: 'uuid' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: SourceBody, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const row = await sources.add(who(request), {
        kind: request.body.kind,
        identifier: request.body.identifier,
        organisationId: request.body.organisationId ?? null,
      });
      return reply.code(201).send(toSource(row));
    },
  );

  app.delete(
    '/job-sources/:sourceId',
    {
      preHandler: sourceManager,
      schema: {
        tags,
        summary: 'Stop scraping a source (its past runs stay readable)',
        params: Type.Object({ sourceId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await sources.remove(who(request), request.params.sourceId);
      return reply.code(204).send(null);
    },
  );
}
