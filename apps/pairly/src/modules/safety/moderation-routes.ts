// Owns the moderators' HTTP surface of safety (`moderation:*`: moderators and admins): the queue of
// message reports with their snapshots, resolving a report once (dismissed or upheld), and the
// messaging restrictions reports caused, each of which a moderator may lift. Every decision is
// audited. Guards run before validation, so a caller without the permission meets 403.
import { bodylessAsEmpty, caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import type { PairlyContext } from '../context.js';
import {
  LiftBody,
  QueuedReportView,
  ReportParams,
  ReportQueuePage,
  ReportQueueQuery,
  ResolveBody,
  RestrictionPage,
  RestrictionQuery,
  RestrictionView,
  UserParams,
} from './schemas.js';

const tags = ['moderation'];
const REPORTS = 'moderation:reports';
const RESTRICTIONS = 'moderation:restrictions';
const needs = (permission: string, text: string) =>
  `${text}\n\nRequires \`${permission}\` (moderators and admins).`;

export function registerModerationRoutes(app: PlatformServer, context: PairlyContext): void {
  const { identity, safety } = context;
  const reports = identity.requirePermission(REPORTS);
  const restrictions = identity.requirePermission(RESTRICTIONS);

  app.get(
    '/moderation/message-reports',
    {
      preValidation: reports,
      schema: {
        tags,
        summary: 'Reported messages by status (default open), oldest first, with their snapshots',
        description: needs(REPORTS, 'Filter by `senderId` to see every report against one sender.'),
        querystring: ReportQueueQuery,
        response: { 200: ReportQueuePage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => safety.reportQueue.list(request.query),
  );

  app.post(
    '/moderation/message-reports/:reportId/resolve',
    {
      preValidation: reports,
      schema: {
        tags,
        summary: 'Resolve an open report: dismissed or upheld (audited)',
        description: needs(
          REPORTS,
          'A report is resolved once: resolving it again is a 409 `report_already_resolved`. Dismissed reports stop counting towards the automatic restriction; resolving a report neither restricts the sender nor lifts a restriction (see messaging-restrictions).',
        ),
        params: ReportParams,
        body: ResolveBody,
        response: { 200: QueuedReportView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      safety.reportQueue.resolve(
        caller(request).userId,
        request.params.reportId,
        request.body,
        requestOrigin(request),
      ),
  );

  app.get(
    '/moderation/messaging-restrictions',
    {
      preValidation: restrictions,
      schema: {
        tags,
        summary: 'Users restricted from messaging by status (default active), oldest first',
        description: needs(RESTRICTIONS, 'Restrictions come from reports; lifting one is audited.'),
        querystring: RestrictionQuery,
        response: { 200: RestrictionPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => safety.restrictions.list(request.query),
  );

  app.post(
    '/moderation/messaging-restrictions/:userId/lift',
    {
      preValidation: [...restrictions, bodylessAsEmpty],
      schema: {
        tags,
        summary: "Lift a user's messaging restriction: they can send messages again (audited)",
        description: needs(
          RESTRICTIONS,
          'A 404 `restriction_not_found` when the user has no active restriction. Reports filed before the lift no longer count towards restricting them again.',
        ),
        params: UserParams,
        body: LiftBody,
        response: { 200: RestrictionView, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      safety.restrictions.lift(
        caller(request).userId,
        request.params.userId,
        request.body.note,
        requestOrigin(request),
      ),
  );
}
