import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { streams } from '@caretrail/domain';
import { openEventStore, type SqlEventStore } from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { appendArgs, patientHistory } from '@caretrail/integration/testing';
import { ProjectionHost } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import { UsageError } from './cli-io';
import { parkedCommand, parseParkedArgs, ServerParked } from './projections-parked';
import { ServerControl } from './projections';

/** A loopback port nothing listens on: the command finds no server there and works on the store. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run cli -- projections parked (PostgreSQL, no server answering)', () => {
  const schema = uniqueSchema('cli_parked');
  const env = process.env;
  let store: SqlEventStore;
  let projector: ProjectionHost;
  let server: ServerParked;
  const eventId = randomUUID();

  beforeAll(async () => {
    process.env = { ...env, DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema };
    store = await openEventStore({ databaseUrl: testDatabaseUrl(), schema });
    const patientId = `cli-parked-${randomUUID()}`;
    for (const event of patientHistory(patientId)) await store.append(...appendArgs(event));
    // Items that are not a list: the registry cannot fold it, whatever its rows (written around the API).
    const occurredAt = new Date().toISOString();
    await store.append(
      streams.outcomes(patientId, occurredAt),
      [{ eventId, type: 'OutcomeMeasured', data: { patientId, instrument: 'PHQ-9', items: 5, total: 5, occurredAt } }],
      { expectedVersion: 'any' },
    );
    // The projector: it parks the event, and carries out the retries the command asks for.
    projector = new ProjectionHost(store, store.database, readModels, { poisonPolicy: 'park', reconcileMs: 200 });
    await projector.start();
    const deadline = Date.now() + 30_000;
    while (!(await projector.parkedEvents('registry', { limit: 10 })).some((p) => p.eventId === eventId)) {
      if (Date.now() > deadline) throw new Error('the event was not parked');
      await sleep(50);
    }
    server = new ServerParked(new ServerControl(`http://127.0.0.1:${await deadPort()}`, async () => 'unused'));
  });
  afterAll(async () => {
    await projector.stop();
    await store.close();
    process.env = env;
    await dropSchema(schema);
  });

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await parkedCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { server });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('lists the parked events of a read model, as a table or JSON', async () => {
    const table = await run('registry');
    expect(table.code).toBe(0);
    expect(table.out).toContain('Parked events of registry on PostgreSQL directly:');
    expect(table.out).toMatch(new RegExp(`${eventId}\\s+OutcomeMeasured\\s+cli-parked-\\S+\\s+parked`));
    const json = await run('registry', '--json');
    expect(JSON.parse(json.out)).toContainEqual(expect.objectContaining({ eventId, state: 'parked' }));
    expect((await run('adherence')).out).toBe('adherence has no parked events (PostgreSQL directly).');
  });

  it('retries through the process holding the shard: an event that fails again exits 1 with the error', async () => {
    const { code, out } = await run('registry', 'retry', eventId);
    expect(out).toMatch(new RegExp(`^${eventId} failed again: .*iterable`));
    expect(code).toBe(1);
    const { rows } = await store.database.query<{ requested_by: string; outcome: string }>(
      `SELECT requested_by, outcome FROM "${schema}".parked_event_retries WHERE event_id = $1`,
      [eventId],
    );
    expect(rows).toEqual([{ requested_by: expect.stringMatching(/^cli-/), outcome: 'still-failing' }]);
  });

  it('skips with a reason, once', async () => {
    const skipped = await run('registry', 'skip', eventId, '--reason', 'Malformed import; re-entered by hand.');
    expect(skipped.code).toBe(0);
    expect(skipped.out).toMatch(new RegExp(`^${eventId} skipped by cli-\\S+ at \\S+: it stays unapplied\\.$`));
    expect((await run('registry')).out).toMatch(/skipped by cli-\S+\s+-\s+\(Malformed import; re-entered by hand\.\)/);
    const again = await run('registry', 'skip', eventId, '--reason', 'again');
    expect(again.code).toBe(1);
    expect(again.err).toContain(`Event ${eventId} was skipped by cli-`);
    expect((await run('registry', 'retry', randomUUID())).err).toMatch(
      /No event .* is parked by the read model registry/,
    );
  });

  it('records each command in the access log, naming the event’s patient', async () => {
    const { rows } = await store.database.query<{ route: string; action: string; patient_id: string | null }>(
      `SELECT route, action, patient_id FROM "${schema}".access_log WHERE method = 'CLI' ORDER BY id`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { route: 'projections parked list', action: 'query', patient_id: null },
        { route: 'projections parked retry', action: 'control', patient_id: expect.stringMatching(/^cli-parked-/) },
        { route: 'projections parked skip', action: 'control', patient_id: expect.stringMatching(/^cli-parked-/) },
      ]),
    );
  });

  it.each([
    [[], 'projections parked needs the name of a read model'],
    [['nope'], 'There is no read model named "nope"'],
    [['registry', 'frob'], 'Unknown parked command "frob"'],
    [['registry', 'retry'], 'needs an event id or all'],
    [['registry', 'retry', 'x1'], '"x1" is not an event id'],
    [['registry', 'skip', randomUUID()], 'skip needs --reason, 1 to 500 characters'],
    [['registry', 'skip', randomUUID(), '--reason', 'x'.repeat(501)], 'skip needs --reason'],
    [['registry', 'skip', 'all', '--reason', 'x'], 'skip takes one event id'],
    [['registry', 'retry', 'all', '--reason', 'x'], '--reason applies to skip only'],
    [['registry', 'retry', 'all', '--json'], '--json applies to the list only'],
  ])('refuses %j with exit 2 and the usage', async (argv, message) => {
    expect(() => parseParkedArgs(argv)).toThrow(UsageError);
    expect(() => parseParkedArgs(argv)).toThrow(message);
    const { code, err } = await run(...argv);
    expect(code).toBe(2);
    expect(err).toContain('npm run cli -- projections parked <name> skip <eventId> --reason <why>');
  });
});
