import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WrongExpectedVersion } from '../errors';
import { verifyEventChain } from '../integrity/verify-chain';
import { SqlState, sqlStateOf } from '../sql/sql-database';
import type { SqlEventStore } from '../sql/sql-event-store';
import { events, expectReadersToSeeEveryConcurrentAppend, newStreamId } from './event-store-contract';

/**
 * What the SQL adapter promises beyond the port (docs/architecture.md,
 * "Guarantees held by the database"): the log is append-only even to SQL
 * issued around the store, and the global order stays gap-safe while
 * writers hold transactions open. Pass it to eventStoreContract.
 */
export function sqlAdapterGuarantees(current: () => SqlEventStore): void {
  describe('append-only, enforced by the database', () => {
    const schema = (): string => `"${current().database.schema}"`;

    it.each([
      ['UPDATE', (s: string) => `UPDATE ${s}.events SET data = '{"tampered":true}'`],
      ['DELETE', (s: string) => `DELETE FROM ${s}.events`],
      ['TRUNCATE', (s: string) => `TRUNCATE ${s}.events`],
    ])('rejects %s issued directly in SQL', async (_, statement) => {
      const store = current();
      const id = newStreamId();
      await store.append(id, events(1), { expectedVersion: 'no-stream' });
      const error = await store.database.query(statement(schema())).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(sqlStateOf(error)).toBe(SqlState.appendOnly);
      expect((await store.readStream(id)).map((e) => e.data)).toEqual([{ i: 0 }]);
    });

    it('refuses a second event with the same stream version even without the append function', async () => {
      const store = current();
      const id = newStreamId();
      await store.append(id, events(1), { expectedVersion: 'no-stream' });
      const error = await store.database
        .query(
          `INSERT INTO ${schema()}.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
           VALUES ($1, 1, $2, 'Forged', 1, '{}', '{}')`,
          [id, randomUUID()],
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(sqlStateOf(error)).toBe(SqlState.uniqueViolation);
    });
  });

  describe('tamper evidence of batch appends', () => {
    it("chains every batched event to its stream's predecessor, across batches and single appends", async () => {
      const store = current();
      const [a, b] = [newStreamId(), newStreamId()];
      await store.append(a, events(2), { expectedVersion: 'no-stream' });
      await store.appendBatch([
        { streamId: a, events: events(3), expectedVersion: 2 },
        { streamId: b, events: events(2), expectedVersion: 0 },
      ]);
      await store.appendBatch([{ streamId: b, events: events(1), expectedVersion: 2 }]);
      await store.append(a, events(1), { expectedVersion: 5 });

      const { rows } = await store.database.query<{ stream_id: string; linked: boolean }>(
        `SELECT stream_id, previous_hash IS NOT DISTINCT FROM lag(hash) OVER (PARTITION BY stream_id ORDER BY stream_version) AS linked
         FROM "${store.database.schema}".events WHERE stream_id = ANY($1) ORDER BY stream_id, stream_version`,
        [[a, b]],
      );
      expect(rows).toHaveLength(9);
      expect(rows.every((r) => r.linked)).toBe(true);
      expect(await verifyEventChain(store.database, store.database.schema)).toMatchObject({ ok: true });
    });

    it('refuses a batch whose version an event forged around the store already holds, and writes none of it', async () => {
      const store = current();
      const [a, b] = [newStreamId(), newStreamId()];
      await store.append(a, events(1), { expectedVersion: 'no-stream' });
      // Version 2 of `a` inserted behind the store's back: the streams table still says 1.
      await store.database.query(
        `INSERT INTO "${store.database.schema}".events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
         VALUES ($1, 2, $2, 'Forged', 1, '{}', '{}')`,
        [a, randomUUID()],
      );
      const refused = store.appendBatch([
        { streamId: b, events: events(1), expectedVersion: 0 },
        { streamId: a, events: events(1), expectedVersion: 1 },
      ]);
      await expect(refused).rejects.toBeInstanceOf(WrongExpectedVersion);
      await expect(refused).rejects.toMatchObject({ streamId: a, expected: 1 });
      expect(await store.streamVersion(a)).toBe(1);
      expect(await store.streamVersion(b)).toBe(0);
    });
  });

  describe('a statement alongside an append, in its transaction', () => {
    it.each([
      ['one event (one statement)', 1],
      ['several events (a transaction)', 3],
    ])('%s: commits with the events, and when it fails neither is written', async (_, count) => {
      const store = current();
      const s = `"${store.database.schema}"`;
      await store.database.exec(`
        CREATE TABLE IF NOT EXISTS ${s}.alongside_probe (stream_id text);
        CREATE OR REPLACE FUNCTION ${s}.alongside_probe(p_stream text, p_fail boolean) RETURNS SETOF bigint
        LANGUAGE plpgsql AS $fn$
        BEGIN
          INSERT INTO ${s}.alongside_probe VALUES (p_stream);
          IF p_fail THEN RAISE EXCEPTION 'the access record could not be written'; END IF;
          RETURN NEXT 1;
        END $fn$;`);
      const probe = (streamId: string, fail: boolean) => ({
        call: `${s}.alongside_probe($1, $2)`,
        params: [streamId, fail],
      });
      const kept = newStreamId();
      await store.append(kept, events(count), { expectedVersion: 'no-stream', alongside: probe(kept, false) });
      const failed = newStreamId();
      await expect(
        store.append(failed, events(count), { expectedVersion: 'no-stream', alongside: probe(failed, true) }),
      ).rejects.toThrow('the access record could not be written');
      // A refused append runs nothing alongside.
      await expect(
        store.append(kept, events(count), { expectedVersion: 0, alongside: probe(kept, false) }),
      ).rejects.toBeInstanceOf(WrongExpectedVersion);
      const { rows } = await store.database.query<{ stream_id: string }>(
        `SELECT stream_id FROM ${s}.alongside_probe WHERE stream_id IN ($1, $2)`,
        [kept, failed],
      );
      expect(rows.map((row) => row.stream_id)).toEqual([kept]);
      expect(await store.streamVersion(kept)).toBe(count);
      expect(await store.streamVersion(failed)).toBe(0);
    });
  });

  describe('the gap-safe global order', () => {
    it('hands every event to every reader exactly once, in order, while writers hold transactions open', async () => {
      const store = current();
      await expectReadersToSeeEveryConcurrentAppend(store, async (id, appended, expectedVersion) => {
        await store.database.transaction(async (tx) => {
          await store.appendWithin(tx, id, appended, { expectedVersion });
          // The first append of one writer holds its position open while the others commit later positions.
          await sleep(expectedVersion === 0 && appended[0]!.type === 'W0' ? 600 : Math.random() * 40);
        });
        store.signalNewEvents();
      });
    });
  });
}
