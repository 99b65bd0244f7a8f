import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientFor, startApiProcess, type ApiProcess } from '../support/api-process';

const ROOT = join(__dirname, '..', '..');

/**
 * `npm run cli -- audit export` beside a running API on the embedded store:
 * the server holds DATA_DIR, so the command goes through its API, signing
 * an admin token with the local key, and never opens the directory.
 */
describe('audit export from the command line, through the running server', () => {
  let api: ApiProcess;
  const out = mkdtempSync(join(tmpdir(), 'caretrail-export-'));
  beforeAll(async () => {
    api = await startApiProcess('pglite');
  });
  afterAll(async () => {
    await api?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('exports the access log, the export itself included', async () => {
    const therapist = clientFor(api, await api.bearer('dr-export', 'therapist'));
    const enrolled = await therapist.post('/patients', { name: { given: 'Exported', family: 'Patient' } });
    expect(enrolled.status).toBe(201);
    const patientId = String(enrolled.body['id']);
    expect((await therapist.get(`/patients/${patientId}/plan`)).status).toBe(200);

    const file = join(out, 'access.ndjson');
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: api.dataDir, CARETRAIL_API_URL: api.baseUrl };
    delete env['DATABASE_URL'];
    delete env['CARETRAIL_TOKEN'];
    const cli = spawnSync(
      process.execPath,
      ['infra/scripts/cli.mjs', 'audit', 'export', '--format', 'ndjson', '--patient', patientId, '--out', file],
      {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      },
    );
    expect({ status: cli.status, stderr: cli.stderr }).toEqual({ status: 0, stderr: '' });
    const records = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.map((r) => [r.category, r.action, r.userId])).toEqual([
      ['care plan', 'create', 'dr-export'],
      ['care plan', 'read', 'dr-export'],
      ['access log', 'export', expect.stringMatching(/^cli-/)],
    ]);
    // The server still holds its data directory, and still answers.
    expect((await therapist.get(`/patients/${patientId}/plan`)).status).toBe(200);
  });
});
