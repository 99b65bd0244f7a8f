import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { clientFor, startApiProcess, type ApiProcess } from '../support/api-process';

const ROOT = join(__dirname, '..', '..');

/**
 * Every command that opens the store, run while `npm start` holds the
 * embedded data directory: each goes through the server's admin routes
 * (signing an admin token with the local key) instead of failing on the
 * lock, and the server goes on answering.
 */
describe('the command line beside a running server on the embedded store', () => {
  let api: ApiProcess;
  beforeAll(async () => {
    api = await startApiProcess('pglite');
  });
  afterAll(() => api?.stop());

  const cli = (...argv: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: api.dataDir, CARETRAIL_API_URL: api.baseUrl };
    for (const name of ['DATABASE_URL', 'CARETRAIL_TOKEN', 'OIDC_ISSUER']) delete env[name];
    const run = spawnSync(process.execPath, ['infra/scripts/cli.mjs', ...argv], { cwd: ROOT, env, encoding: 'utf8' });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  };

  it('seeds, travels in time, reports, replays and verifies through the server', async () => {
    const seeded = cli('seed', '--patients', '3', '--days', '20', '--seed', 'beside', '--json');
    expect({ status: seeded.status, stderr: seeded.stderr }).toEqual({
      status: 0,
      stderr: expect.stringMatching(/seed: \d+ events appended in/),
    });
    const result = JSON.parse(seeded.stdout) as { events: number; refused: object; firstPatientId: string };
    expect(result.refused).toEqual({});
    expect(result.events).toBeGreaterThan(20);

    const admin = clientFor(api, await api.bearer('admin-beside', 'admin'));
    const history = await admin.get(`/patients/${result.firstPatientId}/history`);
    expect(history.status).toBe(200);

    const asOf = cli('patient', result.firstPatientId, '--as-of', new Date().toISOString(), '--view', 'plan');
    expect(asOf.status).toBe(0);
    expect(JSON.parse(asOf.stdout)).toMatchObject({
      patientId: result.firstPatientId,
      plan: { careTeam: expect.any(Array) },
    });

    const report = cli('report', 'effectiveness', '--from', '2020-01-01', '--to', '2030-12-31', '--format', 'json');
    expect(report.status).toBe(0);
    const rendered = JSON.parse(report.stdout) as { title: string; patients: number };
    expect(rendered.title).toBe('Treatment effectiveness');
    expect(rendered.patients).toBeGreaterThan(0);

    const replay = cli('replay', '--to', new Date().toISOString(), '--into', 'beside', '--models', 'adherence');
    expect(replay.status).toBe(0);
    expect(replay.stdout).toContain(`${result.events} events read`);

    const verify = cli('audit', 'verify');
    expect(verify).toMatchObject({ status: 0, stdout: expect.stringContaining('every chain intact') });

    // Seeding the same patients again is refused by the server, said here.
    const again = cli('seed', '--patients', '3', '--days', '20', '--seed', 'beside');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('Use another --seed to add patients');

    // The server held its data directory all along, and still answers.
    expect((await admin.get('/admin/projections')).status).toBe(200);
  });

  it('prints the usage of any command with --help, also as `npx caretrail`', () => {
    const help = spawnSync('npx', ['--offline', 'caretrail', 'seed', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
    expect(help.stdout).toContain('npm run cli -- seed [--patients N');
  });
});
