import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { testDatabaseUrl, uniqueSchema, withAdminClient } from '@caretrail/event-store/testing';
import { ROOT } from './deployment-files';

/*
 * The projector's settings (docs/deployment.md, "Environment"): a value it cannot use stops it at
 * start, naming the variable and what it takes, before it opens the store (no schema is created).
 */
const MAIN = join(ROOT, 'dist/apps/projector/apps/projector/src/main.js');

describe('projector settings', () => {
  it.each([
    [
      'PROJECTION_REBUILD_PAUSE_MS',
      'soon',
      'PROJECTION_REBUILD_PAUSE_MS must be a whole number of milliseconds from 0 to 60000, got "soon"',
    ],
    [
      'PROJECTION_REBUILD_PAUSE_MS',
      '-5',
      'PROJECTION_REBUILD_PAUSE_MS must be a whole number of milliseconds from 0 to 60000, got "-5"',
    ],
    ['PROJECTION_BATCH_SIZE', '0', 'PROJECTION_BATCH_SIZE must be a whole number of events from 1 to 100000, got "0"'],
  ])('refuses %s=%s, naming the rule', async (name, value, message) => {
    const schema = uniqueSchema('settings');
    const started = spawnSync(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        DATABASE_URL: testDatabaseUrl(),
        DATABASE_SCHEMA: schema,
        [name]: value,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(started.status).toBe(1);
    expect(started.stderr).toContain(message);
    const { rows } = await withAdminClient((client) =>
      client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]),
    );
    expect(rows).toEqual([]);
  });
});
