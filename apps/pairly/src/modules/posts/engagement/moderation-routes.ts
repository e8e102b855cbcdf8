// Owns the moderators' HTTP surface of post reports (`moderation:reports`: moderators and admins
// hold it through `moderation:*`): the queue of reports with their posts, and resolving a report
// once, dismissed or upheld (upheld removes the post). Every decision is audited. Guards run before
// validation, so a caller without the permission meets 403.
import { caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import type { PairlyContext } from '../../context.js';
import {
  PostReportQueuePage,
  PostReportQueueQuery,
  QueuedPostReportView,
  ReportParams,
  ResolveBody,
} from './schemas.js';
import type { Engagement } from './service.js';

const tags = ['moderation'];
const REPORTS = 'moderation:reports';
const needs = (text: string) => `${text}\n\nRequires \`${REPORTS}\` (moderators and admins).`;

export function registerPostModerationRoutes(
  app: PlatformServer,
  context: PairlyContext,
  engagement: Engagement,
): void {
  const moderator = context.identity.requirePermission(REPORTS);
  const { reportQueue } = engagement;

  app.get(
    '/moderation/post-reports',
    {
      preValidation: moderator,
      schema: {
        tags,
        summary: 'Reported posts by status (default open), oldest first, with the posts',
        description: needs(
          'Each report carries its post as it is now, deleted and removed posts included, with its media ids in order.',
        ),
        querystring: PostReportQueueQuery,
        response: { 200: PostReportQueuePage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => reportQueue.list(request.query),
  );

  app.post(
    '/moderation/post-reports/:reportId/resolve',
    {
      preValidation: moderator,
      schema: {
        tags,
        summary: 'Resolve an open post report: dismissed or upheld (upheld removes the post; audited)',
        description: needs(
          'A report is resolved once: resolving it again is a 409 `post_report_already_resolved`; an unknown report is a 404 `post_report_not_found`. Upheld removes the post: it is a 404 for everyone but its author from then on, in every list. Other open reports of the post stay open.',
        ),
        params: ReportParams,
        body: ResolveBody,
        response: { 200: QueuedPostReportView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      reportQueue.resolve(
        caller(request).userId,
        request.params.reportId,
        request.body,
        requestOrigin(request),
      ),
  );
}
