// Owns the HTTP surface of jobs: the public listing and job page, and the employer's create, edit,
// publish, close and organisation listing. The job page answers signed-in members of the owning
// organisation with drafts too, so it authenticates optionally.
import { ACCESS_COOKIE, caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { CreateJobBody, JobBody, JobListQuery, JobPage, UpdateJobBody } from './schemas.js';
import type { JobService } from './service.js';

const tags = ['jobs'];
const JobParams = Type.Object({ jobId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const OrganisationParams = Type.Object(
  { organisationId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export function registerJobRoutes(app: PlatformServer, identity: Identity, jobs: JobService): void {
  const employer = identity.requirePermission('jobs:write');

  /** The caller when a valid token came with the request; anonymous otherwise. */
  async function optionalViewer(request: FastifyRequest, reply: FastifyReply): Promise<string | undefined> {
    if (request.headers.authorization === undefined && request.cookies?.[ACCESS_COOKIE] === undefined) {
      return undefined;
    }
    await identity.authenticate(request, reply);
    return caller(request).userId;
  }

  app.get(
    '/jobs',
    {
      schema: {
        tags,
        summary: 'Published jobs, newest first, with filters and a stable cursor',
        querystring: JobListQuery,
        response: { 200: JobPage, ...problemResponses(400) },
      },
    },
    async (request) => jobs.listPublished(request.query),
  );

  app.get(
    '/jobs/:jobId',
    {
      schema: {
        tags,
        summary: 'One job (drafts only for members of its organisation)',
        params: JobParams,
        response: { 200: JobBody, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => jobs.get(await optionalViewer(request, reply), request.params.jobId),
  );

  app.get(
    '/organisations/:organisationId/jobs',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: "The organisation's jobs in every status (members only), newest first",
        params: OrganisationParams,
        response: {
          200: Type.Object({ items: Type.Array(JobBody) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({
      items: await jobs.listForOrganisation(caller(request).userId, request.params.organisationId),
    }),
  );

  app.post(
    '/organisations/:organisationId/jobs',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Create a draft job (owners and recruiters)',
        params: OrganisationParams,
        body: CreateJobBody,
        response: { 201: JobBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await jobs.create(caller(request).userId, request.params.organisationId, request.body)),
  );

  app.patch(
    '/jobs/:jobId',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Change a draft or published job (owners and recruiters of its organisation)',
        params: JobParams,
        body: UpdateJobBody,
        response: { 200: JobBody, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => jobs.update(caller(request).userId, request.params.jobId, request.body),
  );

  app.post(
    '/jobs/:jobId/publish',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: "Publish a draft; takes a slot of the organisation's job-postings quota (idempotent)",
        params: JobParams,
        response: { 200: JobBody, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => jobs.publish(caller(request).userId, request.params.jobId),
  );

  app.post(
    '/jobs/:jobId/close',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Close a job; a published one gives its quota slot back (idempotent)',
        params: JobParams,
        response: { 200: JobBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => jobs.close(caller(request).userId, request.params.jobId),
  );
}
