// Owns the description an app gives of itself to the platform: its name, default port, API
// description, migrations and how it registers its modules. Both main.ts (a real process) and the
// test app builder use the same definition, so tests exercise exactly what production runs.
import type { MigrationSet } from '../db/index.js';
import type { ApiDescription, PlatformServer, ServerDependencies } from '../http/server.js';

export interface AppDefinition {
  name: string;
  defaultPort: number;
  api: ApiDescription;
  /** The app's own migration sets; the platform's are applied first. */
  migrations: MigrationSet[];
  /** Optional secrets the app reads from the environment (checked for strength when present). */
  optionalSecrets?: readonly string[];
  /** Optional plain settings the app reads from the environment (config.settings). */
  optionalSettings?: readonly string[];
  registerModules(app: PlatformServer, dependencies: ServerDependencies): Promise<void>;
}
