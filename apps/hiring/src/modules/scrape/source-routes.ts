// Owns the HTTP surface of configured sources: list, add and remove them, and verify an
// organisation's own source (by the owner, through the token published on the board; or by a staff
// member with `job-sources:verify`). Every verification is written to the audit log.
import { caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import Type from 'typebox';
import { Nullable } from '../jobs/schemas.js';
import type { SourceRow } from './repository.js';
import type { SourceService } from './sources.js';
import { type SourceVerification, verificationText } from './verification.js';

const tags = ['ingestion'];
export const Kind = Type.Union([
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
  verified: Type.Boolean({
    description:
      "An organisation's source must be verified before its postings become the organisation's jobs; until then they are external jobs (no in-app applications). Global sources need none.",
  }),
  verifiedAt: Nullable(Type.String({ format: 'date-time' })),
  verificationMethod: Nullable(Type.Union([Type.Literal('token'), Type.Literal('admin')])),
  verificationText: Nullable(
    Type.String({
      description:
        'Publish this text in any posting the board lists (e.g. its description), then ask POST /job-sources/{id}/verify. Null for global sources.',
    }),
  ),
});
const SourceParams = Type.Object(
  { sourceId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

function toSource(row: SourceRow) {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind,
    identifier: row.identifier,
    createdAt: row.created_at.toISOString(),
    verified: row.organisation_id === null || row.verified_at !== null,
    verifiedAt: row.verified_at?.toISOString() ?? null,
    verificationMethod: row.verification_method,
    verificationText: row.verification_token ? verificationText(row.verification_token) : null,
  };
}

export function registerSourceRoutes(
  app: PlatformServer,
  identity: Identity,
  sources: SourceService,
  verification: SourceVerification,
): void {
  const sourceManager = identity.requirePermission('job-sources:manage');
  const verifier = identity.requirePermission('job-sources:verify');
  const who = (request: Parameters<typeof caller>[0]) => {
    const { userId, role } = caller(request);
    return { userId, isAdmin: role === 'admin' };
  };

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
        summary:
          "Add a source: global (admins, no organisationId) or an organisation's own (its owners; unverified until verified)",
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
        params: SourceParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await sources.remove(who(request), request.params.sourceId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/job-sources/:sourceId/verify',
    {
      preHandler: sourceManager,
      schema: {
        tags,
        summary:
          "Verify your organisation's source (owners): reads the board and looks for its verificationText in a posting. 409 job_source_token_not_found when absent",
        params: SourceParams,
        response: { 200: SourceBody, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { source, changed } = await verification.verifyByToken(
        caller(request).userId,
        request.params.sourceId,
      );
      if (changed) await auditVerified(request, source);
      return toSource(source);
    },
  );

  app.post(
    '/admin/job-sources/:sourceId/verification',
    {
      preHandler: verifier,
      schema: {
        tags,
        summary: "Approve an organisation's source as its own (staff with job-sources:verify; audited)",
        params: SourceParams,
        response: { 200: SourceBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { source, changed } = await verification.approve(caller(request).userId, request.params.sourceId);
      if (changed) await auditVerified(request, source);
      return toSource(source);
    },
  );

  async function auditVerified(request: Parameters<typeof caller>[0], source: SourceRow): Promise<void> {
    await identity.audit(request, {
      action: 'hiring.job_source_verified',
      targetType: 'job_source',
      targetId: source.id,
      after: {
        organisationId: source.organisation_id,
        kind: source.kind,
        identifier: source.identifier,
        method: source.verification_method,
      },
    });
  }
}
