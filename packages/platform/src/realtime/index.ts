// The realtime gateway: one WebSocket endpoint per app, cross-instance fan-out, ordered streams.
export { createRealtimeGateway } from './gateway.js';
export {
  DEFAULT_REALTIME_OPTIONS,
  type MessageRate,
  type RealtimeOptions,
  type RealtimeOptionsInput,
} from './options.js';
export { REALTIME_CLOSE } from './protocol.js';
export type {
  Delivery,
  FrameHandler,
  FrameHandlerOptions,
  OutgoingEvent,
  RealtimeConnection,
  RealtimeGateway,
  StreamSource,
} from './types.js';
