import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';

const ROOT = join(__dirname, '..', '..');

/** `npm run demo` (infra/scripts/demo.mjs) as a child process: its exit code and what it printed. */
function runDemo(url: string, dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['infra/scripts/demo.mjs', '--url', url], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run demo', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startApiProcess('pglite');
  });
  afterAll(() => api?.stop());

  it("plays the README's week against the running API and prints the views that hold it", async () => {
    const { code, output } = await runDemo(api.baseUrl, api.dataDir);
    expect({ code, tail: output.slice(-300) }).toEqual({ code: 0, tail: expect.stringContaining('Done: patient') });
    const patientId = /POST \/patients as dr-theo \(therapist\) -> 201 id (\S+)/.exec(output)?.[1];
    expect(patientId).toBeDefined();
    for (const view of ['plan', 'adherence', 'collaboration', 'outcomes']) {
      expect(output).toContain(`GET /patients/${patientId}/${view} -> 200`);
    }
    expect(output).toContain('GET /registry -> 200');
    // What the week recorded: the prescription, the PHQ-9 and GAD-7 totals, one dose taken of the slots due.
    expect(output).toContain('"name": "Sertraline"');
    expect(output).toMatch(/"instrument": "PHQ-9",[\s\S]*"total": 10/);
    expect(output).toMatch(/"instrument": "GAD-7",[\s\S]*"total": 7/);
    expect(output).toContain('"pdc-below-80"');
  });

  it('says that no API answers, and exits non-zero, when none runs at the address', async () => {
    const { code, output } = await runDemo(`http://127.0.0.1:${await freePort()}`, api.dataDir);
    expect(code).toBe(1);
    expect(output).toContain('no API answers at');
  });
});
