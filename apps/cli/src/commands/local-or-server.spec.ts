import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isActorRole } from '@caretrail/domain';
import { createTokenVerifier } from '@caretrail/security';
import { runCli } from '../testing/run-cli';
import { seedSignIns } from '@caretrail/seed';
import { seedCommand } from './seed';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * The API's admin task routes as a stand-in: what the command line asks the
 * server holding the embedded store, and how it shows the answers.
 */
class FakeServer {
  readonly requests: Seen[] = [];
  handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        this.requests.push({
          method: req.method!,
          url: req.url!,
          authorization: req.headers.authorization,
          body: text === '' ? undefined : JSON.parse(text),
        });
        this.handler(req, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const ndjson =
  (...lines: unknown[]) =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const line of lines) res.write(`${JSON.stringify(line)}\n`);
    res.end();
  };

const problem =
  (status: number, detail: string, code = 'refused') =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(status, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ status, code, title: 'Problem', detail }));
  };

describe('store commands while a server holds the embedded data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-cli-held-'));
  const fake = new FakeServer();
  const env = process.env;
  let base: string;

  beforeAll(async () => {
    base = await fake.start();
    // A live process (this one) holds the lock, as the running API would.
    writeFileSync(
      join(dataDir, 'caretrail.lock'),
      JSON.stringify({
        pid: process.pid,
        hostname: hostname(),
        startedAt: new Date().toISOString(),
        command: 'node dist/apps/api/main.js',
      }),
    );
  });
  beforeEach(() => {
    fake.requests.length = 0;
    process.env = { ...env, DATA_DIR: dataDir, CARETRAIL_API_URL: base };
    for (const name of ['DATABASE_URL', 'CARETRAIL_TOKEN', 'OIDC_ISSUER']) delete process.env[name];
  });
  afterAll(async () => {
    process.env = env;
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = runCli;

  const seedResult = {
    seed: 'held',
    patients: 3,
    days: 20,
    from: '2026-11-08',
    until: '2026-11-28T23:59:00.000Z',
    commands: 98,
    events: 101,
    appends: 20,
    refused: {},
    notYetDue: 0,
    seconds: 0.9,
    eventsPerSecond: 112,
    firstPatientId: 'p-1',
  };

  it('seed asks the server to seed, as an admin signed with the local key, and prints its result', async () => {
    fake.handler = ndjson(
      { progress: 'seed: 1 of 3 patients done' },
      { progress: 'seed: 101 events appended in 0.9 s', done: true },
      { result: seedResult },
    );
    const { code, out, err } = await call('seed', '--patients', '3', '--days', '20', '--until', '2026-11-28', '--json');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toEqual(seedResult);
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/admin/seed',
      // The options as this command checked them: --until resolved to the end of that day.
      body: { patients: 3, days: 20, seed: 'caretrail', until: '2026-11-28T23:59:00.000Z', verify: false },
    });
    const verifier = await createTokenVerifier({ dataDir }, isActorRole);
    await expect(verifier.verify(request!.authorization!.replace('Bearer ', ''))).resolves.toEqual({
      userId: expect.stringMatching(/^cli-/),
      role: 'admin',
    });
  });

  it("shows the server's progress on the command line's own progress line", async () => {
    fake.handler = ndjson(
      { progress: 'seed: 1 of 3 patients done' },
      { progress: 'seed: done', done: true },
      { result: seedResult },
    );
    const progress: Array<[string, boolean | undefined]> = [];
    const code = await seedCommand(['--patients', '3'], {
      out: () => undefined,
      err: () => undefined,
      progress: (line, done) => progress.push([line, done]),
    });
    expect(code).toBe(0);
    expect(progress).toEqual([
      ['seed: 1 of 3 patients done', undefined],
      ['seed: done', true],
    ]);
  });

  it('seed prints whom to sign in as, with the token command for each', async () => {
    fake.handler = ndjson({ progress: 'seed: done', done: true }, { result: seedResult });
    const { code, out } = await call('seed', '--patients', '3', '--seed', 'held');
    expect(code).toBe(0);
    const patients = seedSignIns('held', 3).patient;
    expect(patients).toHaveLength(3);
    expect(out).toContain('npm run -s cli -- token --user therapist-0001 --role therapist');
    expect(out).toContain('npm run -s cli -- token --user prescriber-0001 --role prescriber');
    expect(out).toContain('npm run -s cli -- token --user care-manager-0001 --role care-manager');
    for (const patientId of patients) expect(out).toContain(`token --user ${patientId} --role patient`);
  });

  it('seed says what the server refused, with exit code 1', async () => {
    fake.handler = ndjson({
      problem: { status: 409, code: 'ALREADY_SEEDED', detail: 'The store already holds the patients of --seed "x".' },
    });
    const { code, err } = await call('seed', '--seed', 'x');
    expect(code).toBe(1);
    expect(err).toBe('The store already holds the patients of --seed "x".');
  });

  it('a bad option is refused here, before the server is asked', async () => {
    const { code, err } = await call('seed', '--patients', 'many');
    expect(code).toBe(2);
    expect(err).toContain('--patients must be a whole number');
    expect(fake.requests).toEqual([]);
  });

  it('a token the server refuses says how to give another', async () => {
    fake.handler = problem(403, 'This needs one of the roles: admin.', 'FORBIDDEN');
    process.env['CARETRAIL_TOKEN'] = 'a-therapist-token';
    const { code, err } = await call('seed');
    expect(code).toBe(1);
    expect(err).toContain('POST /admin/seed answered 403: This needs one of the roles: admin.');
    expect(err).toContain('Set CARETRAIL_TOKEN to a token with the admin role');
    expect(fake.requests[0]!.authorization).toBe('Bearer a-therapist-token');
  });

  it('replay and report send their checked options and print what the server computed', async () => {
    fake.handler = ndjson({
      result: { status: 'complete', read: 10, applied: 7, tables: ['"s"."replay_q1_adherence"'] },
    });
    const replay = await call('replay', '--to', '2026-03-01T00:00:00+01:00', '--into', 'q1', '--models', 'adherence');
    expect(replay).toMatchObject({ code: 0, err: '' });
    expect(replay.out).toContain('replay q1 complete (to 2026-02-28T23:00:00.000Z, by recorded)');
    expect(fake.requests[0]).toMatchObject({
      url: '/admin/replays',
      body: { to: '2026-02-28T23:00:00.000Z', into: 'q1', models: ['adherence'], by: 'recorded', batch: 2000 },
    });

    fake.requests.length = 0;
    fake.handler = ndjson({ result: { text: '# Treatment effectiveness\n', patients: 4, suppressedCohorts: 1 } });
    const report = await call('report', 'effectiveness', '--from', '2026-01-01', '--to', '2026-06-30');
    expect(report).toEqual({ code: 0, out: '# Treatment effectiveness', err: '' });
    expect(fake.requests[0]).toMatchObject({
      url: '/admin/reports/effectiveness',
      body: { from: '2026-01-01', to: '2026-06-30', format: 'md', 'min-cohort': 5 },
    });
  });

  it('patient --as-of asks for the views as JSON', async () => {
    fake.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ patientId: 'p-1', events: 3, plan: { carePlan: null } }));
    };
    const { code, out } = await call('patient', 'p-1', '--as-of', '2026-03-01T00:00:00Z', '--view', 'plan');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ patientId: 'p-1', events: 3, plan: { carePlan: null } });
    expect(fake.requests[0]).toMatchObject({
      method: 'GET',
      url: '/admin/patients/p-1/as-of?as-of=2026-03-01T00%3A00%3A00.000Z&by=recorded&view=plan',
    });
  });

  it('when nothing answers, names the process holding the directory and where it looked', async () => {
    const gone = new FakeServer();
    const url = await gone.start();
    await gone.stop();
    process.env['CARETRAIL_API_URL'] = url;
    for (const argv of [
      ['seed'],
      ['replay', '--to', '2026-01-01T00:00:00Z', '--into', 'x'],
      ['report', 'effectiveness', '--from', '2026-01-01', '--to', '2026-06-30'],
      ['patient', 'c1', '--as-of', '2026-01-01T00:00:00Z'],
    ]) {
      const { code, err } = await call(...argv);
      expect(code).toBe(1);
      expect(err).toContain(
        `is held by process ${process.pid} (node dist/apps/api/main.js), but nothing answers at ${url}`,
      );
      expect(err).toContain('Set CARETRAIL_API_URL');
    }
  });
});
