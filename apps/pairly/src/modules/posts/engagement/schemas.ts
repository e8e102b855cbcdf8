// Owns the request and response schemas of likes, comments and reports of posts, and of the
// moderators' queue of post reports. Inputs allow no unknown properties and cap every string and
// number; a comment shows its author's id, handle and display name, never an email.
import Type, { type Static } from 'typebox';

export const COMMENT_MAX_LENGTH = 2000;
export const NOTE_MAX_LENGTH = 500;

const Uuid = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Note = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: NOTE_MAX_LENGTH, description }));
const pageQuery = <P extends Record<string, Parameters<typeof Type.Object>[0][string]>>(filters: P) =>
  Type.Object(
    {
      ...filters,
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
      cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    },
    { additionalProperties: false },
  );
const page = <T extends Parameters<typeof Type.Array>[0]>(item: T, example: unknown) =>
  Type.Object(
    { items: Type.Array(item), nextCursor: Nullable(Type.String()) },
    { examples: [{ items: [example], nextCursor: null }] },
  );

const EXAMPLE_POST = '2c4e6a8b-0d1f-4a3c-8e5b-7d9f1b3d5f70';
const EXAMPLE_AUTHOR = '5f0c2d7e-1b3a-4e8f-9c6d-0a1b2c3d4e5f';
const EXAMPLE_USER = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';
const EXAMPLE_AT = '2026-11-29T20:00:00.000Z';

export const PostParams = Type.Object({ postId: Uuid }, { additionalProperties: false });
export const CommentParams = Type.Object({ postId: Uuid, commentId: Uuid }, { additionalProperties: false });
export const ReportParams = Type.Object({ reportId: Uuid }, { additionalProperties: false });

export const LikeView = Type.Object(
  {
    liked: Type.Boolean({ description: 'Whether you like the post now.' }),
    likeCount: Type.Integer({ minimum: 0, description: 'Likes of the post now.' }),
  },
  { examples: [{ liked: true, likeCount: 42 }] },
);

export const CommentBody = Type.Object(
  {
    body: Type.String({
      minLength: 1,
      maxLength: COMMENT_MAX_LENGTH,
      pattern: '\\S',
      description: `The comment: 1 to ${COMMENT_MAX_LENGTH} characters, not only spaces.`,
    }),
  },
  { additionalProperties: false, examples: [{ body: 'Love this set!' }] },
);

const exampleComment = {
  id: '7e1d3c5b-9a8f-4e6d-8c4b-2a1f0e9d8c7b',
  author: { id: EXAMPLE_USER, handle: null, displayName: 'Sam' },
  body: 'Love this set!',
  createdAt: EXAMPLE_AT,
};
export const CommentView = Type.Object(
  {
    id: Uuid,
    author: Type.Object({
      id: Uuid,
      handle: Nullable(Type.String({ description: "The author's creator handle; null for fans." })),
      displayName: Nullable(Type.String({ description: 'Null when the author has no profile yet.' })),
    }),
    body: Type.String(),
    createdAt: Instant,
  },
  { examples: [exampleComment] },
);
export const CommentListQuery = pageQuery({});
export const CommentPage = page(CommentView, exampleComment);

export const ReportReason = Type.Union(
  [
    Type.Literal('spam'),
    Type.Literal('harassment'),
    Type.Literal('sexual_content'),
    Type.Literal('scam'),
    Type.Literal('copyright'),
    Type.Literal('underage'),
    Type.Literal('other'),
  ],
  { description: 'Why the post is reported.' },
);
export type PostReportReason = Static<typeof ReportReason>;
export const ReportStatus = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
export const ReportOutcome = Type.Union([Type.Literal('dismissed'), Type.Literal('upheld')], {
  description: 'upheld removes the post (404 for everyone but its author); dismissed leaves it.',
});

export const ReportBody = Type.Object(
  { reason: ReportReason, note: Note('What the moderators should know; never shown to the author.') },
  { additionalProperties: false, examples: [{ reason: 'scam', note: 'Asks fans to pay outside the app.' }] },
);
export type PostReportInput = Static<typeof ReportBody>;

const reportProperties = {
  id: Uuid,
  postId: Uuid,
  reason: ReportReason,
  note: Nullable(Type.String()),
  status: ReportStatus,
  createdAt: Instant,
};
const exampleReport = {
  id: '3f0c2a9e-8f57-4c1e-9d55-2b1f7c0e4a11',
  postId: EXAMPLE_POST,
  reason: 'scam',
  note: 'Asks fans to pay outside the app.',
  status: 'open',
  createdAt: EXAMPLE_AT,
};
export const PostReportView = Type.Object(reportProperties, { examples: [exampleReport] });

const exampleQueued = {
  ...exampleReport,
  reporterId: EXAMPLE_USER,
  outcome: null,
  resolvedBy: null,
  resolvedAt: null,
  post: {
    id: EXAMPLE_POST,
    authorId: EXAMPLE_AUTHOR,
    body: 'DM me on another app for cheaper content',
    mediaIds: ['4b3a2918-7d6c-4e5f-9a8b-0c1d2e3f4a5b'],
    visibility: 'public',
    status: 'published',
    publishedAt: '2026-11-29T19:00:00.000Z',
    editedAt: null,
    deletedAt: null,
    removedAt: null,
  },
};
export const QueuedPostReportView = Type.Object(
  {
    ...reportProperties,
    reporterId: Uuid,
    outcome: Nullable(ReportOutcome),
    resolvedBy: Nullable(Uuid),
    resolvedAt: Nullable(Instant),
    post: Type.Object(
      {
        id: Uuid,
        authorId: Uuid,
        body: Type.String(),
        mediaIds: Type.Array(Uuid, { description: 'Attachments in order.' }),
        visibility: Type.String(),
        status: Type.String(),
        publishedAt: Nullable(Instant),
        editedAt: Nullable(Instant),
        deletedAt: Nullable(Type.String({ format: 'date-time', description: 'Deleted by its author.' })),
        removedAt: Nullable(Type.String({ format: 'date-time', description: 'Removed by a moderator.' })),
      },
      {
        description:
          'The post as it is now, deleted or removed ones included; an editedAt later than the report means the author changed it since.',
      },
    ),
  },
  { examples: [exampleQueued] },
);
export const PostReportQueueQuery = pageQuery({ status: Type.Optional(ReportStatus) });
export const PostReportQueuePage = page(QueuedPostReportView, exampleQueued);

export const ResolveBody = Type.Object(
  { outcome: ReportOutcome, note: Note('Why; kept in the audit log.') },
  {
    additionalProperties: false,
    examples: [{ outcome: 'upheld', note: 'Off-platform payment scam.' }],
  },
);
export type ResolveInput = Static<typeof ResolveBody>;

export const NoContent = Type.Null({ description: 'Done' });
