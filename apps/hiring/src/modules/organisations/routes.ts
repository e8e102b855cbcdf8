// Owns the HTTP surface of organisations: create one, list mine, and manage members. Handlers
// validate, call one service method and return what the response schema describes.
import { caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import Type from 'typebox';
import type { OrganisationService } from './service.js';

const tags = ['organisations'];
const Role = Type.Union([Type.Literal('owner'), Type.Literal('recruiter'), Type.Literal('viewer')]);
const OrganisationBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  role: Role,
  jobPostingsLimit: Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited' }),
  jobPostingsUsed: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});
const MemberBody = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  email: Type.String(),
  role: Role,
  joinedAt: Type.String({ format: 'date-time' }),
});
const OrganisationParams = Type.Object(
  { organisationId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export function registerOrganisationRoutes(
  app: PlatformServer,
  identity: Identity,
  organisations: OrganisationService,
): void {
  const employer = identity.requirePermission('organisations:own');

  app.post(
    '/organisations',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Create an employer organisation (you become its owner)',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }) },
          { additionalProperties: false },
        ),
        response: { 201: OrganisationBody, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const created = await organisations.create(caller(request).userId, request.body.name.trim());
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/organisations',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'The organisations you are a member of, with your role',
        response: {
          200: Type.Object({ items: Type.Array(OrganisationBody) }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => ({ items: await organisations.listMine(caller(request).userId) }),
  );

  app.get(
    '/organisations/:organisationId/members',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Members of an organisation (any member may look)',
        params: OrganisationParams,
        response: {
          200: Type.Object({ items: Type.Array(MemberBody) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({
      items: await organisations.listMembers(caller(request).userId, request.params.organisationId),
    }),
  );

  app.put(
    '/organisations/:organisationId/members',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Add an employer account to the organisation, or change its role (owners only)',
        params: OrganisationParams,
        body: Type.Object(
          { email: Type.String({ format: 'email', maxLength: 254 }), role: Role },
          { additionalProperties: false },
        ),
        response: { 200: MemberBody, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      organisations.setMember(
        caller(request).userId,
        request.params.organisationId,
        request.body.email,
        request.body.role,
      ),
  );

  app.delete(
    '/organisations/:organisationId/members/:userId',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Remove a member (owners only)',
        params: Type.Object(
          { organisationId: Type.String({ format: 'uuid' }), userId: Type.String({ format: 'uuid' }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await organisations.removeMember(
        caller(request).userId,
        request.params.organisationId,
        request.params.userId,
      );
      return reply.code(204).send(null);
    },
  );
}
