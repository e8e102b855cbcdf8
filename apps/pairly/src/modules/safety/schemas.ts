// Owns the request and response schemas of safety: blocks (the caller's list, block, unblock), a
// report of a message, and the moderation queue of reports and restrictions. Inputs allow no unknown
// properties and cap every string and number.
import Type, { type Static } from 'typebox';

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
const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

const EXAMPLE_USER = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';
const EXAMPLE_SENDER = '5f0c2d7e-1b3a-4e8f-9c6d-0a1b2c3d4e5f';
const EXAMPLE_MESSAGE = '0b9e3c1a-7d4f-4c1e-9a55-2f61d8a7c3b2';

export const UserParams = Type.Object({ userId: Uuid }, { additionalProperties: false });
export const MessageParams = Type.Object({ messageId: Uuid }, { additionalProperties: false });
export const ReportParams = Type.Object({ reportId: Uuid }, { additionalProperties: false });

export const BlockBody = Type.Object(
  { userId: Type.String({ format: 'uuid', description: 'The user to block.' }) },
  { additionalProperties: false, examples: [{ userId: EXAMPLE_USER }] },
);

export const BlockView = Type.Object(
  { userId: Uuid, createdAt: Instant },
  { examples: [{ userId: EXAMPLE_USER, createdAt: '2026-11-29T20:00:00.000Z' }] },
);
export const BlockListQuery = pageQuery({});
export const BlockPage = page(BlockView);

export const ReportReason = Type.Union(
  [
    Type.Literal('spam'),
    Type.Literal('harassment'),
    Type.Literal('sexual_content'),
    Type.Literal('scam'),
    Type.Literal('other'),
  ],
  { description: 'Why the message is reported.' },
);
export const ReportStatus = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
export const ReportOutcome = Type.Union([Type.Literal('dismissed'), Type.Literal('upheld')]);

export const ReportBody = Type.Object(
  { reason: ReportReason, note: Note('What the moderators should know; never shown to the sender.') },
  { additionalProperties: false, examples: [{ reason: 'harassment', note: 'Keeps insulting me.' }] },
);
export type ReportInput = Static<typeof ReportBody>;

const reportProperties = {
  id: Uuid,
  messageId: Uuid,
  reason: ReportReason,
  note: Nullable(Type.String()),
  status: ReportStatus,
  createdAt: Instant,
};
const exampleReport = {
  id: '3f0c2a9e-8f57-4c1e-9d55-2b1f7c0e4a11',
  messageId: EXAMPLE_MESSAGE,
  reason: 'harassment',
  note: 'Keeps insulting me.',
  status: 'open',
  createdAt: '2026-11-29T20:00:00.000Z',
};
export const ReportView = Type.Object(reportProperties, { examples: [exampleReport] });

const SnapshotMessage = Type.Object({
  id: Uuid,
  seq: Type.Integer(),
  senderId: Uuid,
  body: Nullable(Type.String({ description: 'Null when the message was unsent before the report.' })),
  createdAt: Instant,
});
const Snapshot = Type.Object(
  { conversationId: Uuid, message: SnapshotMessage, context: Type.Array(SnapshotMessage) },
  {
    description:
      'The reported message and the messages before it (oldest first), as they were when reported.',
  },
);

export const QueuedReportView = Type.Object(
  {
    ...reportProperties,
    conversationId: Uuid,
    reporterId: Uuid,
    senderId: Uuid,
    snapshot: Snapshot,
    outcome: Nullable(ReportOutcome),
    resolvedBy: Nullable(Uuid),
    resolvedAt: Nullable(Instant),
    resolutionNote: Nullable(Type.String()),
  },
  {
    examples: [
      {
        ...exampleReport,
        conversationId: '6d1b1f0e-2a4c-4f0a-8d0e-1f2a3b4c5d6e',
        reporterId: EXAMPLE_USER,
        senderId: EXAMPLE_SENDER,
        snapshot: {
          conversationId: '6d1b1f0e-2a4c-4f0a-8d0e-1f2a3b4c5d6e',
          message: {
            id: EXAMPLE_MESSAGE,
            seq: 7,
            senderId: EXAMPLE_SENDER,
            body: 'You are worthless.',
            createdAt: '2026-11-29T19:59:00.000Z',
          },
          context: [],
        },
        outcome: null,
        resolvedBy: null,
        resolvedAt: null,
        resolutionNote: null,
      },
    ],
  },
);
export const ReportQueueQuery = pageQuery({
  status: Type.Optional(ReportStatus),
  senderId: Type.Optional(Type.String({ format: 'uuid', description: "Only this sender's reports." })),
});
export const ReportQueuePage = page(QueuedReportView);

export const ResolveBody = Type.Object(
  { outcome: ReportOutcome, note: Note('Why; kept with the report and in the audit log.') },
  { additionalProperties: false, examples: [{ outcome: 'upheld', note: 'Insults, warned the sender.' }] },
);

export const RestrictionView = Type.Object(
  {
    userId: Uuid,
    reason: Type.String(),
    createdAt: Instant,
    active: Type.Boolean(),
    liftedAt: Nullable(Instant),
    liftedBy: Nullable(Uuid),
    liftNote: Nullable(Type.String()),
  },
  {
    examples: [
      {
        userId: EXAMPLE_SENDER,
        reason: '3 users reported their messages within 24 hours',
        createdAt: '2026-11-29T20:00:00.000Z',
        active: true,
        liftedAt: null,
        liftedBy: null,
        liftNote: null,
      },
    ],
  },
);
export const RestrictionQuery = pageQuery({
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('lifted')])),
});
export const RestrictionPage = page(RestrictionView);

export const LiftBody = Type.Object(
  { note: Note('Why; kept with the restriction and in the audit log.') },
  { additionalProperties: false, examples: [{ note: 'Reviewed: the reports were a coordinated pile-on.' }] },
);
