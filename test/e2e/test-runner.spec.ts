import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** `npm test` must fail loudly when it cannot provide the services, never pass without them. */
describe('the test runner (npm test)', () => {
  const run = (env: NodeJS.ProcessEnv, target = 'typecheck') =>
    spawnSync(process.execPath, ['infra/scripts/test.mjs', target], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('fails with a clear message when TESTCONTAINERS=1 finds no container runtime', () => {
    const result = run({ TESTCONTAINERS: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('TESTCONTAINERS=1 needs a container runtime (Docker or Podman)');
  });

  it('fails naming the address when PostgreSQL does not answer', () => {
    const result = run({ TESTCONTAINERS: '', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PostgreSQL is not reachable at postgres://postgres@127.0.0.1:1/test');
  });

  it('stops before any test when the browser tests have no Chromium, saying how to get one', () => {
    const result = run({ TESTCONTAINERS: '', CHROMIUM_PATH: '/nonexistent/chromium' }, 'test');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium is not an executable');
    expect(result.stderr).toContain("No Chromium for the admin console's browser tests (test/console)");
  });
});
