import { randomUUID } from 'node:crypto';
import fs, { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { testUser, type TestUser } from '../testing/care-setup';
import { startTestApi, type TestApi } from '../testing/test-api';

/** The bytes of a file, or a failure that says why this test needs to read it. */
function bytesOf(file: string, what: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A WAL segment may be recycled between listing and reading: it then holds nothing of this test.
    if (code === 'ENOENT' && what === 'WAL segment') return undefined;
    throw new Error(
      `cannot read the ${what} ${file} (${code}): this test greps the database's own files, so it needs the ` +
        'server on this machine and the right to read its data directory (root or the server’s user)',
    );
  }
}

/** A relation's files: the main fork's 1 GB segments (`path`, `path.1`, ...). */
function relationFiles(dataDirectory: string, path: string): string[] {
  const files = [join(dataDirectory, path)];
  for (let n = 1; existsSync(`${files[0]}.${n}`); n++) files.push(`${files[0]}.${n}`);
  return files;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Collects what the process writes to stdout and stderr (pino writes with fs.writeSync on fd 1,
 * Nest and console through the streams) instead of printing it.
 */
function captureLogs(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const writeSync = fs.writeSync.bind(fs) as (fd: number, ...rest: unknown[]) => number;
  const spies = [
    jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
      if (fd !== 1 && fd !== 2) return writeSync(fd, data, ...rest);
      lines.push(String(data));
      return Buffer.byteLength(String(data));
    }) as typeof fs.writeSync),
    ...[process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((data: unknown) => (lines.push(String(data)), true)),
    ),
  ];
  return { lines, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

/**
 * Erasure leaves no plaintext on disk (docs/erasure.md, "What erasure
 * guarantees"): read-model rows keep names and free text sealed under the
 * patient's key, so once the key is destroyed neither the tables' files
 * (dead row versions included) nor the WAL hold them, with no VACUUM. The
 * test reads the raw bytes the database wrote, after a CHECKPOINT.
 */
describe.each([
  ['PostgreSQL', 'postgres'],
  ['the embedded store (PGlite)', 'pglite'],
] as const)('erasure leaves no plaintext on disk: %s', (_label, backend) => {
  const marker = `Qv${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let api: TestApi;
  let closed = false;
  let walStart = '';
  let patientId = '';
  let therapist: TestUser;
  let patient: TestUser;
  let position = 0;
  let logs: ReturnType<typeof captureLogs>;

  const post = async (path: string, user: TestUser, body: object, status = 201): Promise<Record<string, unknown>> => {
    const response = await api.http.post(path).set('Authorization', user.auth).send(body);
    expect({ path, status: response.status, body: response.body }).toMatchObject({ status });
    position = Math.max(position, Number(response.body.position ?? 0));
    return response.body as Record<string, unknown>;
  };
  const view = async (name: string): Promise<string> =>
    JSON.stringify(
      (
        await api.http
          .get(`/patients/${patientId}/${name}?minPosition=${position}`)
          .set('Authorization', therapist.auth)
          .expect(200)
      ).body,
    );

  beforeAll(async () => {
    logs = captureLogs();
    // Every request logged, so the test below sees what an operator's log would hold.
    api = await startTestApi(backend, { LOG_LEVEL: 'trace' });
    if (backend === 'postgres') {
      const { rows } = await api.sql.query<{ file: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS file');
      walStart = rows[0]!.file;
    }
    therapist = await testUser(api, 'therapist');
    const enrolled = await post('/patients', therapist, { name: { given: 'Ada', family: marker } });
    patientId = String(enrolled['id']);
    patient = await testUser(api, 'patient', patientId);
    await post(`/patients/${patientId}/care-plan`, therapist, { track: 'integrated' });
    await post(`/patients/${patientId}/goals`, therapist, { description: `${marker} walks to work` });
    await post(`/patients/${patientId}/side-effects`, patient, {
      symptom: `${marker} feels dizzy after the morning dose`,
      severity: 'moderate',
    });
  });

  afterAll(async () => {
    logs.restore();
    if (!closed) await api.close();
    else rmSync(api.dataDir, { recursive: true, force: true });
  });

  it('keeps personal fields sealed in every read-model row, and opens them for the care team', async () => {
    expect(await view('collaboration')).toContain(`${marker} feels dizzy`);
    expect(await view('plan')).toContain(`${marker} walks to work`);
    const { rows: tables } = await api.sql.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = $1 AND table_name LIKE 'rm\\_%' ORDER BY 1`,
      [api.sql.schema],
    );
    expect(tables.length).toBeGreaterThanOrEqual(4);
    let stored = '';
    for (const { name } of tables) {
      const { rows } = await api.sql.query<{ doc: string }>(
        `SELECT doc::text AS doc FROM "${api.sql.schema}"."${name}" WHERE patient_id = $1`,
        [patientId],
      );
      stored += rows.map((r) => r.doc).join('\n');
    }
    expect(stored).toContain('"$enc": "v1:s:');
    expect(stored).not.toContain(marker);
  });

  it('after erasure and a checkpoint, no read-model file and no WAL written since holds the marker', async () => {
    const admin = await testUser(api, 'admin');
    await post(`/patients/${patientId}/erasure`, admin, { reason: 'GDPR Art. 17 request 2026-099' }, 202);
    const collaboration = await view('collaboration');
    expect(collaboration).not.toContain(marker);
    expect(collaboration).toContain('[erased]');
    expect(await view('plan')).not.toContain(marker);
    await api.sql.query('CHECKPOINT');

    const files: Array<{ file: string; what: string }> = [];
    if (backend === 'postgres') {
      const { rows: dir } = await api.sql.query<{ data_directory: string }>('SHOW data_directory');
      const dataDirectory = dir[0]!.data_directory;
      // Every read-model table of this schema, its indexes, its TOAST table and that table's index.
      const { rows: relations } = await api.sql.query<{ path: string }>(
        `WITH rm AS (
           SELECT c.oid, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = $1 AND c.relname LIKE 'rm\\_%')
         SELECT pg_relation_filepath(oid) AS path FROM rm
         UNION SELECT pg_relation_filepath(reltoastrelid) FROM rm WHERE reltoastrelid <> 0
         UNION SELECT pg_relation_filepath(i.indexrelid) FROM pg_index i JOIN rm ON i.indrelid = rm.reltoastrelid`,
        [api.sql.schema],
      );
      expect(relations.length).toBeGreaterThanOrEqual(8);
      for (const { path } of relations)
        files.push(...relationFiles(dataDirectory, path).map((file) => ({ file, what: 'read-model file' })));
      const { rows: wal } = await api.sql.query<{ name: string }>(
        `SELECT name FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' AND name >= $1 ORDER BY name`,
        [walStart],
      );
      expect(wal.length).toBeGreaterThan(0);
      files.push(...wal.map(({ name }) => ({ file: join(dataDirectory, 'pg_wal', name), what: 'WAL segment' })));
    } else {
      // Closing shuts the cluster down cleanly: everything it holds is then in its files.
      await api.app.close();
      closed = true;
      files.push(...filesUnder(api.dataDir).map((file) => ({ file, what: 'embedded store file' })));
      expect(files.some(({ file }) => file.includes('pg_wal'))).toBe(true);
    }
    const holding = files.filter(({ file, what }) => bytesOf(file, what)?.includes(marker) ?? false);
    expect(holding.map(({ file }) => file)).toEqual([]);
  });

  it('writes no personal field to the log', () => {
    const lines = logs.lines.join('');
    expect(lines).toContain(`/patients/${patientId}/side-effects`);
    expect(lines).not.toContain(marker);
  });
});
