// Owns the HTTP surface of scrape runs: `POST /scrape` (the spec's path, admins) queues a run of
// every enabled source and answers at once with its id; `GET /scrape/runs/:runId` reports one row
// per source. An organisation's owners run their own verified sources through
// `POST /organisations/:organisationId/scrape` (rate limited per organisation: 429 with
// Retry-After) and read those runs only. Where the spec answered a whole request with 503, 504 or
// 500, each source now reports its own status (not_found, timeout, error with a message), so one
// failing board never hides the others' results. Source configuration lives in source-routes.ts.
import { caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { Nullable } from '../jobs/schemas.js';
import type { RunRow } from './repository.js';
import type { ScrapeService } from './service.js';
import { Kind, registerSourceRoutes } from './source-routes.js';
import type { SourceService } from './sources.js';
import type { SourceVerification } from './verification.js';

const tags = ['ingestion'];
const RunStatus = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('finished')]);
const Queued = Type.Object({
  runId: Type.String({ format: 'uuid' }),
  status: RunStatus,
  created: Type.Boolean(),
});
const RunBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  trigger: Type.Union([Type.Literal('manual'), Type.Literal('schedule')]),
  status: RunStatus,
  organisationId: Nullable(Type.String({ format: 'uuid', description: 'null: every enabled source' })),
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
      waiting: Type.Integer({
        description: "Postings kept as drafts because the organisation's job-postings quota is full",
      }),
      durationMs: Type.Integer(),
    }),
  ),
});
const RunParams = Type.Object({ runId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const OrganisationParams = Type.Object(
  { organisationId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toRun({ run, sources }: Awaited<ReturnType<ScrapeService['get']>>) {
  return {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    organisationId: run.organisation_id,
    createdAt: run.created_at.toISOString(),
    startedAt: iso(run.started_at),
    finishedAt: iso(run.finished_at),
    sources: sources.map((row) => ({
      sourceId: row.source_id,
      kind: row.kind,
      identifier: row.identifier,
      status: row.status,
      message: row.message,
      fetched: row.fetched,
      new: row.inserted,
      updated: row.updated,
      closed: row.closed,
      waiting: row.waiting,
      durationMs: row.duration_ms,
    })),
  };
}

function queued(reply: FastifyReply, location: string, { run, created }: { run: RunRow; created: boolean }) {
  reply.header('location', location);
  return reply.code(202).send({ runId: run.id, status: run.status, created });
}

export interface ScrapeRouteServices {
  scrape: ScrapeService;
  sources: SourceService;
  verification: SourceVerification;
}

export function registerScrapeRoutes(
  app: PlatformServer,
  identity: Identity,
  { scrape, sources, verification }: ScrapeRouteServices,
): void {
  const admin = identity.requirePermission('scrape:run');
  const sourceManager = identity.requirePermission('job-sources:manage');

  app.post(
    '/scrape',
    {
      preHandler: admin,
      schema: {
        tags,
        summary:
          'Queue a scrape of every enabled source (admins); a run already queued or running is returned instead',
        response: { 202: Queued, ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const result = await scrape.request(caller(request).userId, 'manual');
      return queued(reply, `/scrape/runs/${result.run.id}`, result);
    },
  );

  app.get(
    '/scrape/runs/:runId',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'A scrape run with one status row per source',
        params: RunParams,
        response: { 200: RunBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => toRun(await scrape.get(request.params.runId)),
  );

  app.post(
    '/organisations/:organisationId/scrape',
    {
      preHandler: sourceManager,
      schema: {
        tags,
        summary:
          "Queue a scrape of the organisation's verified sources (owners). One run per organisation at a time, and a new one only some minutes after the last (429 scrape_too_soon with Retry-After); 409 no_verified_sources",
        params: OrganisationParams,
        response: { 202: Queued, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { organisationId } = request.params;
      const result = await scrape.requestForOrganisation(caller(request).userId, organisationId);
      return queued(reply, `/organisations/${organisationId}/scrape/runs/${result.run.id}`, result);
    },
  );

  app.get(
    '/organisations/:organisationId/scrape/runs/:runId',
    {
      preHandler: sourceManager,
      schema: {
        tags,
        summary: "A scrape run of the organisation's sources (owners)",
        params: Type.Object(
          { organisationId: Type.String({ format: 'uuid' }), runId: Type.String({ format: 'uuid' }) },
          { additionalProperties: false },
        ),
        response: { 200: RunBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { organisationId, runId } = request.params;
      return toRun(await scrape.getForOrganisation(caller(request).userId, organisationId, runId));
    },
  );

  registerSourceRoutes(app, identity, sources, verification);
}
