// Owns registering what people do with messages already sent: receipts (receipts.ts), unsend and
// delete for me (unsend.ts, with the durable unsend stream in unsent-stream.ts) and typing
// (typing.ts), over REST (routes.ts) and the WebSocket (frames.ts). Registered after messaging, whose
// service (participation, options, the sent-message hook) it uses. Timers (receipt batches, typing
// expiry) live on this instance and are dropped when the app closes.
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../../context.js';
import { registerInteractionFrames } from './frames.js';
import { interactionOptions } from './options.js';
import { createReceipts } from './receipts.js';
import { registerInteractionRoutes } from './routes.js';
import { createTyping } from './typing.js';
import { createUnsend } from './unsend.js';
import { createUnsentStream } from './unsent-stream.js';

export function registerMessageInteractions(app: PlatformServer, context: PairlyContext): void {
  const options = interactionOptions(context.options.messaging);
  const receipts = createReceipts(context, options);
  const unsend = createUnsend(context, options);
  const unsent = createUnsentStream(context);
  const typing = createTyping(context, options);

  registerInteractionRoutes(app, context, { receipts, unsend, unsent }, options.unsendWindowMs);
  registerInteractionFrames(context, { receipts, unsend, unsent, typing });
  context.realtime.onDisconnect((connection) => typing.stopConnection(connection));
  context.messaging.sender.onSent((message) => {
    void typing.stop(message.conversationId, message.senderId);
  });
  app.addHook('onClose', async () => {
    receipts.close();
    typing.close();
  });
}
