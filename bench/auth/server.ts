// The server bench/auth loads: the platform with identity (production-strength argon2id) and two
// otherwise identical routes, one open and one behind the access-token guard.
import {
  type AppDefinition,
  createIdentity,
  defineAccessPolicy,
  identityMigrations,
  registerIdentityRoutes,
  runMain,
} from '@app/platform';

const benchApp: AppDefinition = {
  name: 'benchauth',
  defaultPort: 0,
  api: { title: 'Auth bench', version: '1.0.0', description: 'Open and guarded routes for bench/auth.' },
  migrations: [identityMigrations],
  async registerModules(app, dependencies) {
    const identity = await createIdentity(dependencies, {
      policy: defineAccessPolicy({ grants: { member: ['things:read'] }, signupRoles: ['member'] }),
    });
    await registerIdentityRoutes(app, identity);
    app.get('/open', async () => ({ ok: true }));
    app.get('/guarded', { preHandler: identity.authenticate }, async () => ({ ok: true }));
  },
};

await runMain(benchApp);
