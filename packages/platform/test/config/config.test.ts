// Configuration is validated as a whole: every problem is reported at once, production refuses
// weak secrets and wildcard CORS, and development secrets are generated once and then reused.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretWeakness } from '../../src/config/index.js';

const strongSecret = 'q8Vn3kZ2pL7xR4tY9wB1cF6hJ0mS5dG8aE2uI7oP4zX';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ appName: 'hiring', defaultPort: 3001, env, optionalSecrets: ['STRIPE_WEBHOOK_SECRET'] });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('reports every bad value at once', () => {
    const problems = problemsOf({
      NODE_ENV: 'test',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
      BODY_LIMIT_BYTES: '-1',
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT.*"eighty"/);
    expect(problems.join('\n')).toMatch(
      /LOG_LEVEL.*must be one of fatal, error, warn, info, debug, trace, silent/,
    );
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/BODY_LIMIT_BYTES/);
  });

  it('refuses short, well-known and low-variety secrets in production, all in one report', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      JWT_SECRET: 'your-secret-key',
      ENCRYPTION_KEY: 'changeme',
      STRIPE_WEBHOOK_SECRET: 'a'.repeat(40),
      CORS_ORIGINS: '*',
    });
    expect(problems).toEqual([
      'CORS_ORIGINS contains "*": a wildcard is refused in production',
      'STRIPE_WEBHOOK_SECRET has fewer than 8 distinct characters',
      'JWT_SECRET is shorter than 32 bytes',
      'ENCRYPTION_KEY is shorter than 32 bytes',
    ]);
    expect(secretWeakness('thisisasecretkeythatisatleast32characterslong')).toBe(
      'is on the list of known weak secrets',
    );
  });

  it('refuses to run production without its secrets instead of generating them', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET is missing: production never generates secrets',
      'ENCRYPTION_KEY is missing: production never generates secrets',
    ]);
  });

  it('requires a signing key when tokens are signed with EdDSA', () => {
    expect(problemsOf({ NODE_ENV: 'test', JWT_ALGORITHM: 'EdDSA' })).toEqual([
      'JWT_PRIVATE_KEY is missing: JWT_ALGORITHM=EdDSA signs with an Ed25519 key in PKCS#8 PEM',
    ]);
  });

  it('accepts a strong production configuration and keeps docs and metrics private by default', () => {
    const config = loadConfig({
      appName: 'pairly',
      defaultPort: 3002,
      env: {
        NODE_ENV: 'production',
        JWT_SECRET: strongSecret,
        ENCRYPTION_KEY: `${strongSecret}-encryption`,
        CORS_ORIGINS: 'https://pairly.example',
      },
    });
    expect(config).toMatchObject({ port: 3002, exposeDocs: false, exposeMetrics: false, trustProxy: false });
    expect(config.corsOrigins).toEqual(['https://pairly.example']);
  });

  it('lets an app-prefixed variable override the shared one', () => {
    const config = loadConfig({
      appName: 'hiring',
      defaultPort: 3001,
      env: { NODE_ENV: 'test', PORT: '4000', HIRING_PORT: '4100', TRUST_PROXY: '10.0.0.0/8,127.0.0.1' },
    });
    expect(config.port).toBe(4100);
    expect(config.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it('item 8: refuses TRUST_PROXY=true in production, listing the problem with the others', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      JWT_SECRET: strongSecret,
      ENCRYPTION_KEY: `${strongSecret}-encryption`,
      TRUST_PROXY: 'true',
      CORS_ORIGINS: '*',
    });
    expect(problems).toHaveLength(2);
    expect(problems[1]).toMatch(/^TRUST_PROXY is "true": every client could choose its own address/);
    expect(problems[1]).toMatch(
      /refused in production: give the number of proxies .* or their addresses\/CIDRs/,
    );
  });

  it('item 8: outside production TRUST_PROXY=true starts with a warning', () => {
    const config = loadConfig({
      appName: 'hiring',
      defaultPort: 3001,
      env: { NODE_ENV: 'test', TRUST_PROXY: 'true' },
    });
    expect(config.trustProxy).toBe(true);
    expect(config.warnings).toContainEqual(
      expect.stringMatching(/TRUST_PROXY is "true".*would be refused in production/),
    );
  });

  it('item 8: takes a hop count or a list of proxy addresses and CIDRs, and names a bad entry', () => {
    const load = (value: string) =>
      loadConfig({
        appName: 'hiring',
        defaultPort: 3001,
        env: {
          NODE_ENV: 'production',
          JWT_SECRET: strongSecret,
          ENCRYPTION_KEY: `${strongSecret}-encryption`,
          TRUST_PROXY: value,
        },
      }).trustProxy;
    expect(load('1')).toBe(1);
    expect(load('false')).toBe(false);
    expect(load('10.0.0.0/8, fd00::/8,192.0.2.7,loopback')).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.7',
      'loopback',
    ]);
    expect(problemsOf({ NODE_ENV: 'test', TRUST_PROXY: '10.0.0.0/33,proxy.internal,10.0.0.1' })).toEqual([
      'TRUST_PROXY is "10.0.0.0/33,proxy.internal,10.0.0.1": not an IP address or CIDR: "10.0.0.0/33", ' +
        '"proxy.internal"; use false, a hop count (0-99), or a comma-separated list of proxy addresses/CIDRs ' +
        '(or loopback, linklocal, uniquelocal)',
    ]);
    expect(problemsOf({ NODE_ENV: 'test', TRUST_PROXY: '::1/129' })).toHaveLength(1);
  });

  it('refuses origins that are not plain origins', () => {
    expect(
      problemsOf({ NODE_ENV: 'test', CORS_ORIGINS: 'https://ok.example,https://bad.example/path' }),
    ).toEqual([
      'CORS_ORIGINS entry "https://bad.example/path" is not an origin like https://app.example.com',
    ]);
  });

  it('generates development secrets once, keeps them private on disk and reuses them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-test-'));
    const env = { NODE_ENV: 'development', DATA_DIR: dataDir };
    const first = loadConfig({ appName: 'hiring', defaultPort: 3001, env });
    const second = loadConfig({ appName: 'hiring', defaultPort: 3001, env });
    expect(first.secrets.jwt).toBe(second.secrets.jwt);
    expect(Buffer.byteLength(first.secrets.jwt)).toBeGreaterThanOrEqual(32);
    expect(first.secrets.encryption).toBe(second.secrets.encryption);
    expect(first.secrets.encryption).not.toBe(first.secrets.jwt);
    expect(first.warnings[0]).toMatch(/generated development secrets JWT_SECRET, ENCRYPTION_KEY/);
    expect(second.warnings[0]).toMatch(/using development secrets/);
    const file = join(dataDir, 'hiring', 'secrets.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).JWT_SECRET).toBe(first.secrets.jwt);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
