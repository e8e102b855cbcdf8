// Owns the member HTTP surface of safety: a user's blocks (`profile:own`: fans and creators block,
// unblock and list whom they blocked; each sees and changes only their own) and reporting a message
// (`messages:own`: only a participant of the message's conversation, never their own message).
// Guards run before validation, so a caller without the permission meets 403 whatever it sends.
import { caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import Type from 'typebox';
import type { PairlyContext } from '../context.js';
import {
  BlockBody,
  BlockListQuery,
  BlockPage,
  BlockView,
  MessageParams,
  ReportBody,
  ReportView,
  UserParams,
} from './schemas.js';

const needs = (permission: string, text: string) => `${text}\n\nRequires \`${permission}\`.`;

export function registerSafetyRoutes(app: PlatformServer, context: PairlyContext): void {
  const { identity, safety } = context;
  const blocker = identity.requirePermission('profile:own');
  const reporter = identity.requirePermission('messages:own');
  const { autoRestrictAfterReports, reportWindowMs } = safety.options;

  app.post(
    '/blocks',
    {
      preValidation: blocker,
      schema: {
        tags: ['blocks'],
        summary: 'Block a user: neither of you can message the other until you unblock them',
        description: needs(
          'profile:own',
          'Blocking yourself is a 400 `block_self`; an unknown user a 404 `user_not_found`. Blocking someone you already blocked answers the existing block with 200. Blocks do not hide anyone from moderators.',
        ),
        body: BlockBody,
        response: {
          201: { ...BlockView, description: 'Blocked' },
          200: { ...BlockView, description: 'Already blocked' },
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { created, block } = await safety.blocks.block(caller(request).userId, request.body.userId);
      return reply.code(created ? 201 : 200).send(block);
    },
  );

  app.delete(
    '/blocks/:userId',
    {
      preValidation: blocker,
      schema: {
        tags: ['blocks'],
        summary: 'Unblock a user you blocked',
        description: needs('profile:own', 'A 404 `block_not_found` when you have not blocked them.'),
        params: UserParams,
        response: {
          204: Type.Null({ description: 'Unblocked' }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await safety.blocks.unblock(caller(request).userId, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/blocks',
    {
      preValidation: blocker,
      schema: {
        tags: ['blocks'],
        summary: 'The users you blocked, newest first',
        description: needs('profile:own', 'Only your own blocks, with a cursor.'),
        querystring: BlockListQuery,
        response: { 200: BlockPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => safety.blocks.list(caller(request).userId, request.query),
  );

  app.post(
    '/messages/:messageId/reports',
    {
      preValidation: reporter,
      schema: {
        tags: ['reports'],
        summary: 'Report a message to the moderators',
        description: needs(
          'messages:own',
          [
            'Only a participant of the conversation may report a message (any other caller gets the 404 `message_not_found` an unknown message gets), and not their own message (400 `report_own_message`).',
            'One report per message and reporter: reporting it again answers the first report with 200 and counts nothing twice. The report keeps a snapshot of the message and the few before it as they are now.',
            `When ${autoRestrictAfterReports} different users have reported one sender's messages within ${reportWindowMs / 60_000} minutes, the sender cannot send messages until a moderator lifts the restriction.`,
          ].join('\n\n'),
        ),
        params: MessageParams,
        body: ReportBody,
        response: {
          201: { ...ReportView, description: 'Reported' },
          200: { ...ReportView, description: 'Already reported by you' },
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { created, report } = await safety.reports.file(
        caller(request).userId,
        request.params.messageId,
        request.body,
        requestOrigin(request),
      );
      return reply.code(created ? 201 : 200).send(report);
    },
  );
}
