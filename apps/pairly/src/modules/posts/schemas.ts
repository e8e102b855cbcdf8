// Owns the request and response schemas of posts. A post answers in one of two shapes: the full
// view (text, media with signed URLs, the viewer's like and unlock) or the locked view, which does
// not DECLARE body, media ids or URLs, so the serialiser cannot send them even if a bug put them on
// the object; the two are told apart by `locked`. Inputs allow no unknown properties and cap every
// string, list and number.
import Type, { type Static } from 'typebox';
import type { PostsOptions } from './options.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const MAX_UNLOCK_PRICE = 100_000;
const EXAMPLE_POST = '2d1f0c3b-6a5e-4f7d-8c9b-0a1b2c3d4e5f';
const EXAMPLE_AUTHOR = '7c6b5a4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const EXAMPLE_MEDIA = '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f';

export const Visibility = Type.Union(
  [
    Type.Literal('public'),
    Type.Literal('followers'),
    Type.Literal('subscribers'),
    Type.Literal('pay_per_view'),
  ],
  {
    description:
      'public: everyone; followers: followers and subscribers; subscribers: subscribers only; pay_per_view: whoever unlocked it.',
  },
);

const PublishAt = Type.Object(
  { at: Type.String({ format: 'date-time', description: 'When the scheduled post is published.' }) },
  { additionalProperties: false },
);
const Publish = Type.Union([Type.Literal('now'), Type.Literal('draft'), PublishAt], {
  description:
    '`now`: publish at once; `draft`: keep as a draft; `{at}`: schedule (in the future, within the limit).',
});
export type PublishInput = Static<typeof Publish>;

const UnlockPrice = Type.Integer({
  minimum: 1,
  maximum: MAX_UNLOCK_PRICE,
  description: 'Credits to unlock; for and only for pay_per_view posts.',
});

function contentProperties(options: PostsOptions) {
  return {
    body: Type.String({
      maxLength: options.maxBodyLength,
      description: `The text, at most ${options.maxBodyLength} characters; may be empty only with media.`,
    }),
    mediaIds: Type.Array(Type.String({ format: 'uuid' }), {
      maxItems: options.maxMedia,
      description: `Your own uploaded media, in order; at most ${options.maxMedia}, each once.`,
    }),
    visibility: Visibility,
    unlockPrice: UnlockPrice,
  };
}

export function createPostBody(options: PostsOptions) {
  const content = contentProperties(options);
  return Type.Object(
    {
      body: Type.Optional(content.body),
      mediaIds: Type.Optional(content.mediaIds),
      visibility: content.visibility,
      unlockPrice: Type.Optional(content.unlockPrice),
      publish: Type.Optional(Publish),
    },
    {
      additionalProperties: false,
      examples: [
        {
          body: 'Behind the scenes of today’s shoot',
          mediaIds: [EXAMPLE_MEDIA],
          visibility: 'subscribers',
          publish: 'now',
        },
        {
          body: 'The full set',
          mediaIds: [EXAMPLE_MEDIA],
          visibility: 'pay_per_view',
          unlockPrice: 250,
          publish: { at: '2026-06-01T18:00:00.000Z' },
        },
      ],
    },
  );
}
export type CreatePostInput = Static<ReturnType<typeof createPostBody>>;

export function updatePostBody(options: PostsOptions) {
  const content = contentProperties(options);
  return Type.Object(
    {
      body: Type.Optional(content.body),
      mediaIds: Type.Optional(content.mediaIds),
      visibility: Type.Optional(content.visibility),
      unlockPrice: Type.Optional(content.unlockPrice),
      publish: Type.Optional(Publish),
    },
    {
      additionalProperties: false,
      minProperties: 1,
      examples: [{ body: 'Edited caption', visibility: 'pay_per_view', unlockPrice: 300 }],
    },
  );
}
export type UpdatePostInput = Static<ReturnType<typeof updatePostBody>>;

const AuthorCard = Type.Object({
  id: Type.String({ format: 'uuid' }),
  handle: Type.String(),
  displayName: Type.String(),
  avatarUrl: Nullable(Type.String({ description: 'A short-lived signed path.' })),
});

const MediaView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.String({ description: 'image, video or audio' }),
  contentType: Type.String(),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  url: Type.String({ description: 'A short-lived signed path to the content (Range supported).' }),
});

const MediaPlaceholder = Type.Object({
  kind: Type.String({ description: 'image, video or audio' }),
  preview: Nullable(Type.String({ description: 'A tiny blurred image (data: URL), images only.' })),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
});

const exampleAuthor = { id: EXAMPLE_AUTHOR, handle: 'mila.draws', displayName: 'Mila', avatarUrl: null };
const counts = { likeCount: Type.Integer({ minimum: 0 }), commentCount: Type.Integer({ minimum: 0 }) };
const Time = Type.String({ format: 'date-time' });

const exampleFullPost = {
  id: EXAMPLE_POST,
  author: exampleAuthor,
  body: 'Behind the scenes of today’s shoot',
  media: [
    {
      id: EXAMPLE_MEDIA,
      kind: 'image',
      contentType: 'image/jpeg',
      width: 1080,
      height: 1350,
      url: `/media/${EXAMPLE_MEDIA}/content?expires=1767268800&signature=3q2-7w`,
    },
  ],
  visibility: 'subscribers',
  unlockPrice: null,
  likeCount: 12,
  commentCount: 3,
  viewer: { liked: true, unlocked: false },
  status: 'published',
  publishAt: null,
  publishedAt: '2026-01-01T12:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  removedAt: null,
  locked: false,
};

export const FullPostView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    author: AuthorCard,
    body: Type.String(),
    media: Type.Array(MediaView),
    visibility: Visibility,
    unlockPrice: Nullable(Type.Integer()),
    ...counts,
    viewer: Type.Object({
      liked: Type.Boolean(),
      unlocked: Type.Boolean({ description: 'You unlocked this pay-per-view post (permanent).' }),
    }),
    status: Type.Union([Type.Literal('draft'), Type.Literal('scheduled'), Type.Literal('published')], {
      description: 'Always published for anyone but the author.',
    }),
    publishAt: Nullable({ ...Time, description: 'When a scheduled post is (or was) due.' }),
    publishedAt: Nullable(Time),
    editedAt: Nullable({ ...Time, description: 'Last change after publishing.' }),
    deletedAt: Nullable({ ...Time, description: 'Only the author sees a deleted post.' }),
    removedAt: Nullable({ ...Time, description: 'Removed by moderation; only the author sees it.' }),
    locked: Type.Literal(false),
  },
  {
    description: 'A post you may see in full.',
    examples: [exampleFullPost],
  },
);

export const LockedPostView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    author: AuthorCard,
    visibility: Visibility,
    unlockPrice: Nullable(Type.Integer({ description: 'What unlocking costs (pay_per_view).' })),
    ...counts,
    publishedAt: Time,
    locked: Type.Literal(true),
    media: Type.Array(MediaPlaceholder, { description: 'What is attached, without ids or URLs.' }),
  },
  {
    description: 'A post you may not see: no text, no media ids or URLs.',
    examples: [
      {
        id: EXAMPLE_POST,
        author: exampleAuthor,
        visibility: 'pay_per_view',
        unlockPrice: 250,
        likeCount: 12,
        commentCount: 3,
        publishedAt: '2026-01-01T12:00:00.000Z',
        locked: true,
        media: [
          {
            kind: 'image',
            preview: 'data:image/webp;base64,UklGRh4AAABXRUJQVlA4',
            width: 1080,
            height: 1350,
          },
        ],
      },
    ],
  },
);

export const PostView = Type.Union([FullPostView, LockedPostView], {
  description: 'The full view, or the locked view (`locked: true`) when you may not see the post.',
});
export type FullPost = Static<typeof FullPostView>;
export type LockedPost = Static<typeof LockedPostView>;
export type Post = FullPost | LockedPost;

const NextCursor = Nullable(
  Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' }),
);
const Cursor = Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }));
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 }));

export const PostPage = Type.Object({ items: Type.Array(PostView), nextCursor: NextCursor });
export type PostPage = { items: Post[]; nextCursor: string | null };

export const FeedQuery = Type.Object({ cursor: Cursor, limit: Limit }, { additionalProperties: false });
export type FeedQuery = Static<typeof FeedQuery>;

export const CreatorPostsQuery = Type.Object(
  {
    status: Type.Union([Type.Literal('published'), Type.Literal('draft'), Type.Literal('scheduled')], {
      default: 'published',
      description: 'draft and scheduled: your own posts only.',
    }),
    cursor: Cursor,
    limit: Limit,
  },
  { additionalProperties: false },
);
export type CreatorPostsQuery = Static<typeof CreatorPostsQuery>;

export const PostParams = Type.Object(
  { postId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export const UnlockQuery = Type.Object(
  {
    expectedPrice: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100_000,
        description:
          'The unlock price you were shown; a different price now is a 409 and nothing is charged.',
        examples: [300],
      }),
    ),
  },
  { additionalProperties: false },
);
export const CreatorParams = Type.Object(
  { creatorId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const UnlockReceipt = Type.Object(
  {
    unlock: Type.Object({
      postId: Type.String({ format: 'uuid' }),
      price: Type.Integer({ description: 'What you paid (when you unlocked it).' }),
      unlockedAt: Time,
      charged: Type.Boolean({
        description: 'False when the post was already unlocked: nothing was charged.',
      }),
      balanceAfter: Nullable(Type.Integer({ description: 'Your spendable balance after the charge.' })),
    }),
    post: FullPostView,
  },
  {
    examples: [
      {
        unlock: {
          postId: EXAMPLE_POST,
          price: 250,
          unlockedAt: '2026-01-02T09:30:00.000Z',
          charged: true,
          balanceAfter: 750,
        },
        post: {
          ...exampleFullPost,
          visibility: 'pay_per_view',
          unlockPrice: 250,
          viewer: { liked: false, unlocked: true },
        },
      },
    ],
  },
);
export type UnlockReceipt = { unlock: Static<typeof UnlockReceipt>['unlock']; post: FullPost };
