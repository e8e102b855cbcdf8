// Owns the member HTTP surface of engagement: liking a post and taking the like back, commenting,
// reading and deleting comments, and reporting a post. Writes need `profile:own` (fans and creators:
// staff judge content, they do not take part in it); reading comments needs `posts:read`. Every
// route first asks the posts module whether the caller may see the post (404 `post_not_found`
// otherwise, blocks either way included). Guards run before validation, so a caller without the
// permission meets 403 whatever it sends. Writes use the default rate-limit class.
import { caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import type { PairlyContext } from '../../context.js';
import {
  CommentBody,
  CommentListQuery,
  CommentPage,
  CommentParams,
  CommentView,
  LikeView,
  NoContent,
  PostParams,
  PostReportView,
  ReportBody,
} from './schemas.js';
import type { Engagement } from './service.js';

const tags = ['posts'];
const WRITE = 'profile:own';
const READ = 'posts:read';
const needs = (permission: string, text: string) =>
  `${text}\n\nRequires \`${permission}\`. A post you may not see (someone else's draft, scheduled, deleted or removed post, or one whose author blocked you or whom you blocked) is a 404 \`post_not_found\`.`;
const LOCKED =
  'A post that is locked for you (followers, subscribers or pay-per-view you have not got) is a 403 `post_locked`.';

const NOT_LIVE =
  'Only a published post takes likes and comments: your own draft, scheduled, deleted or removed post is a 409 `post_not_published`.';

export function registerEngagementRoutes(
  app: PlatformServer,
  context: PairlyContext,
  engagement: Engagement,
): void {
  const writer = context.identity.requirePermission(WRITE);
  const reader = context.identity.requirePermission(READ);
  const { likes, comments, reports } = engagement;

  app.put(
    '/posts/:postId/like',
    {
      preValidation: writer,
      schema: {
        tags,
        summary: 'Like a post (liking it again changes nothing)',
        description: needs(
          WRITE,
          `${LOCKED} ${NOT_LIVE} Answers whether you like it and its like count now.`,
        ),
        params: PostParams,
        response: { 200: LikeView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => likes.like(caller(request).userId, request.params.postId),
  );

  app.delete(
    '/posts/:postId/like',
    {
      preValidation: writer,
      schema: {
        tags,
        summary: 'Take your like of a post back (also when you had not liked it)',
        description: needs(WRITE, 'Allowed on a post that has become locked for you since you liked it.'),
        params: PostParams,
        response: { 200: LikeView, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => likes.unlike(caller(request).userId, request.params.postId),
  );

  app.post(
    '/posts/:postId/comments',
    {
      preValidation: writer,
      schema: {
        tags,
        summary: 'Comment on a post',
        description: needs(
          WRITE,
          `${LOCKED} ${NOT_LIVE} The comment shows your id, handle and display name.`,
        ),
        params: PostParams,
        body: CommentBody,
        response: {
          201: { ...CommentView, description: 'Commented' },
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const comment = await comments.add(caller(request).userId, request.params.postId, request.body.body);
      return reply.code(201).send(comment);
    },
  );

  app.get(
    '/posts/:postId/comments',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: "A post's comments, oldest first, with a cursor",
        description: needs(
          READ,
          `${LOCKED} Comments by users you blocked or who blocked you are left out; deleted comments are gone.`,
        ),
        params: PostParams,
        querystring: CommentListQuery,
        response: { 200: CommentPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => comments.list(caller(request).userId, request.params.postId, request.query),
  );

  app.delete(
    '/posts/:postId/comments/:commentId',
    {
      preValidation: writer,
      schema: {
        tags,
        summary: 'Delete a comment: your own, or any comment on your post',
        description: needs(
          WRITE,
          "Anyone but the comment's author and the post's author gets the 404 `comment_not_found` a deleted or unknown comment gets.",
        ),
        params: CommentParams,
        response: { 204: NoContent, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await comments.remove(caller(request).userId, request.params.postId, request.params.commentId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/posts/:postId/reports',
    {
      preValidation: writer,
      schema: {
        tags: ['reports'],
        summary: 'Report a post to the moderators',
        description: needs(
          WRITE,
          'You may report a post you can see, even locked, once: a second report is a 409 `post_already_reported`. Your own post is a 400 `report_own_post`. The note is for moderators only.',
        ),
        params: PostParams,
        body: ReportBody,
        response: {
          201: { ...PostReportView, description: 'Reported' },
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const report = await reports.file(
        caller(request).userId,
        request.params.postId,
        request.body,
        requestOrigin(request),
      );
      return reply.code(201).send(report);
    },
  );
}
