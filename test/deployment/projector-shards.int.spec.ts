import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openReadModelRow } from '@caretrail/care-log';
import {
  openEventStoreOn,
  PostgresDatabase,
  shardCheckpointName,
  SqlPatientKeyStore,
  type EventStore,
  type SqlDatabase,
} from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { appendArgs, patientHistory } from '@caretrail/integration/testing';
import { checkpointName, ProjectionHost, type ProjectionStatus } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import { ROOT } from './deployment-files';

/*
 * Three projector processes share every read model's shards on one
 * PostgreSQL (docs/architecture.md, "Shards and leases"). One is killed
 * with SIGKILL in the middle of a rebuild: the other two take its shards
 * once its leases expire, finish the rebuild from the shards' checkpoints,
 * and the result equals a rebuild by a single process, row for row.
 */

const PATIENTS = 150;
const LEASE_MS = 3000;
/** The bound docs/deployment.md gives operators for a dead projector's shards to move. */
const TAKEOVER_BOUND_MS = 10_000;

interface Projector {
  child: ChildProcess;
  member: string;
  output(): string;
}

async function startProjector(env: Record<string, string>): Promise<Projector> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/projector/apps/projector/src/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the projector exited with ${child.exitCode}:\n${output}`);
    for (const line of output.split('\n')) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as { msg?: string; member?: string };
      if (parsed.msg === 'projector started' && parsed.member) {
        return { child, member: parsed.member, output: () => output };
      }
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`the projector did not start within 60 s:\n${output}`);
}

async function stopProjector(projector: Projector, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (projector.child.exitCode !== null || projector.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => projector.child.once('exit', () => resolve()));
  projector.child.kill(signal);
  await exited;
}

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}${await lastSeen()}`);
    await sleep(100);
  }
}

let lastSeen = async (): Promise<string> => '';

type Row = { key: string; patient_id: string; doc: unknown; position: string };

describe('projectors sharing read-model shards', () => {
  const schema = uniqueSchema('shards');
  const env = {
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_SCHEMA: schema,
    PROJECTION_SHARDS: '16',
    SHARD_LEASE_MS: String(LEASE_MS),
    PROJECTION_BATCH_SIZE: '25',
    // A rebuild of this small log takes about nine steps (a batch of each shard held): without a rest
    // after each, it is over within a second, before the test can hold it half done.
    PROJECTION_REBUILD_PAUSE_MS: '400',
    PROJECTION_POISON_POLICY: 'stop',
  };
  let database: SqlDatabase;
  let store: EventStore;
  let observer: ProjectionHost;
  const projectors: Projector[] = [];

  /** Every row of a read model's serving generation, personal fields opened (sealing is randomised). */
  async function rowsOf(name: string): Promise<Row[]> {
    const { table } = await observer.activeTable(name);
    const keys = new SqlPatientKeyStore(database);
    const { rows } = await database.query<Row>(
      `SELECT key, patient_id, doc, position::text AS position FROM ${table} ORDER BY key`,
    );
    return Promise.all(
      rows.map(async (row) => ({
        ...row,
        doc: openReadModelRow(row.doc, await keys.get(row.patient_id), { readModel: name, patientId: row.patient_id }),
      })),
    );
  }

  const everyModel = async (check: (status: ProjectionStatus) => boolean): Promise<ProjectionStatus[] | false> => {
    const statuses = await observer.status();
    return statuses.length === readModels.length && statuses.every(check) && statuses;
  };

  beforeAll(async () => {
    database = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema });
    store = await openEventStoreOn(database);
    for (let i = 0; i < PATIENTS; i++) {
      for (const event of patientHistory(`p-${String(i).padStart(4, '0')}`)) await store.append(...appendArgs(event));
    }
    observer = new ProjectionHost(store, database, readModels, { shards: 16 });
    lastSeen = async () =>
      `; last seen: ${JSON.stringify(
        (await observer.status()).map((m) => ({
          name: m.name,
          state: m.state,
          generation: m.generation,
          lagEvents: m.lagEvents,
          lastError: m.lastError,
          shards: m.shards.map(
            (s) => `${s.shard}:${s.owner?.split('/')[1] ?? '-'}:${s.state}:${s.checkpoint.position}`,
          ),
          rebuild: m.rebuild && {
            progress: m.rebuild.progress,
            shards: m.rebuild.shards.map(
              (s) => `${s.shard}:${s.owner?.split('/')[1] ?? '-'}:${s.state}:${s.checkpoint.position}`,
            ),
          },
        })),
      )}\n${projectors.map((p) => p.output().slice(-2000)).join('\n---\n')}`;
    // 5,400 appends one after another: over two minutes on a machine busy with other work.
  }, 300_000);

  afterAll(async () => {
    for (const projector of projectors) await stopProjector(projector, 'SIGKILL');
    await store.close();
    await dropSchema(schema);
  });

  it('share the shards, take a killed one’s shards during a rebuild, and build what one process builds', async () => {
    for (let i = 0; i < 3; i++) projectors.push(await startProjector(env));
    const members = projectors.map((p) => p.member);

    // Fair share: each of the three holds five or six of every read model's sixteen shards.
    await until(
      () =>
        everyModel((m) => {
          const owners = m.shards.map((s) => s.owner);
          return members.every((member) => {
            const held = owners.filter((o) => o === member).length;
            return held >= 5 && held <= 6;
          });
        }),
      'the three projectors share every read model’s shards',
    );
    await until(() => everyModel((m) => m.state === 'running' && m.lagEvents === 0), 'generation 1 caught up');

    // A rebuild of every read model, built by all three. One model at a time: a rebuild of this
    // log takes seconds, so each is held (paused: the runners finish the batch in hand) as soon as
    // the victim has built part of it, before it can finish and switch over.
    const victim = projectors[0]!;
    const survivors = projectors.slice(1).map((p) => p.member);
    /** A shard's by-patient pass has applied some patients (docs/read-models.md, "How a rebuild proceeds"). */
    const folding = async (m: ProjectionStatus, shard: number): Promise<boolean> => {
      const { rows } = await database.query(
        `SELECT 1 FROM "${schema}".patient_cursors WHERE name = $1 AND after_patient IS NOT NULL`,
        [shardCheckpointName(checkpointName(m.name, m.rebuild!.generation), shard)],
      );
      return rows.length > 0;
    };
    for (const model of readModels) {
      await observer.rebuild(model.name);
      await until(async () => {
        const m = (await observer.status()).find((s) => s.name === model.name);
        if (!m?.rebuild) return false;
        const mine = m.rebuild.shards.filter((s) => s.owner === victim.member);
        let built = mine.some((s) => s.checkpoint.position > 0);
        for (const s of mine) built ||= await folding(m, s.shard);
        return built;
      }, `the victim has built part of the new generation of ${model.name}`);
      await observer.pause(model.name);
    }
    const building = await until(
      () => everyModel((m) => m.rebuild !== null && m.rebuild.progress < 1),
      'every rebuild is under way',
      30_000,
    );
    const victimShards = building.map((m) => m.rebuild!.shards.filter((s) => s.owner === victim.member).length);
    expect(victimShards.every((count) => count > 0)).toBe(true);

    await stopProjector(victim, 'SIGKILL');
    await until(
      () =>
        everyModel(
          (m) =>
            m.rebuild !== null &&
            [...m.shards, ...m.rebuild.shards].every((s) => s.owner !== null && survivors.includes(s.owner)),
        ),
      'the survivors hold every shard, the victim’s included',
      TAKEOVER_BOUND_MS,
    );

    for (const model of readModels) await observer.resume(model.name);
    const done = await until(
      () =>
        everyModel(
          (m) =>
            m.generation === 2 &&
            m.rebuild === null &&
            m.lagEvents === 0 &&
            m.shards.every((s) => s.lagEvents === 0 && s.owner !== null),
        ),
      'every new generation serves, caught up',
    );
    expect(done.map((m) => m.shardCount)).toEqual(readModels.map(() => 16));
    const sharded = new Map<string, Row[]>();
    for (const model of readModels) sharded.set(model.name, await rowsOf(model.name));
    for (const projector of projectors.slice(1)) await stopProjector(projector);

    // The same rebuild by one process alone.
    const single = new ProjectionHost(store, database, readModels, { shards: 16, reconcileMs: 200 });
    await single.start();
    try {
      for (const model of readModels) await single.rebuild(model.name);
      await until(
        () => everyModel((m) => m.generation === 3 && m.rebuild === null && m.lagEvents === 0),
        'the single-process rebuild serves',
      );
      for (const model of readModels) {
        const rows = await rowsOf(model.name);
        expect(rows.length).toBeGreaterThan(0);
        expect(rows).toEqual(sharded.get(model.name));
      }
    } finally {
      await single.stop();
    }
  }, 300_000);
});
