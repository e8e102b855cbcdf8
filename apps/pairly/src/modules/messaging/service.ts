// Owns the messaging service other modules and the transports use: conversations (conversations.ts),
// sending (send.ts), history and resume (history.ts) and settings (settings.ts), built once from the
// app's context with the messaging options merged over their defaults.
import { pairlyDb } from '../../db.js';
import type { PairlyBaseContext } from '../context.js';
import type { Safety } from '../safety/service.js';
import { type Conversations, createConversations, type Participation } from './conversations.js';
import { createHistory, type History } from './history.js';
import { type MessagingOptions, messagingOptions } from './options.js';
import { createSender, type Sender } from './send.js';
import { createSettings, type MessagingSettings, type Settings } from './settings.js';

export type { MessagingSettings, Participation };

export interface Messaging {
  readonly options: MessagingOptions;
  readonly conversations: Conversations;
  readonly sender: Sender;
  readonly history: History;
  readonly settings: Settings;
  /** Users this user has a conversation with, most recent first (presence tells them of status changes). */
  partnersOf(userId: string, limit?: number): Promise<string[]>;
  /** The conversation as its participant `userId` sees it (peer, last seq); 404 `conversation_not_found` for anyone else. */
  participation(userId: string, conversationId: string): Promise<Participation>;
  /** A user's price and read-receipt setting (defaults when never set). */
  settingsOf(userId: string): Promise<MessagingSettings>;
}

export function createMessaging(context: PairlyBaseContext & { safety: Safety }): Messaging {
  const db = pairlyDb(context.db);
  const options = messagingOptions(context.options.messaging);
  const conversations = createConversations(db, context.clock, context.safety);
  const settings = createSettings(db, context.clock);
  const sender = createSender({
    db,
    clock: context.clock,
    logger: context.logger,
    credits: context.credits,
    realtime: context.realtime,
    options,
  });
  const history = createHistory(db, conversations, options);
  return {
    options,
    conversations,
    sender,
    history,
    settings,
    partnersOf: (userId, limit) => conversations.partnersOf(userId, limit),
    participation: (userId, conversationId) => conversations.participation(userId, conversationId),
    settingsOf: (userId) => settings.of(userId),
  };
}
