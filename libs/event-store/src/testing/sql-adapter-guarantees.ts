import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqlState, sqlStateOf, type SqlQueryable } from '../sql/sql-database';
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

  describe('work alongside an append, in its transaction', () => {
    it('sees the events, commits with them, and when it fails neither is written', async () => {
      const store = current();
      const s = `"${store.database.schema}"`;
      await store.database.query(`CREATE TABLE IF NOT EXISTS ${s}.alongside_probe (stream_id text, events bigint)`);
      const probe = async (tx: SqlQueryable, streamId: string): Promise<void> => {
        await tx.query(`INSERT INTO ${s}.alongside_probe SELECT $1, count(*) FROM ${s}.events WHERE stream_id = $1`, [
          streamId,
        ]);
      };
      const kept = newStreamId();
      await store.append(kept, events(1), { expectedVersion: 'no-stream', alongside: (tx) => probe(tx, kept) });
      const failed = newStreamId();
      await expect(
        store.append(failed, events(2), {
          expectedVersion: 'no-stream',
          alongside: async (tx) => {
            await probe(tx, failed);
            throw new Error('the access record could not be written');
          },
        }),
      ).rejects.toThrow('the access record could not be written');
      const { rows } = await store.database.query<{ stream_id: string; events: string | number }>(
        `SELECT stream_id, events FROM ${s}.alongside_probe WHERE stream_id IN ($1, $2)`,
        [kept, failed],
      );
      expect(rows.map((row) => [row.stream_id, Number(row.events)])).toEqual([[kept, 1]]);
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
