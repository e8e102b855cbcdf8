// Owns the HTTP surface of posts: authors (`posts:write`, creators with a creator profile) create,
// edit, publish and delete their own posts; members (`posts:read`) read a post, a creator's posts
// and their home feed, each post in full or locked as the visibility rules say, and unlock
// pay-per-view posts (keyed by Idempotency-Key). Permissions are checked in `preValidation`.
import { caller, type PlatformServer, problemResponses } from '@app/platform';
import Type from 'typebox';
import type { PairlyContext } from '../context.js';
import { IdempotencyHeaders, sendResult } from '../credits/idempotency-header.js';
import {
  CreatorParams,
  CreatorPostsQuery,
  createPostBody,
  FeedQuery,
  FullPostView,
  PostPage,
  PostParams,
  PostView,
  UnlockQuery,
  UnlockReceipt,
  updatePostBody,
} from './schemas.js';
import type { Posts } from './service.js';

const tags = ['posts'];
const VISIBILITY_RULES =
  'Visibility: a post exists for you unless you or its author blocked the other, and (unless it is yours) only once published and while not deleted or removed. It is full when public, when you follow or subscribe to the author (followers), when you have subscriber access (subscribers), when you unlocked it (pay_per_view; unlocks are permanent), and always for its author; otherwise it is locked: no text, no media ids or URLs, only placeholders.';

export function registerPostRoutes(app: PlatformServer, context: PairlyContext, posts: Posts): void {
  const writer = context.identity.requirePermission('posts:write');
  const reader = context.identity.requirePermission('posts:read');
  // Paying is for members (fans and creators): staff read posts but never pay creators.
  const payer = context.identity.requirePermission('profile:own');
  const { options } = posts;

  app.post(
    '/posts',
    {
      preValidation: writer,
      schema: {
        tags,
        summary: 'Create a post: publish now, keep as a draft, or schedule',
        description: [
          'Permission: `posts:write` (creators), and a creator profile (else 403 `creator_profile_required`).',
          `Text up to ${options.maxBodyLength} characters (empty only with media), up to ${options.maxMedia} of your own uploaded media, each once (else 400 \`media_not_found_or_not_yours\` / \`media_duplicated\`). \`unlockPrice\` is required for and only for \`pay_per_view\` (1-100,000 credits).`,
          `\`publish\`: \`now\` (default), \`draft\`, or \`{at}\` in the future (400 \`publish_at_in_past\`) and within ${options.maxScheduleDays} days (400 \`publish_at_too_far\`); a job publishes scheduled posts when due.`,
        ].join('\n\n'),
        body: createPostBody(options),
        response: { 201: FullPostView, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.code(201).send(await posts.create(caller(request).userId, request.body)),
  );

  app.patch(
    '/posts/:postId',
    {
      preValidation: writer,
      schema: {
        tags,
        summary: 'Edit your post: text, media, visibility, price or schedule',
        description: [
          'Permission: `posts:write`; your own undeleted posts only (404 `post_not_found` otherwise). A removed post is a 409 `post_removed`.',
          'Editing a published post sets `editedAt`. Changing the unlock price never takes back unlocks already bought. Leaving pay_per_view drops the price; switching to it needs one. `publish` (draft or scheduled posts only; 409 `post_already_published` otherwise) moves the schedule: `now`, `draft` or `{at}`.',
        ].join('\n\n'),
        params: PostParams,
        body: updatePostBody(options),
        response: { 200: FullPostView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => posts.update(caller(request).userId, request.params.postId, request.body),
  );

  app.post(
    '/posts/:postId/publish',
    {
      preValidation: writer,
      schema: {
        tags,
        summary: 'Publish your draft or scheduled post now',
        description:
          'Permission: `posts:write`; your own posts only. Publishes once: an already published post is a 409 `post_already_published`, a removed one a 409 `post_removed`.',
        params: PostParams,
        response: { 200: FullPostView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => posts.publish(caller(request).userId, request.params.postId),
  );

  app.delete(
    '/posts/:postId',
    {
      preValidation: writer,
      schema: {
        tags,
        summary: 'Delete your post',
        description:
          'Permission: `posts:write`; your own posts only. The post disappears from every list and answers 404 to everyone else; it is kept for moderation. Unlocks already bought stay recorded.',
        params: PostParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await posts.remove(caller(request).userId, request.params.postId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/posts/:postId',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: 'A post, in full or locked',
        description: `Permission: \`posts:read\`. ${VISIBILITY_RULES} A post that does not exist for you is a 404 \`post_not_found\`.`,
        params: PostParams,
        response: { 200: PostView, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => posts.viewFor(caller(request).userId, request.params.postId),
  );

  app.post(
    '/posts/:postId/unlock',
    {
      preValidation: payer,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Unlock a pay-per-view post: pay its price once, see it for good',
        description: [
          'Permission: `profile:own` (fans and creators; staff never pay creators). Requires an `Idempotency-Key`: a retry with the same key returns the first answer. The price moves from your spendable credits to the author (less the platform fee) once: 201 when charged now; 200 with `charged: false` when you had already unlocked it (under any key; nothing is charged).',
          "Send `?expectedPrice=` with the price you were shown (the locked view's `unlockPrice`): if the author changed it since, the answer is a 409 `unlock_price_changed` naming the price now, and nothing is charged.",
          'Not enough credits: 402 `insufficient_credits`, nothing stored (a later attempt after buying credits needs a new key). Your own post: 400 `unlock_own_post`; not pay-per-view: 400 `post_not_pay_per_view`; a post that does not exist for you (blocked either way): 404 `post_not_found`.',
        ].join('\n\n'),
        headers: IdempotencyHeaders,
        params: PostParams,
        querystring: UnlockQuery,
        response: {
          201: { ...UnlockReceipt, description: 'Unlocked and charged' },
          200: { ...UnlockReceipt, description: 'Already unlocked: nothing charged' },
          ...problemResponses(400, 401, 402, 403, 404, 409, 423),
        },
      },
    },
    async (request, reply) => {
      const result = await posts.unlock(
        caller(request).userId,
        request.params.postId,
        request.headers['idempotency-key'] as string,
        request.query.expectedPrice,
      );
      return sendResult(reply, result, (body) => body);
    },
  );

  app.get(
    '/creators/:creatorId/posts',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: "A creator's posts, newest first",
        description: `Permission: \`posts:read\`. Published posts, each full or locked for you; the author alone may ask for \`status=draft\` or \`scheduled\` (400 \`status_own_posts_only\` for others). An unknown creator, or one blocked either way, is a 404 \`creator_not_found\`. Keyset cursor: a newer post never shifts later pages. ${VISIBILITY_RULES}`,
        params: CreatorParams,
        querystring: CreatorPostsQuery,
        response: { 200: PostPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => posts.creatorPosts(caller(request).userId, request.params.creatorId, request.query),
  );

  app.get(
    '/feed',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: 'Your home feed: posts of creators you follow or subscribe to',
        description: `Permission: \`posts:read\`. Published posts of the creators you follow or have subscriber access to, newest first (never anyone blocked either way), each full or locked for you. Limit 1-50 (default 20); the cursor is a position, so posts published after your first page never shift the next. ${VISIBILITY_RULES}`,
        querystring: FeedQuery,
        response: { 200: PostPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => posts.feed(caller(request).userId, request.query),
  );
}
