// Owns the WebSocket gateway (stub: the gateway helper replaces this with the real one).
import type { Identity } from '../auth/identity.js';
import type { PlatformServer, ServerDependencies } from '../http/server.js';
import type { RealtimeOptions } from './options.js';
import type { RealtimeGateway } from './types.js';

export async function createRealtimeGateway(
  _app: PlatformServer,
  _dependencies: ServerDependencies,
  _options: Partial<RealtimeOptions> & { identity: Identity },
): Promise<RealtimeGateway> {
  return {
    instanceId: 'stub',
    handle() {},
    describeEvent() {},
    streamSource() {},
    async publishToUsers() {},
    onConnect() {},
    onDisconnect() {},
    connectionsOf: () => [],
    size: 0,
  };
}
