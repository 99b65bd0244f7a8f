import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteDatabase } from '../pglite/pglite-database';
import { PostgresDatabase } from '../postgres/postgres-database';
import { SqlEventStore } from '../sql/sql-event-store';
import { events } from '../testing/event-store-contract';
import { dropSchema, testDatabaseUrl, uniqueSchema, withAdminClient } from '../testing/postgres-test-database';
import { BrokenChain, ChainNotVerified, WrongExpectedVersion } from '../errors';
import { IntegritySweep } from './integrity-sweep';
import { StreamChainGuard } from './stream-chain-guard';
import { anchorLog, verifyEventChain } from './verify-chain';

/**
 * Someone with superuser access changes the store behind CareTrail's back:
 * triggers disabled, rows edited. Each kind of change must be caught.
 */
describe('tamper evidence on PostgreSQL', () => {
  let schema: string;
  let store: SqlEventStore;
  let stream: string;
  let positions: number[];

  beforeEach(async () => {
    schema = uniqueSchema('tamper');
    store = await SqlEventStore.open(new PostgresDatabase({ connectionString: testDatabaseUrl(), schema }));
    stream = `careplan-${randomUUID()}`;
    ({ positions } = await store.append(stream, events(4), { expectedVersion: 'no-stream' }));
    await store.append(`doses-${randomUUID()}`, events(2), { expectedVersion: 'no-stream' });
  });
  afterEach(async () => {
    await store.close();
    await dropSchema(schema);
  });

  /** Runs SQL as an operator who switched the append-only protection off. */
  const tamper = (sql: string, params: unknown[] = []) =>
    withAdminClient(async (client) => {
      await client.query(`ALTER TABLE "${schema}".events DISABLE TRIGGER USER`);
      await client.query(sql.replaceAll('$schema', `"${schema}"`), params);
      await client.query(`ALTER TABLE "${schema}".events ENABLE TRIGGER USER`);
    });

  it('verifies an untouched store clean', async () => {
    expect(await verifyEventChain(store.database, schema)).toEqual({ ok: true, eventsChecked: 6, firstBreak: null });
  });

  it('catches an edited payload at its position', async () => {
    await tamper(`UPDATE $schema.events SET data = '{"i": 99}' WHERE position = $1`, [positions[1]]);
    expect((await verifyEventChain(store.database, schema)).firstBreak).toEqual({
      reason: 'content-changed',
      streamId: stream,
      streamVersion: 2,
      position: positions[1],
    });
  });

  it('catches an edited metadata field', async () => {
    await tamper(
      `UPDATE $schema.events SET metadata = jsonb_set(metadata, '{correlationId}', '"forged"') WHERE position = $1`,
      [positions[2]],
    );
    expect((await verifyEventChain(store.database, schema)).firstBreak).toMatchObject({
      reason: 'content-changed',
      position: positions[2],
    });
  });

  it('catches a deleted event', async () => {
    await tamper(`DELETE FROM $schema.events WHERE position = $1`, [positions[1]]);
    expect((await verifyEventChain(store.database, schema)).firstBreak).toMatchObject({
      reason: 'version-gap',
      streamId: stream,
      position: positions[2],
    });
  });

  it('catches a stream’s last events deleted', async () => {
    await tamper(`DELETE FROM $schema.events WHERE position = $1`, [positions[3]]);
    expect((await verifyEventChain(store.database, schema)).firstBreak).toEqual({
      reason: 'stream-length',
      streamId: stream,
      streamVersion: null,
      position: null,
    });
  });

  it('catches two events swapped', async () => {
    await tamper(`UPDATE $schema.events SET stream_version = 1000 WHERE stream_id = $1 AND stream_version = 2`, [
      stream,
    ]);
    await tamper(`UPDATE $schema.events SET stream_version = 2 WHERE stream_id = $1 AND stream_version = 3`, [stream]);
    await tamper(`UPDATE $schema.events SET stream_version = 3 WHERE stream_id = $1 AND stream_version = 1000`, [
      stream,
    ]);
    const report = await verifyEventChain(store.database, schema);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ streamId: stream, position: positions[1] });
  });

  it('verifies a stream before a decision from the last event it verified, and refuses a broken one', async () => {
    const guard = new StreamChainGuard(store.database, schema);
    const queries = jest.spyOn(store.database, 'query');
    await guard.check([stream]);
    // Each stream with the version verified so far, all in one statement.
    expect(queries.mock.calls.at(-1)![1]).toEqual([[stream], [0]]);
    await store.append(stream, events(1), { expectedVersion: 4 });
    await guard.check([stream]);
    // Only the event appended since is hashed.
    expect(queries.mock.calls.at(-1)![1]).toEqual([[stream], [4]]);
    const other = `careplan-${randomUUID()}`;
    await store.append(other, events(2), { expectedVersion: 'no-stream' });
    const before = queries.mock.calls.length;
    await guard.check([other, stream]);
    expect(queries.mock.calls.length - before).toBe(1);
    expect(queries.mock.calls.at(-1)![1]).toEqual([
      [other, stream],
      [0, 5],
    ]);
    await store.append(stream, events(1), { expectedVersion: 5 });
    // An event not verified yet is edited: the next decision on the stream hashes it and refuses.
    await tamper(`UPDATE $schema.events SET data = '{"i": 99}' WHERE stream_id = $1 AND stream_version = 6`, [stream]);
    await expect(guard.check([stream])).rejects.toThrow(BrokenChain);
    await expect(guard.check([stream])).rejects.toMatchObject({
      chainBreak: { reason: 'content-changed', streamId: stream, streamVersion: 6 },
    });
    expect(guard.breaks).toHaveLength(1);
  });

  it('lets concurrent decisions on one stream verify it at once', async () => {
    const guard = new StreamChainGuard(store.database, schema);
    const other = `careplan-${randomUUID()}`;
    await store.append(other, events(3), { expectedVersion: 'no-stream' });
    await Promise.all([guard.check([other]), guard.check([other]), guard.check([stream, other])]);
    await store.append(other, events(1), { expectedVersion: 3 });
    await expect(Promise.all([guard.check([other]), guard.check([other])])).resolves.toBeDefined();
    expect(guard.breaks).toEqual([]);
  });

  it('refuses a stream whose last events were removed', async () => {
    await tamper(`DELETE FROM $schema.events WHERE position = $1`, [positions[3]]);
    await expect(new StreamChainGuard(store.database, schema).check([stream])).rejects.toMatchObject({
      chainBreak: { reason: 'stream-length', streamId: stream },
    });
  });

  describe('an append that verifies the chains itself (AppendOptions.verifiedHeads)', () => {
    it('verifies the events after the heads in its own statement and says how far', async () => {
      const guard = new StreamChainGuard(store.database, schema);
      await guard.check([stream]);
      await store.append(stream, events(1), { expectedVersion: 4 });
      const other = `careplan-${randomUUID()}`;
      const queries = jest.spyOn(store.database, 'query');
      const appended = await store.append(stream, events(1), {
        expectedVersion: 5,
        verifiedHeads: guard.headsFor([stream, other])!,
      });
      // One statement: the check of the event appended since the head and of the stream with no event, and the
      // write (the wake-up of readers, NOTIFY, follows on its own).
      expect(queries.mock.calls.filter(([text]) => !String(text).includes('pg_notify'))).toHaveLength(1);
      expect(queries.mock.calls[0]![1]).toEqual(
        expect.arrayContaining([
          [stream, other],
          [4, 0],
        ]),
      );
      // Verified up to the last event before this append: the next check hashes this append's event.
      expect(appended.verifiedHeads?.[stream]).toMatchObject({
        version: 5,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(appended.verifiedHeads?.[other]).toEqual({ version: 0, hash: null });
      guard.verified(appended.verifiedHeads!);
      expect(guard.headsFor([stream])).toEqual({ [stream]: appended.verifiedHeads![stream] });
      await guard.check([stream]);
      expect(queries.mock.calls.at(-1)![1]).toEqual([[stream], [5]]);
    });

    it('writes nothing when an event after a head was edited, and a check then names the break', async () => {
      const guard = new StreamChainGuard(store.database, schema);
      await guard.check([stream]);
      await store.append(stream, events(1), { expectedVersion: 4 });
      await tamper(`UPDATE $schema.events SET data = '{"i": 99}' WHERE stream_id = $1 AND stream_version = 5`, [
        stream,
      ]);
      await expect(
        store.append(stream, events(1), { expectedVersion: 5, verifiedHeads: guard.headsFor([stream])! }),
      ).rejects.toBeInstanceOf(ChainNotVerified);
      expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
      await expect(guard.check([stream])).rejects.toMatchObject({
        chainBreak: { reason: 'content-changed', streamId: stream, streamVersion: 5 },
      });
      expect(guard.headsFor([stream])).toBeUndefined();
    });

    it('writes nothing when a stream read beside the target lost its last event', async () => {
      const guard = new StreamChainGuard(store.database, schema);
      const doses = `doses-${randomUUID()}`;
      await guard.check([stream, doses]);
      const { positions: added } = await store.append(stream, events(1), { expectedVersion: 4 });
      await tamper(`DELETE FROM $schema.events WHERE position = $1`, [added[0]]);
      await expect(
        store.append(doses, events(1), {
          expectedVersion: 0,
          readVersions: { [stream]: 5 },
          verifiedHeads: guard.headsFor([stream, doses])!,
        }),
      ).rejects.toBeInstanceOf(ChainNotVerified);
      expect(await store.readStream(doses)).toEqual([]);
    });

    it('verifies in the transaction when the append takes several events or a key', async () => {
      const guard = new StreamChainGuard(store.database, schema);
      await guard.check([stream]);
      const appended = await store.append(stream, events(2), {
        expectedVersion: 4,
        idempotencyKey: randomUUID(),
        verifiedHeads: guard.headsFor([stream])!,
      });
      expect(appended.verifiedHeads?.[stream]?.version).toBe(4);
      await tamper(`UPDATE $schema.events SET data = '{"i": 99}' WHERE stream_id = $1 AND stream_version = 6`, [
        stream,
      ]);
      await expect(
        store.append(stream, events(2), { expectedVersion: 6, verifiedHeads: guard.headsFor([stream])! }),
      ).rejects.toBeInstanceOf(ChainNotVerified);
      expect(await store.readStream(stream)).toHaveLength(6);
    });

    it('still reports a lost race as a version conflict', async () => {
      const guard = new StreamChainGuard(store.database, schema);
      await guard.check([stream]);
      await expect(
        store.append(stream, events(1), { expectedVersion: 3, verifiedHeads: guard.headsFor([stream])! }),
      ).rejects.toBeInstanceOf(WrongExpectedVersion);
    });
  });

  it('sweeps the log in the background a batch at a time and reports a break in its status', async () => {
    const guard = new StreamChainGuard(store.database, schema);
    const sweep = new IntegritySweep(store.database, schema, guard, { batchSize: 2 });
    expect(sweep.status()).toMatchObject({ state: 'checking', passes: 0 });
    expect(await sweep.step()).toEqual([]);
    expect(sweep.status()).toMatchObject({ state: 'checking', checkpoint: positions[1] });
    expect(await sweep.completePass()).toEqual([]);
    expect(sweep.status()).toMatchObject({ state: 'ok', passes: 1, checkpoint: 0, eventsChecked: 6 });

    await tamper(`UPDATE $schema.events SET data = '{"i": 99}' WHERE position = $1`, [positions[2]]);
    const found = await sweep.completePass();
    const firstBreak = { reason: 'content-changed', streamId: stream, streamVersion: 3, position: positions[2] };
    expect(found).toEqual([firstBreak]);
    expect(sweep.status()).toMatchObject({ state: 'failing', firstBreak, passes: 2 });
    expect(sweep.status().reason).toContain(stream);
    await expect(guard.check([stream])).rejects.toThrow(BrokenChain);
    // Found again in the next pass, but reported once.
    expect(await sweep.completePass()).toEqual([]);
  });

  it('reports a sweep that cannot run as degraded', async () => {
    const sweep = new IntegritySweep(store.database, `${schema}_missing`, new StreamChainGuard(store.database, schema));
    expect(await sweep.step()).toEqual([]);
    expect(sweep.status()).toMatchObject({ state: 'degraded', lastError: expect.any(String) });
  });

  it('catches a rewrite that recomputes every hash, against an anchor kept outside', async () => {
    const anchor = await anchorLog(store.database, schema, positions[3]);
    await tamper(`UPDATE $schema.events SET data = '{"i": 42}' WHERE position = $1`, [positions[0]]);
    // The forger also rewrites the chain so that it verifies again.
    await withAdminClient(async (client) => {
      await client.query(`ALTER TABLE "${schema}".events DISABLE TRIGGER USER`);
      const { rows } = await client.query(
        `SELECT position FROM "${schema}".events WHERE stream_id = $1 ORDER BY stream_version`,
        [stream],
      );
      for (const { position } of rows) {
        await client.query(
          `UPDATE "${schema}".events e SET
             previous_hash = (SELECT p.hash FROM "${schema}".events p WHERE p.stream_id = e.stream_id AND p.stream_version = e.stream_version - 1),
             hash = "${schema}".event_hash((SELECT p.hash FROM "${schema}".events p WHERE p.stream_id = e.stream_id AND p.stream_version = e.stream_version - 1),
               position, transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, occurred_at)
           WHERE position = $1`,
          [position],
        );
      }
      await client.query(`ALTER TABLE "${schema}".events ENABLE TRIGGER USER`);
    });
    expect((await verifyEventChain(store.database, schema)).ok).toBe(true);
    expect((await anchorLog(store.database, schema, positions[3])).digest).not.toBe(anchor.digest);
  });
});

describe('tamper evidence on PGlite', () => {
  it('verifies clean, then catches an edit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caretrail-tamper-'));
    const store = await SqlEventStore.open(await PgliteDatabase.open({ dataDir: dir }));
    try {
      const { positions } = await store.append('careplan-p', events(3), { expectedVersion: 'no-stream' });
      expect((await verifyEventChain(store.database, 'caretrail')).ok).toBe(true);
      await store.database.exec('ALTER TABLE caretrail.events DISABLE TRIGGER USER');
      await store.database.query(`UPDATE caretrail.events SET data = '{"i": 7}' WHERE position = $1`, [positions[0]]);
      expect((await verifyEventChain(store.database, 'caretrail')).firstBreak).toMatchObject({
        reason: 'content-changed',
        position: positions[0],
      });
      // An append carrying the heads verified before the edit refuses to write.
      await expect(
        store.append('careplan-p', events(1), {
          expectedVersion: 3,
          verifiedHeads: { 'careplan-p': { version: 0, hash: null } },
        }),
      ).rejects.toBeInstanceOf(ChainNotVerified);
      await store.database.query(`UPDATE caretrail.events SET data = '{"i": 0}' WHERE position = $1`, [positions[0]]);
      await store.database.exec('ALTER TABLE caretrail.events ENABLE TRIGGER USER');
      const appended = await store.append('careplan-p', events(1), {
        expectedVersion: 3,
        verifiedHeads: { 'careplan-p': { version: 0, hash: null } },
      });
      expect(appended.verifiedHeads?.['careplan-p']?.version).toBe(3);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
