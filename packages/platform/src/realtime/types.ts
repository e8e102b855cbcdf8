// Owns the contract between the realtime gateway (this folder) and the app modules that use it
// (pairly's messaging and presence): what a connection is, how a module answers a client's frame,
// how it pushes an event to a user on whichever instance holds their sockets, and how a stream of
// durable events (a conversation) is replayed when pub/sub may have lost some of it.
//
// The wire protocol (docs/realtime.md): every frame is one JSON object with a `type`.
// - A request from the client carries an `id`; the gateway answers it with
//   `{type:'reply', id, data}` or `{type:'error', id, code, status, detail}`.
// - An event from the server is `{type, stream?, seq?, ...payload}`; durable events of a stream
//   carry its `stream` id and `seq` so the client (and the gateway) can see a gap.
import type { Static, TSchema } from 'typebox';

/** Durable events are never dropped (a consumer too slow for them is closed); ephemeral ones are shed first. */
export type Delivery = 'durable' | 'ephemeral';

export interface OutgoingEvent {
  /** The frame's `type`, for example `message.new` or `typing`. */
  type: string;
  delivery: Delivery;
  /** For durable events of an ordered stream (a conversation): the stream and the event's place in it. */
  stream?: { id: string; seq: number };
  /** Sent as the frame's other fields; must not contain `type`, `stream` or `seq`. */
  payload: Record<string, unknown>;
}

export interface RealtimeConnection {
  /** Unique per socket, across instances. */
  readonly id: string;
  readonly userId: string;
  readonly role: string;
  readonly sessionId: string;
  /** When the socket authenticated (the app clock). */
  readonly openedAt: Date;
  /** True once the socket is closing or closed: long work for it can stop. */
  readonly closing: boolean;
  /** Queues an event for this socket only (already on this instance; no pub/sub). */
  send(event: OutgoingEvent): void;
  /** The highest seq of a stream this socket has been sent, if any. */
  lastSeq(streamId: string): number | undefined;
  /** Records that the client already has a stream up to `seq` (after a resume); never moves back. */
  markSeen(streamId: string, seq: number): void;
  close(code: number, reason: string): void;
  /** Per-socket data a module keeps (for example, a presence lease id). */
  readonly data: Map<string, unknown>;
}

/** A module's answer to a client request: the `data` of the reply frame (or nothing). */
export type FrameHandler<S extends TSchema> = (
  connection: RealtimeConnection,
  frame: Static<S>,
) => Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;

export interface FrameHandlerOptions<S extends TSchema> {
  /** The frame's fields besides `type` and `id`, validated before the handler runs (error `invalid_frame`). */
  schema: S;
  handler: FrameHandler<S>;
  /** One line for docs/realtime.md and the AsyncAPI document. */
  summary: string;
}

/**
 * Where a durable stream's events come from when pub/sub cannot be trusted: a gap seen in the seqs
 * a socket was sent, or the subscription to the shared store lost and restored. Registered once per
 * stream id prefix (messaging registers `conv:`).
 */
export interface StreamSource {
  /** Events of one stream with seq > afterSeq, oldest first, at most `limit`, as this user may see them. */
  after(
    connection: RealtimeConnection,
    streamId: string,
    afterSeq: number,
    limit: number,
  ): Promise<OutgoingEvent[]>;
  /**
   * After the subscription was restored: the events this socket missed on any of the user's streams
   * (those in `seen` after their seq, and streams that moved since the socket opened), oldest first.
   */
  resync(connection: RealtimeConnection, seen: ReadonlyMap<string, number>): Promise<OutgoingEvent[]>;
}

export interface RealtimeGateway {
  /** The instance's id (random per process); part of every connection id. */
  readonly instanceId: string;
  /** Registers the handler for client frames of one `type`. */
  handle<S extends TSchema>(type: string, options: FrameHandlerOptions<S>): void;
  /** Documents an event the server sends (for docs and the AsyncAPI document). */
  describeEvent(type: string, options: { summary: string; schema: TSchema; delivery: Delivery }): void;
  /** Registers where a stream prefix's events are replayed from. */
  streamSource(prefix: string, source: StreamSource): void;
  /** Delivers an event to every socket of these users on every instance. Resolves once published. */
  publishToUsers(userIds: readonly string[], event: OutgoingEvent): Promise<void>;
  /** After a socket authenticated (and was counted); errors are logged, the socket stays. */
  onConnect(listener: (connection: RealtimeConnection) => void | Promise<void>): void;
  /** After a socket closed for any reason, with the close code. */
  onDisconnect(listener: (connection: RealtimeConnection, code: number) => void | Promise<void>): void;
  /** This instance's authenticated sockets of a user. */
  connectionsOf(userId: string): readonly RealtimeConnection[];
  /** How many authenticated sockets this instance holds. */
  readonly size: number;
}
