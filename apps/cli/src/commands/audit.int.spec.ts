import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema, withAdminClient } from '@caretrail/event-store/testing';
import { audit } from './audit';

describe('npm run cli -- audit verify|anchor', () => {
  const schema = uniqueSchema('cli_audit');
  const dir = mkdtempSync(join(tmpdir(), 'caretrail-cli-audit-'));
  const env = process.env;
  let position: number;

  beforeAll(async () => {
    process.env = { ...env, DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema, DATA_DIR: dir };
    const store = await openEventStore({ databaseUrl: testDatabaseUrl(), schema });
    const { positions } = await store.append(
      'careplan-cli',
      [
        { type: 'Tested', data: { n: 1 } },
        { type: 'Tested', data: { n: 2 } },
      ],
      {
        expectedVersion: 'no-stream',
      },
    );
    position = positions[0]!;
    await store.close();
  });
  afterAll(async () => {
    process.env = env;
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await audit(
      argv,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('verifies an untouched log, with an anchor it saved', async () => {
    const anchorFile = join(dir, 'anchor.json');
    expect((await call('anchor', '--up-to', String(position + 1), '--out', anchorFile)).code).toBe(0);
    const { code, out } = await call('verify', '--anchor', anchorFile);
    expect(code).toBe(0);
    expect(out).toContain('ok: 2 events, every chain intact');
    expect(out).toContain(`matches the anchor`);
  });

  it('exits 1 naming the first broken link after an edit in the database', async () => {
    await withAdminClient(async (client) => {
      await client.query(`ALTER TABLE "${schema}".events DISABLE TRIGGER USER`);
      await client.query(`UPDATE "${schema}".events SET data = '{"n": 9}' WHERE position = $1`, [position]);
    });
    const { code, err } = await call('verify');
    expect(code).toBe(1);
    expect(err).toBe(`BROKEN: content-changed in careplan-cli at version 1, position ${position}`);
  });

  it('refuses bad arguments', async () => {
    expect((await call('verify', '--anchor', join(dir, 'missing.json'))).code).toBe(2);
    expect((await call('anchor', '--up-to', '-3')).code).toBe(2);
    expect((await call('frobnicate')).err).toContain('Unknown audit command');
  });
});
