import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkpointOf,
  MAX_EVENTS_PER_APPEND,
  MAX_EVENTS_PER_BATCH,
  START,
  type Checkpoint,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '../event-store';
import { IdempotencyKeyReused, InvalidAppend, WrongExpectedVersion } from '../errors';

/**
 * How a back end is set up for the contract suite. `open` may be called
 * again after `close` (a restart) and must reach the same stored events.
 */
export interface ContractFixture<S extends EventStore = EventStore> {
  open(): Promise<S>;
  /** Removes everything the fixture created. */
  destroy(): Promise<void>;
}

export const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({ type, data });

export const events = (count: number, type = 'Tested'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => event(type, { i }));

/** Follows the global order from a checkpoint until `count` events were seen or the deadline passes. */
export async function follow(
  store: EventStore,
  count: number,
  deadlineMs: number,
  from: Checkpoint = START,
): Promise<StoredEvent[]> {
  const seen: StoredEvent[] = [];
  let checkpoint = from;
  const deadline = Date.now() + deadlineMs;
  while (seen.length < count && Date.now() < deadline) {
    const batch = await store.readAll({ after: checkpoint, limit: 7 });
    if (batch.length === 0) {
      await store.waitForEvents({ timeoutMs: 20 });
      continue;
    }
    seen.push(...batch);
    checkpoint = checkpointOf(batch[batch.length - 1]!);
  }
  return seen;
}

export const newStreamId = (): string => `careplan-${randomUUID()}`;

/**
 * Eight writers append two events at a time to streams of their own, five
 * times each, through `append` (the n-th append of a stream expects version
 * 2n), while three readers follow the global order: every reader must see
 * exactly the appended events, each once, in order, its checkpoint only
 * moving forward.
 */
export async function expectReadersToSeeEveryConcurrentAppend(
  store: EventStore,
  append: (streamId: string, events: NewEvent[], expectedVersion: number) => Promise<unknown>,
): Promise<void> {
  const from = await headCheckpoint(store);
  const writers = 8;
  const appendsPerWriter = 5;
  const total = writers * appendsPerWriter * 2;
  const readers = Array.from({ length: 3 }, () => follow(store, total, 60_000, from));

  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const id = newStreamId();
      for (let n = 0; n < appendsPerWriter; n++) await append(id, events(2, `W${writer}`), n * 2);
    }),
  );

  const appended = (await store.readAll({ after: from, limit: 10_000 })).map((e) => e.eventId);
  expect(appended).toHaveLength(total);
  for (const seen of await Promise.all(readers)) {
    expect(seen.map((e) => e.eventId)).toEqual(appended);
    seen.slice(1).forEach((e, i) => expect(isAfter(checkpointOf(e), checkpointOf(seen[i]!))).toBe(true));
  }
}

function isAfter(a: Checkpoint, b: Checkpoint): boolean {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  return ta > tb || (ta === tb && a.position > b.position);
}

/**
 * The one suite every event store back end passes unchanged: the port's
 * guarantees, through the port only. `adapterGuarantees` adds what one
 * adapter promises beyond them (./sql-adapter-guarantees.ts for SQL), run
 * on the same store.
 */
export function eventStoreContract<S extends EventStore>(
  backend: string,
  makeFixture: () => Promise<ContractFixture<S>>,
  adapterGuarantees?: (store: () => S) => void,
): void {
  describe(`event store contract: ${backend}`, () => {
    let fixture: ContractFixture<S>;
    let store: S;
    const stream = newStreamId;

    beforeAll(async () => {
      fixture = await makeFixture();
      store = await fixture.open();
    });

    afterAll(async () => {
      await store?.close();
      await fixture?.destroy();
    });

    describe('appending and reading a stream', () => {
      it('numbers events from version 1 and returns them with their metadata', async () => {
        const id = stream();
        const result = await store.append(
          id,
          [
            {
              type: 'PatientEnrolled',
              data: { patientId: 'p1' },
              metadata: {
                actor: { userId: 'u1', role: 'therapist' },
                correlationId: 'c1',
                causationId: 'k1',
                occurredAt: '2026-03-01T08:00:00.000Z',
              },
            },
            { type: 'CarePlanStarted', schemaVersion: 2, data: { track: 'integrated' } },
          ],
          { expectedVersion: 'no-stream', idempotencyKey: 'enrol-p1-' + id },
        );
        expect(result.nextExpectedVersion).toBe(2);
        expect(result.positions).toHaveLength(2);
        expect(result.positions[1]).toBeGreaterThan(result.positions[0]!);

        const read = await store.readStream(id);
        expect(read.map((e) => [e.type, e.streamVersion, e.schemaVersion])).toEqual([
          ['PatientEnrolled', 1, 1],
          ['CarePlanStarted', 2, 2],
        ]);
        expect(read[0]).toMatchObject({
          eventId: result.eventIds[0],
          position: result.positions[0],
          transactionId: result.transactionId,
          occurredAt: '2026-03-01T08:00:00.000Z',
          data: { patientId: 'p1' },
          metadata: {
            actor: { userId: 'u1', role: 'therapist' },
            correlationId: 'c1',
            causationId: 'k1',
            idempotencyKey: 'enrol-p1-' + id,
          },
        });
        // ISO 8601 in UTC with milliseconds, exactly as Date#toISOString writes it.
        expect(read[0]!.recordedAt).toBe(new Date(read[0]!.recordedAt).toISOString());
        expect(await store.streamVersion(id)).toBe(2);
        expect(await store.streamVersion(stream())).toBe(0);
      });

      it('reads from a version, up to a global position and up to a recorded-at time', async () => {
        const id = stream();
        const first = await store.append(id, events(3), { expectedVersion: 'no-stream' });
        await sleep(15);
        const second = await store.append(id, events(2), { expectedVersion: 3 });

        expect((await store.readStream(id, { fromVersion: 4 })).map((e) => e.streamVersion)).toEqual([4, 5]);
        expect((await store.readStream(id, { toPosition: first.positions[2] })).map((e) => e.streamVersion)).toEqual([
          1, 2, 3,
        ]);
        const third = (await store.readStream(id, { fromVersion: 3, limit: 1 }))[0]!;
        const untilThird = await store.readStream(id, { recordedUntil: third.recordedAt });
        expect(untilThird.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
        expect(second.nextExpectedVersion).toBe(5);
      });

      it('honours every kind of expected version', async () => {
        const id = stream();
        await expect(store.append(id, events(1), { expectedVersion: 'stream-exists' })).rejects.toBeInstanceOf(
          WrongExpectedVersion,
        );
        await expect(store.append(id, events(1), { expectedVersion: 2 })).rejects.toMatchObject({
          actual: 0,
          expected: 2,
        });
        expect((await store.append(id, events(1), { expectedVersion: 0 })).nextExpectedVersion).toBe(1);
        await expect(store.append(id, events(1), { expectedVersion: 'no-stream' })).rejects.toMatchObject({
          actual: 1,
        });
        expect((await store.append(id, events(1), { expectedVersion: 'stream-exists' })).nextExpectedVersion).toBe(2);
        expect((await store.append(id, events(2), { expectedVersion: 'any' })).nextExpectedVersion).toBe(4);
        expect((await store.append(stream(), events(1), { expectedVersion: 'any' })).nextExpectedVersion).toBe(1);
        expect(await store.streamVersion(id)).toBe(4);
      });

      it('rejects an empty append, an oversized one and a negative expected version', async () => {
        await expect(store.append(stream(), [], { expectedVersion: 'any' })).rejects.toBeInstanceOf(InvalidAppend);
        await expect(
          store.append(stream(), events(MAX_EVENTS_PER_APPEND + 1), { expectedVersion: 'any' }),
        ).rejects.toBeInstanceOf(InvalidAppend);
        await expect(store.append(stream(), events(1), { expectedVersion: -1 })).rejects.toBeInstanceOf(InvalidAppend);
        await expect(store.append('', events(1), { expectedVersion: 'any' })).rejects.toBeInstanceOf(InvalidAppend);
      });
    });

    describe('optimistic concurrency', () => {
      it('lets exactly one of 50 concurrent writers with the same expected version win', async () => {
        const id = stream();
        await store.append(id, events(3), { expectedVersion: 'no-stream' });

        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, (_, writer) =>
            store.append(id, [event('DoseTaken', { writer })], { expectedVersion: 3 }),
          ),
        );

        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(49);
        for (const { reason } of lost) {
          expect(reason).toBeInstanceOf(WrongExpectedVersion);
          expect(reason).toMatchObject({ streamId: id, expected: 3, actual: 4 });
        }
        const read = await store.readStream(id);
        expect(read.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
      });

      it('keeps versions contiguous when concurrent writers append with "any"', async () => {
        const id = stream();
        await Promise.all(Array.from({ length: 20 }, () => store.append(id, events(2), { expectedVersion: 'any' })));
        const read = await store.readStream(id);
        expect(read.map((e) => e.streamVersion)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      });
    });

    describe('versions of the other streams a decision read', () => {
      it.each([
        ['one event', 1],
        ['several events', 3],
      ])('appends %s only while every stream read is still at its version', async (_, count) => {
        const target = stream();
        const read = stream();
        const never = stream();
        await store.append(read, events(2), { expectedVersion: 'no-stream' });
        const readVersions = { [read]: 2, [never]: 0 };
        await expect(store.append(target, events(count), { expectedVersion: 0, readVersions })).resolves.toMatchObject({
          nextExpectedVersion: count,
        });

        await store.append(read, events(1), { expectedVersion: 2 });
        const refused = store.append(target, events(count), { expectedVersion: count, readVersions });
        await expect(refused).rejects.toBeInstanceOf(WrongExpectedVersion);
        await expect(refused).rejects.toMatchObject({ streamId: read, expected: 2, actual: 3 });
        expect(await store.streamVersion(target)).toBe(count);
      });
    });

    describe('idempotency keys', () => {
      it('returns the first result for a retried append and writes nothing', async () => {
        const id = stream();
        const key = `dose-${randomUUID()}`;
        const first = await store.append(id, [event('DoseTaken', { try: 1 })], {
          expectedVersion: 'any',
          idempotencyKey: key,
        });
        const retry = await store.append(id, [event('DoseTaken', { try: 2 })], {
          expectedVersion: 'any',
          idempotencyKey: key,
        });

        expect(first.replayed).toBe(false);
        expect(retry).toEqual({ ...first, replayed: true });
        expect(await store.idempotentResult(key)).toEqual({ ...first, replayed: true });
        expect(await store.idempotentResult(`${key}-never-used`)).toBeUndefined();
        const read = await store.readStream(id);
        expect(read.map((e) => e.data)).toEqual([{ try: 1 }]);
      });

      it('writes once when the same key arrives concurrently', async () => {
        const id = stream();
        const key = `dose-${randomUUID()}`;
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.append(id, [event('DoseTaken')], { expectedVersion: 'any', idempotencyKey: key }),
          ),
        );
        expect(new Set(results.map((r) => r.positions[0])).size).toBe(1);
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        expect(await store.streamVersion(id)).toBe(1);
      });

      it('keeps the request hash with the key and refuses the key with another request', async () => {
        const id = stream();
        const key = `goal-${randomUUID()}`;
        const first = await store.append(id, [event('GoalSet')], {
          expectedVersion: 'any',
          idempotencyKey: key,
          requestHash: 'hash-a',
        });
        expect(await store.idempotentResult(key)).toEqual({ ...first, replayed: true, requestHash: 'hash-a' });
        await expect(
          store.append(id, [event('GoalSet')], { expectedVersion: 'any', idempotencyKey: key, requestHash: 'hash-b' }),
        ).rejects.toBeInstanceOf(IdempotencyKeyReused);
        const again = await store.append(id, [event('GoalSet')], {
          expectedVersion: 'any',
          idempotencyKey: key,
          requestHash: 'hash-a',
        });
        expect(again).toEqual({ ...first, replayed: true });
        expect(await store.streamVersion(id)).toBe(1);
      });

      it('refuses a key reused for another stream', async () => {
        const key = `dose-${randomUUID()}`;
        const other = stream();
        await store.append(stream(), events(1), { expectedVersion: 'any', idempotencyKey: key });
        await expect(
          store.append(other, events(1), { expectedVersion: 'any', idempotencyKey: key }),
        ).rejects.toBeInstanceOf(IdempotencyKeyReused);
        expect(await store.streamVersion(other)).toBe(0);
      });

      it('does not keep the key of an append that failed, so it can be retried', async () => {
        const id = stream();
        const key = `dose-${randomUUID()}`;
        await expect(store.append(id, events(1), { expectedVersion: 5, idempotencyKey: key })).rejects.toBeInstanceOf(
          WrongExpectedVersion,
        );
        const retried = await store.append(id, events(1), { expectedVersion: 0, idempotencyKey: key });
        expect(retried.replayed).toBe(false);
        expect(retried.nextExpectedVersion).toBe(1);
      });
    });

    describe("one patient's events", () => {
      const patientEvent = (type: string, patientId: string, occurredAt?: string): NewEvent => ({
        type,
        data: { patientId },
        metadata: occurredAt ? { occurredAt } : {},
      });

      it('reads only that patient’s events, in the global order, by recorded or occurred instant', async () => {
        const [a, b] = [randomUUID(), randomUUID()];
        await store.append(`careplan-${a}`, [patientEvent('PatientEnrolled', a)], { expectedVersion: 'no-stream' });
        await store.append(`careplan-${b}`, [patientEvent('PatientEnrolled', b)], { expectedVersion: 'no-stream' });
        await sleep(5);
        const between = new Date().toISOString();
        await sleep(5);
        // Recorded after `between`, but it happened long before: a late report.
        await store.append(`doses-${a}-2020-01`, [patientEvent('DoseTaken', a, '2020-01-01T08:00:00.000Z')], {
          expectedVersion: 'no-stream',
        });
        await store.append(`careplan-${a}`, [patientEvent('CarePlanStarted', a)], { expectedVersion: 1 });

        const all = await store.readPatient(a);
        expect(all.map((e) => e.type)).toEqual(['PatientEnrolled', 'DoseTaken', 'CarePlanStarted']);
        expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((x, y) => x - y));

        expect((await store.readPatient(a, { recordedUntil: between })).map((e) => e.type)).toEqual([
          'PatientEnrolled',
        ]);
        expect((await store.readPatient(a, { occurredUntil: between })).map((e) => e.type)).toEqual([
          'PatientEnrolled',
          'DoseTaken',
        ]);
        // The late report happened in 2020: from `between` on, only what was recorded (occurred) since.
        expect((await store.readPatient(a, { occurredFrom: between })).map((e) => e.type)).toEqual(['CarePlanStarted']);
        expect(
          (
            await store.readPatient(a, { occurredFrom: '2019-12-31T00:00:00.000Z', excludeTypes: ['CarePlanStarted'] })
          ).map((e) => e.type),
        ).toEqual(['PatientEnrolled', 'DoseTaken']);
        expect((await store.readPatient(a, { excludeTypes: ['DoseTaken'] })).map((e) => e.type)).toEqual([
          'PatientEnrolled',
          'CarePlanStarted',
        ]);
        expect(await store.readPatient(randomUUID())).toEqual([]);
        const lean = await store.readPatient(a, { metadata: false });
        expect(lean.map((e) => e.metadata)).toEqual([{}, {}, {}]);
        expect(lean.map((e) => e.occurredAt)).toEqual(all.map((e) => e.occurredAt));
      });

      it('reads several patients’ events up to a head, grouped by patient, each in the global order', async () => {
        const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
        await store.append(`careplan-${a}`, [patientEvent('PatientEnrolled', a)], { expectedVersion: 'no-stream' });
        await store.append(`careplan-${b}`, [patientEvent('PatientEnrolled', b)], { expectedVersion: 'no-stream' });
        await store.append(`doses-${a}-2026-01`, [patientEvent('DoseTaken', a)], { expectedVersion: 'no-stream' });
        const last = await store.append(stream(), events(1), { expectedVersion: 'no-stream' }); // names no patient
        const written = { transactionId: last.transactionId, position: last.positions[0]! };
        // A transaction still open elsewhere in the cluster holds the readable end back for a moment.
        let head = await store.lastReadable();
        while (head.position !== written.position) {
          await sleep(10);
          head = await store.lastReadable();
        }
        expect(head).toEqual(written);
        await store.append(`careplan-${a}`, [patientEvent('CarePlanStarted', a)], { expectedVersion: 1 });
        await store.append(`careplan-${c}`, [patientEvent('PatientEnrolled', c)], { expectedVersion: 'no-stream' });

        const read = await store.readPatientsUpTo([b, a, c], head);
        const byPatient = (id: string) => read.filter((e) => e.data['patientId'] === id).map((e) => e.type);
        expect(byPatient(a)).toEqual(['PatientEnrolled', 'DoseTaken']);
        expect(byPatient(b)).toEqual(['PatientEnrolled']);
        expect(read).toHaveLength(3);
        // Grouped: a patient's events are next to each other.
        const order = read.map((e) => e.data['patientId']);
        expect(order.filter((id, i) => i === 0 || id !== order[i - 1])).toHaveLength(2);
        expect(await store.readPatientsUpTo([], head)).toEqual([]);
        expect(await store.patientIds()).toEqual(expect.arrayContaining([a, b, c]));
        expect(new Set(await store.patientIds()).size).toBe((await store.patientIds()).length);
      });
    });

    describe('batch appends across streams', () => {
      it('appends to several streams at once, each from the version it expects, in one transaction', async () => {
        const [a, b, c] = [stream(), stream(), stream()];
        await store.append(b, events(2), { expectedVersion: 'no-stream' });
        const from = await headCheckpoint(store);

        const results = await store.appendBatch([
          { streamId: a, events: events(3, 'A'), expectedVersion: 0 },
          { streamId: b, events: events(2, 'B'), expectedVersion: 2 },
          { streamId: c, events: [{ ...event('C', { i: 0 }), eventId: randomUUID() }], expectedVersion: 0 },
        ]);

        expect(results.map((r) => [r.streamId, r.nextExpectedVersion, r.positions.length, r.replayed])).toEqual([
          [a, 3, 3, false],
          [b, 4, 2, false],
          [c, 1, 1, false],
        ]);
        expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
        expect((await store.readStream(b)).map((e) => [e.type, e.streamVersion])).toEqual([
          ['Tested', 1],
          ['Tested', 2],
          ['B', 3],
          ['B', 4],
        ]);
        expect(await store.streamVersion(a)).toBe(3);
        // The global order holds the batch in the order given, each stream's events in version order.
        const read = await store.readAll({ after: from, limit: 100 });
        expect(read.map((e) => [e.streamId, e.streamVersion])).toEqual([
          [a, 1],
          [a, 2],
          [a, 3],
          [b, 3],
          [b, 4],
          [c, 1],
        ]);
        expect(read.map((e) => e.eventId)).toEqual(results.flatMap((r) => r.eventIds));
        expect(read.map((e) => e.position)).toEqual(results.flatMap((r) => r.positions));
      });

      it('writes nothing when one stream is not at the version the batch expects', async () => {
        const [a, b] = [stream(), stream()];
        await store.append(b, events(2), { expectedVersion: 'no-stream' });
        const from = await headCheckpoint(store);

        const refused = store.appendBatch([
          { streamId: a, events: events(2), expectedVersion: 0 },
          { streamId: b, events: events(1), expectedVersion: 1 },
        ]);
        await expect(refused).rejects.toBeInstanceOf(WrongExpectedVersion);
        await expect(refused).rejects.toMatchObject({ streamId: b, expected: 1, actual: 2 });
        await expect(store.appendBatch([{ streamId: b, events: events(1), expectedVersion: 0 }])).rejects.toMatchObject(
          { streamId: b, actual: 2 },
        );
        await expect(store.appendBatch([{ streamId: a, events: events(1), expectedVersion: 4 }])).rejects.toMatchObject(
          { streamId: a, actual: 0 },
        );

        expect(await store.streamVersion(a)).toBe(0);
        expect(await store.streamVersion(b)).toBe(2);
        expect(await store.readAll({ after: from })).toEqual([]);
      });

      it('lets exactly one of two concurrent batches expecting the same version of a shared stream win', async () => {
        const shared = stream();
        await store.append(shared, events(1), { expectedVersion: 'no-stream' });
        const own = [stream(), stream()];
        const outcomes = await Promise.allSettled(
          own.map((id) =>
            store.appendBatch([
              { streamId: id, events: events(2), expectedVersion: 0 },
              { streamId: shared, events: events(1), expectedVersion: 1 },
            ]),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
        expect(lost.reason).toBeInstanceOf(WrongExpectedVersion);
        expect(await store.streamVersion(shared)).toBe(2);
        expect((await Promise.all(own.map((id) => store.streamVersion(id)))).sort()).toEqual([0, 2]);
      });

      it('refuses an empty batch, a stream named twice, an oversized part or batch, and a version that is not exact', async () => {
        const id = stream();
        const refused = [
          [],
          [
            { streamId: id, events: events(1), expectedVersion: 0 },
            { streamId: id, events: events(1), expectedVersion: 1 },
          ],
          [{ streamId: id, events: events(MAX_EVENTS_PER_APPEND + 1), expectedVersion: 0 }],
          Array.from({ length: MAX_EVENTS_PER_BATCH / MAX_EVENTS_PER_APPEND + 1 }, () => ({
            streamId: stream(),
            events: events(MAX_EVENTS_PER_APPEND),
            expectedVersion: 0,
          })),
          [{ streamId: id, events: [], expectedVersion: 0 }],
          [{ streamId: id, events: events(1), expectedVersion: -1 }],
          [{ streamId: id, events: events(1), expectedVersion: 'any' as unknown as number }],
        ];
        for (const batch of refused) await expect(store.appendBatch(batch)).rejects.toBeInstanceOf(InvalidAppend);
        expect(await store.streamVersion(id)).toBe(0);
      });

      it('hands every batched event to every reader exactly once, in order, while batches are appended concurrently', async () => {
        const from = await headCheckpoint(store);
        const writers = 6;
        const batches = 4;
        const total = writers * batches * 3 * 2;
        const readers = Array.from({ length: 3 }, () => follow(store, total, 60_000, from));
        await Promise.all(
          Array.from({ length: writers }, async (_, writer) => {
            const ids = [stream(), stream(), stream()];
            for (let n = 0; n < batches; n++) {
              await store.appendBatch(
                ids.map((streamId) => ({ streamId, events: events(2, `W${writer}`), expectedVersion: n * 2 })),
              );
            }
          }),
        );
        const appended = (await store.readAll({ after: from, limit: 10_000 })).map((e) => e.eventId);
        expect(appended).toHaveLength(total);
        for (const seen of await Promise.all(readers)) expect(seen.map((e) => e.eventId)).toEqual(appended);
      });
    });

    describe('the global order', () => {
      it('hands every event to every reader exactly once, in order, while writers append concurrently', async () => {
        await expectReadersToSeeEveryConcurrentAppend(store, (id, appended, expectedVersion) =>
          store.append(id, appended, { expectedVersion }),
        );
      });

      it('keeps each stream in version order within the global order', async () => {
        const from = await headCheckpoint(store);
        const id = stream();
        for (let n = 0; n < 5; n++) await store.append(id, events(3), { expectedVersion: 'any' });
        const all = await store.readAll({ after: from, limit: 1000 });
        expect(all.filter((e) => e.streamId === id).map((e) => e.streamVersion)).toEqual(
          Array.from({ length: 15 }, (_, i) => i + 1),
        );
      });

      it('lets a reader resume from its checkpoint after a restart', async () => {
        const from = await headCheckpoint(store);
        const id = stream();
        await store.append(id, events(10), { expectedVersion: 'no-stream' });
        const firstBatch = await store.readAll({ after: from, limit: 4 });
        const saved = checkpointOf(firstBatch[firstBatch.length - 1]!);

        await store.close();
        store = await fixture.open();
        await store.append(id, events(2), { expectedVersion: 10 });

        const rest = await follow(store, 8, 60_000, saved);
        expect([...firstBatch, ...rest].map((e) => e.streamVersion)).toEqual(
          Array.from({ length: 12 }, (_, i) => i + 1),
        );
      });

      it('wakes a waiting reader when an event is appended', async () => {
        // The wait's own timeout is far beyond the test's: only the wake-up can finish it in time.
        const waiting = store.waitForEvents({ timeoutMs: 600_000 });
        await sleep(10);
        await store.append(stream(), events(1), { expectedVersion: 'no-stream' });
        await expect(waiting).resolves.toBeUndefined();
      }, 15_000);

      it('counts the events after a checkpoint and when the oldest of them was recorded', async () => {
        const from = await headCheckpoint(store);
        expect(await store.lagAfter(from)).toEqual({ events: 0, oldestRecordedAt: null });
        await store.append(stream(), events(1), { expectedVersion: 'no-stream' });
        await sleep(5);
        await store.append(stream(), events(2), { expectedVersion: 'no-stream' });
        const read = await store.readAll({ after: from, limit: 10 });

        expect(await store.lagAfter(from)).toEqual({ events: 3, oldestRecordedAt: read[0]!.recordedAt });
        expect(await store.lagAfter(checkpointOf(read[0]!))).toEqual({
          events: 2,
          oldestRecordedAt: read[1]!.recordedAt,
        });
        expect(await store.lagAfter(checkpointOf(read[2]!))).toEqual({ events: 0, oldestRecordedAt: null });
      });

      it('tells whether a reader at a checkpoint has seen the event at a position', async () => {
        const from = await headCheckpoint(store);
        const { positions } = await store.append(stream(), events(2), { expectedVersion: 'no-stream' });
        const [first, second] = await store.readAll({ after: from, limit: 10 });

        expect(await store.covers(from, positions[0]!)).toBe(false);
        expect(await store.covers(checkpointOf(first!), positions[0]!)).toBe(true);
        expect(await store.covers(checkpointOf(first!), positions[1]!)).toBe(false);
        expect(await store.covers(checkpointOf(second!), positions[1]!)).toBe(true);
        // A position nothing was written at is never covered.
        expect(await store.covers(checkpointOf(second!), positions[1]! + 1_000_000)).toBe(false);
      });

      it('reports the head position', async () => {
        const { positions } = await store.append(stream(), events(1), { expectedVersion: 'no-stream' });
        const status = await store.status();
        expect(status.headPosition).toBeGreaterThanOrEqual(positions[0]!);
      });
    });

    adapterGuarantees?.(() => store);
  });
}

/** The checkpoint of the newest readable event, so a test only follows its own events. */
export async function headCheckpoint(store: EventStore): Promise<Checkpoint> {
  let checkpoint = START;
  for (;;) {
    const batch = await store.readAll({ after: checkpoint, limit: 10_000 });
    if (batch.length === 0) return checkpoint;
    checkpoint = checkpointOf(batch[batch.length - 1]!);
  }
}
