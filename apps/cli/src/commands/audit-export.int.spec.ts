import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessLog } from '@caretrail/access-log';
import { openEventStoreOn, PgliteDatabase, PostgresDatabase } from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { auditExport } from './audit-export';

const accessRecord = (patientId: string, userId: string) => ({
  recordedAt: new Date().toISOString(),
  userId,
  role: 'therapist',
  patientId,
  category: 'doses',
  action: 'read' as const,
  outcome: 'allowed' as const,
  status: 200,
  method: 'GET',
  route: '/patients/:patientId/adherence',
  clientAddress: '127.0.0.1',
  correlationId: `c-${userId}`,
  detail: {},
});

/** No API listens here: the command must fall back to the database. */
const NO_SERVER = 'http://127.0.0.1:9';

describe('npm run cli -- audit export, when no server answers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'caretrail-cli-export-'));
  const env = process.env;
  afterAll(() => {
    process.env = env;
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await auditExport(
      argv,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  describe('on PostgreSQL it reads the database directly', () => {
    const schema = uniqueSchema('cli_export');
    beforeAll(async () => {
      process.env = {
        ...env,
        DATABASE_URL: testDatabaseUrl(),
        DATABASE_SCHEMA: schema,
        DATA_DIR: dir,
        CARETRAIL_API_URL: NO_SERVER,
      };
      const sql = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema });
      const store = await openEventStoreOn(sql);
      const log = new AccessLog(sql);
      await log.append(accessRecord('p-1', 'dr-a'));
      await log.append(accessRecord('p-2', 'dr-b'));
      await log.append(accessRecord('p-1', 'dr-c'));
      await store.close();
    });
    afterAll(() => dropSchema(schema));

    it('writes the matching records as CSV, and records the export itself first', async () => {
      const file = join(dir, 'p1.csv');
      const { code, out } = await call('--patient', 'p-1', '--out', file);
      expect(code).toBe(0);
      expect(out).toContain('no server answered');
      const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^id,recordedAt,userId,/);
      expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['dr-a', 'dr-c', expect.stringMatching(/^cli-/)]);
      expect(lines[3]).toContain(',admin,p-1,access log,export,allowed,200,CLI,audit export,');
    });

    it('writes NDJSON filtered by user and time', async () => {
      const file = join(dir, 'b.ndjson');
      expect(
        (await call('--format', 'ndjson', '--user', 'dr-b', '--from', '2020-01-01T00:00:00Z', '--out', file)).code,
      ).toBe(0);
      const records = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records).toEqual([
        expect.objectContaining({ userId: 'dr-b', patientId: 'p-2', hash: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      ]);
    });

    it('refuses malformed options', async () => {
      expect(await call('--format', 'xml')).toMatchObject({ code: 2, err: '--format must be csv or ndjson' });
      expect((await call('--from', 'yesterday')).err).toContain('--from must be an instant');
      expect((await call('--patient', 'a b')).err).toContain('--patient must be');
      expect((await call('--frobnicate')).code).toBe(2);
    });
  });

  describe('on the embedded store', () => {
    const dataDir = join(dir, 'embedded');
    beforeAll(async () => {
      process.env = { ...env, DATA_DIR: dataDir, CARETRAIL_API_URL: NO_SERVER };
      delete process.env['DATABASE_URL'];
      const sql = await PgliteDatabase.open({ dataDir });
      const store = await openEventStoreOn(sql);
      await new AccessLog(sql).append(accessRecord('p-9', 'dr-z'));
      await store.close();
    });

    it('never opens a data directory another process holds', async () => {
      const holder = await PgliteDatabase.open({ dataDir });
      try {
        const { code, err } = await call('--out', join(dir, 'never.csv'));
        expect(code).toBe(1);
        expect(err).toContain('No server answers');
        expect(err).toContain(String(process.pid));
      } finally {
        await holder.close();
      }
    });

    it('opens it when nobody holds it', async () => {
      const file = join(dir, 'embedded.csv');
      expect((await call('--out', file)).code).toBe(0);
      expect(readFileSync(file, 'utf8')).toContain('dr-z');
    });
  });
});
