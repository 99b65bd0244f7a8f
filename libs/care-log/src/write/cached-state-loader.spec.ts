import { DomainError, type CommandContext, type DomainCommand } from '@caretrail/domain';
import { ChainNotVerified, WrongExpectedVersion } from '@caretrail/event-store';
import { storePlain } from '../codec/domain-to-stored';
import { MemoryEventLog } from '../testing/memory-event-log';
import { FoldedStateCache } from './cached-state-loader';
import { executeCommand, type CommandWritePorts } from './execute-command';
import { StreamWriteQueue } from './stream-write-queue';

const patientId = 'p-1';
const plan = `careplan-${patientId}`;
const doses = `doses-${patientId}-2026-03`;
const therapist: CommandContext = { now: '2026-03-10T12:00:00.000Z', actor: { userId: 'u-1', role: 'therapist' } };
const prescriber: CommandContext = {
  now: '2026-03-10T12:00:00.000Z',
  actor: { userId: 'u-2', role: 'prescriber' },
};
const daily = { timesPerDay: 2, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] };

const prescribe = (medicationId: string): DomainCommand =>
  ({
    type: 'PrescribeMedication',
    data: {
      patientId,
      medicationId,
      drug: { name: 'Sertraline' },
      strength: { value: 50, unit: 'mg' },
      schedule: daily,
      startsAt: '2026-03-01T00:00:00Z',
    },
  }) as DomainCommand;

const taken = (day: number, medicationId = 'm-1'): DomainCommand => ({
  type: 'RecordDoseTaken',
  data: {
    patientId,
    medicationId,
    scheduledFor: `2026-03-${String(day).padStart(2, '0')}T08:00:00.000Z`,
    occurredAt: `2026-03-${String(day).padStart(2, '0')}T08:05:00.000Z`,
  },
});

/** A log that counts the streams read, and a write path on a cache over it. */
async function setUp(): Promise<{
  log: MemoryEventLog;
  cache: FoldedStateCache;
  ports: CommandWritePorts;
  reads: string[];
}> {
  const log = new MemoryEventLog();
  const reads: string[] = [];
  const counted = {
    readStream: async (stream: string) => {
      reads.push(stream);
      return log.readStream(stream);
    },
  };
  const cache = new FoldedStateCache(counted, async (events) => [...events]);
  const ports: CommandWritePorts = {
    log,
    loader: cache,
    seal: storePlain,
    queue: new StreamWriteQueue(),
    pause: () => Promise.resolve(),
  };
  const send = (command: DomainCommand, context: CommandContext) =>
    executeCommand(ports, { command, context, correlationId: 'setup' });
  await send({ type: 'EnrolPatient', data: { patientId, name: { given: 'Ada', family: 'Lovelace' } } }, therapist);
  await send(
    {
      type: 'AssignCareTeamMember',
      data: { patientId, userId: 'u-2', role: 'prescriber', chosenByPatient: false },
    } as DomainCommand,
    therapist,
  );
  await send({ type: 'StartCarePlan', data: { patientId, carePlanId: 'plan-1', track: 'integrated' } }, therapist);
  await send(prescribe('m-1'), prescriber);
  reads.length = 0;
  return { log, cache, ports, reads };
}

const record = (ports: CommandWritePorts, command: DomainCommand, context = therapist) =>
  executeCommand(ports, { command, context, correlationId: 'c' });

describe('FoldedStateCache', () => {
  it('decides a warm command without reading or folding its streams again', async () => {
    const { ports, reads, cache, log } = await setUp();
    await record(ports, taken(2));
    expect(reads).toEqual([plan, doses]);
    const { hits } = cache.stats;
    for (let day = 3; day < 9; day++) await record(ports, taken(day));
    expect(reads).toEqual([plan, doses]);
    expect(cache.stats.hits - hits).toBe(6);
    expect((await log.readStream(doses)).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The cached state holds the doses it recorded: the same slot again is refused, confirmed on fresh state.
    await expect(record(ports, taken(5))).rejects.toBeInstanceOf(DomainError);
    expect(reads).toEqual([plan, doses, plan, doses]);
  });

  it('notices a write of another process to the target through the expected version, and decides again', async () => {
    const { ports, reads, log } = await setUp();
    await record(ports, taken(2));
    // Another process records day 3 behind this one's back.
    log.appendNow(
      doses,
      [
        {
          type: 'DoseTaken',
          data: { ...(taken(3).data as object), recordedBy: therapist.actor },
        },
      ],
      { expectedVersion: 1 },
    );
    const appended = await record(ports, taken(4));
    expect(appended.appended.nextExpectedVersion).toBe(3);
    expect(reads).toEqual([plan, doses, plan, doses]);
  });

  it('checks the versions of the other streams it decided on: a care plan changed elsewhere is read again', async () => {
    const { ports, reads, log, cache } = await setUp();
    await record(ports, taken(2));
    // Another process prescribes a second medication: this process's cached plan does not know it.
    const elsewhere = new FoldedStateCache(log, async (events) => [...events]);
    await executeCommand(
      { ...ports, loader: elsewhere, queue: new StreamWriteQueue() },
      { command: prescribe('m-2'), context: prescriber, correlationId: 'elsewhere' },
    );
    // Decided on the cached plan the dose of m-2 is refused; confirmed on fresh state it is recorded.
    await expect(record(ports, taken(3, 'm-2'))).resolves.toMatchObject({ appended: { nextExpectedVersion: 2 } });
    expect(reads).toEqual([plan, doses, plan, doses]);
    // And a dose decided on the stale plan would fail the plan's version, not be written.
    await executeCommand(
      { ...ports, loader: elsewhere, queue: new StreamWriteQueue() },
      {
        command: {
          type: 'DiscontinueMedication',
          data: { patientId, medicationId: 'm-1', reason: 'course-completed' },
        },
        context: prescriber,
        correlationId: 'elsewhere',
      },
    );
    const append = jest.spyOn(log, 'append');
    await expect(record(ports, taken(4))).resolves.toMatchObject({ appended: { nextExpectedVersion: 3 } });
    // First decided on the cached plan: refused by the plan's version, nothing written; then on the store's.
    expect(append).toHaveBeenCalledTimes(2);
    await expect(append.mock.results[0]!.value).rejects.toMatchObject({ streamId: plan, expected: 6, actual: 7 });
    expect(reads).toEqual([plan, doses, plan, doses, plan, doses]);
    expect(cache.stats.entries).toBeGreaterThan(0);
  });

  it('answers If-Match from the store when the cached version is behind', async () => {
    const { ports, log } = await setUp();
    await record(ports, taken(2));
    log.appendNow(doses, [{ type: 'DoseTaken', data: { ...(taken(3).data as object), recordedBy: therapist.actor } }], {
      expectedVersion: 1,
    });
    await expect(
      executeCommand(ports, { command: taken(4), context: therapist, correlationId: 'c', ifMatch: 2 }),
    ).resolves.toMatchObject({ appended: { nextExpectedVersion: 3 } });
    await expect(
      executeCommand(ports, { command: taken(5), context: therapist, correlationId: 'c', ifMatch: 2 }),
    ).rejects.toBeInstanceOf(WrongExpectedVersion);
  });

  it('checks the hash chains of a warm command while it is decided, and appends nothing when they do not verify', async () => {
    const { ports, log } = await setUp();
    const checked: string[][] = [];
    let broken = false;
    const guarded: CommandWritePorts = {
      ...ports,
      integrity: {
        check: async (streamIds) => {
          checked.push([...streamIds]);
          if (broken) throw new Error('the chain of the care plan does not verify');
        },
      },
    };
    await record(guarded, taken(2));
    await record(guarded, taken(3));
    expect(checked).toEqual([
      [plan, doses],
      [plan, doses],
    ]);
    broken = true;
    await expect(record(guarded, taken(4))).rejects.toThrow('does not verify');
    expect((await log.readStream(doses)).map((e) => e.streamVersion)).toEqual([1, 2]);
  });

  it('has the append of a warm command verify the chains after the verified heads, and decides again when they do not verify', async () => {
    const { ports, log } = await setUp();
    const calls: string[] = [];
    const heads: string[][] = [];
    let broken = false;
    const append = log.append.bind(log);
    const guarded: CommandWritePorts = {
      ...ports,
      log: {
        ...ports.log,
        idempotentResult: (key) => log.idempotentResult(key),
        append: async (streamId, events, options) => {
          if (options.verifiedHeads) {
            heads.push(Object.keys(options.verifiedHeads));
            // The store refuses to write when a chain after the heads does not verify.
            if (broken) throw new ChainNotVerified(Object.keys(options.verifiedHeads));
            const appended = await append(streamId, events, options);
            return { ...appended, verifiedHeads: { [streamId]: { version: 1, hash: 'ab' } } };
          }
          return append(streamId, events, options);
        },
      },
      integrity: {
        check: async (streamIds) => {
          calls.push(`check ${streamIds.join(' ')}`);
          if (broken) throw new Error('the chain of the dose stream does not verify');
        },
        headsFor: (streamIds) => Object.fromEntries(streamIds.map((id) => [id, { version: 0, hash: null }])),
        verified: (verified) => calls.push(`verified ${Object.keys(verified).join(' ')}`),
      },
    };
    await record(guarded, taken(2));
    await record(guarded, taken(3));
    // Cold: checked on its own before the streams are read. Warm: no check of its own; the append verifies.
    expect(calls).toEqual([`check ${plan} ${doses}`, `verified ${doses}`]);
    expect(heads).toEqual([[plan, doses]]);
    broken = true;
    // The append refuses; decided again on what the store holds, whose check names the break.
    await expect(record(guarded, taken(4))).rejects.toThrow('does not verify');
    expect(calls.at(-1)).toBe(`check ${plan} ${doses}`);
    expect((await log.readStream(doses)).map((e) => e.streamVersion)).toEqual([1, 2]);
  });

  it('keeps at most maxEntries states, drops idle ones, and forgets a patient on erasure', async () => {
    const log = new MemoryEventLog();
    let now = 0;
    const cache = new FoldedStateCache(log, async (events) => [...events], {
      maxEntries: 2,
      maxIdleMs: 1000,
      now: () => now,
    });
    const streamsOf = (id: string) => ({ target: `careplan-${id}`, load: [`careplan-${id}`] });
    const review = (id: string): DomainCommand => ({ type: 'ReviewCarePlan', data: { patientId: id, summary: 'x' } });
    for (const id of ['a', 'b', 'c']) await cache.load(review(id), streamsOf(id));
    expect(cache.stats.entries).toBe(2);
    await cache.load(review('c'), streamsOf('c'));
    expect(cache.stats).toMatchObject({ hits: 1, misses: 3 });
    cache.evictPatient('c');
    expect(cache.stats.entries).toBe(1);
    now = 5000;
    await cache.load(review('a'), streamsOf('a'));
    expect(cache.stats).toMatchObject({ entries: 1, hits: 1, misses: 4 });
  });
});
