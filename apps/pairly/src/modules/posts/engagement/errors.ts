// Owns the error codes of likes, comments and reports of posts: a locked post refuses likes and
// comments (403 `post_locked`), a comment the caller may not see or delete reads as missing (404),
// reporting one's own post is a 400 and reporting a post twice a 409, and a post report is resolved
// once (409). A post the viewer may not see is the posts module's 404 `post_not_found`.
import { AppError } from '@app/platform';

export const postLocked = () =>
  new AppError({
    kind: 'forbidden',
    code: 'post_locked',
    detail: 'Unlock this post (follow, subscribe or buy it) to like it, comment on it or read its comments.',
  });

export const postNotLive = () =>
  new AppError({
    kind: 'conflict',
    code: 'post_not_published',
    detail:
      'Only a published post takes likes and comments (not a draft, a scheduled, deleted or removed one).',
  });

export const commentNotFound = () =>
  new AppError({
    kind: 'not_found',
    code: 'comment_not_found',
    detail: 'No such comment that you may delete.',
  });

export const reportOwnPost = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'report_own_post',
    detail: 'You cannot report your own post.',
    fields: [{ path: '/params/postId', message: 'must be a post someone else wrote' }],
  });

export const postAlreadyReported = () =>
  new AppError({
    kind: 'conflict',
    code: 'post_already_reported',
    detail: 'You already reported this post; moderators have it.',
  });

export const postReportNotFound = () =>
  new AppError({ kind: 'not_found', code: 'post_report_not_found', detail: 'No such post report.' });

export const postReportResolved = () =>
  new AppError({
    kind: 'conflict',
    code: 'post_report_already_resolved',
    detail: 'The report was already resolved.',
  });
