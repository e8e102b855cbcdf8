// Owns assembling a ready-to-listen server from already opened dependencies: the hardened kernel,
// then the app's modules, then the development-only tools (the mail outbox at /dev/mail). Used by
// main (startApp) and by tests (buildTestApp).
import { createServer, type PlatformServer, type ServerDependencies } from '../http/server.js';
import type { AppDefinition } from './app-definition.js';
import { devMailAvailable, registerDevMailRoute } from './dev-mail.js';

export async function buildApp(
  definition: AppDefinition,
  dependencies: ServerDependencies,
): Promise<PlatformServer> {
  const app = await createServer({ ...dependencies, api: definition.api });
  // The server's own dependencies: they carry the hooks createServer adds (useTokenVerifier).
  await definition.registerModules(app, app.platform);
  if (devMailAvailable(dependencies.config, definition)) registerDevMailRoute(app, dependencies.db);
  await app.ready();
  return app;
}
