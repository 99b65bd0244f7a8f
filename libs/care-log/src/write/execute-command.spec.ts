import {
  PatientAlreadyEnrolled,
  RoleNotPermitted,
  type CommandContext,
  type DomainCommand,
  type PatientEnrolled,
} from '@caretrail/domain';
import { IdempotencyKeyReused, WrongExpectedVersion } from '@caretrail/event-store';
import { storePlain, type SealPersonalData } from '../codec/domain-to-stored';
import { MemoryEventLog } from '../testing/memory-event-log';
import { eventStoreStateLoader, type CommandStateLoader } from './command-state-loader';
import { executeCommand, MAX_COMMAND_ATTEMPTS, type CommandRequest, type CommandWritePorts } from './execute-command';
import { StreamWriteQueue } from './stream-write-queue';

const patientId = 'p-1';
const stream = `careplan-${patientId}`;
const therapist: CommandContext = { now: '2026-03-10T12:00:00.000Z', actor: { userId: 'u-1', role: 'therapist' } };
const enrol: DomainCommand = { type: 'EnrolPatient', data: { patientId, name: { given: 'Ada', family: 'Lovelace' } } };
const goal: DomainCommand = {
  type: 'SetTreatmentGoal',
  data: { patientId, goalId: 'g-1', description: 'Sleep 7 hours.' },
};
const start: DomainCommand = { type: 'StartCarePlan', data: { patientId, carePlanId: 'plan-1', track: 'integrated' } };

function portsOf(log: MemoryEventLog, seal: SealPersonalData = storePlain): CommandWritePorts {
  return {
    log,
    seal,
    loader: eventStoreStateLoader(log, (events) => Promise.resolve([...events])),
    pause: () => Promise.resolve(),
  };
}

describe('executeCommand', () => {
  it('folds the loaded streams, decides, and appends to the target with the version read and the provenance', async () => {
    const log = new MemoryEventLog();
    const ports = portsOf(log);
    await executeCommand(ports, { command: enrol, context: therapist, correlationId: 'c-1' });
    const written = await executeCommand(ports, {
      command: start,
      context: therapist,
      correlationId: 'c-2',
      extra: { clientAddress: '127.0.0.1' },
    });
    expect(written.events.map((e) => e.type)).toEqual(['CarePlanStarted']);
    expect(written.appended).toMatchObject({ streamId: stream, nextExpectedVersion: 3, replayed: false });
    const [enrolled, , started] = log.streams.get(stream)!;
    expect(enrolled!.type).toBe('PatientEnrolled');
    expect(started).toMatchObject({
      type: 'CarePlanStarted',
      schemaVersion: 1,
      metadata: {
        actor: { userId: 'u-1', role: 'therapist' },
        correlationId: 'c-2',
        causationId: 'c-2',
        extra: { command: 'StartCarePlan', clientAddress: '127.0.0.1' },
      },
    });
  });

  it('passes the domain’s refusal on and appends nothing', async () => {
    const log = new MemoryEventLog();
    const ports = portsOf(log);
    await executeCommand(ports, { command: enrol, context: therapist, correlationId: 'c-1' });
    const before = log.streams.get(stream)!.length;
    await expect(executeCommand(ports, { command: enrol, context: therapist, correlationId: 'c-2' })).rejects.toThrow(
      PatientAlreadyEnrolled,
    );
    const analyst: CommandContext = { ...therapist, actor: { userId: 'u-9', role: 'analyst' } };
    await expect(executeCommand(ports, { command: goal, context: analyst, correlationId: 'c-3' })).rejects.toThrow(
      RoleNotPermitted,
    );
    expect(log.streams.get(stream)).toHaveLength(before);
  });

  it('seals what it stores and hands the decided events back in the clear', async () => {
    const log = new MemoryEventLog();
    const seal: SealPersonalData = async (type, data) =>
      type === 'PatientEnrolled' ? { ...data, name: { sealed: true } } : data;
    const written = await executeCommand(portsOf(log, seal), {
      command: enrol,
      context: therapist,
      correlationId: 'c',
    });
    expect((written.events[0] as PatientEnrolled).data.name).toEqual({ given: 'Ada', family: 'Lovelace' });
    expect(log.streams.get(stream)![0]!.data['name']).toEqual({ sealed: true });
  });

  it('decides again on fresh state after a lost race, at most MAX_COMMAND_ATTEMPTS times', async () => {
    const log = new MemoryEventLog();
    const ports = portsOf(log);
    await executeCommand(ports, { command: enrol, context: therapist, correlationId: 'c-1' });
    let races = 0;
    // Another writer's review lands between this writer's read and its append.
    log.beforeAppend = async (id) => {
      if (races-- <= 0) return;
      const review = { type: 'CarePlanReviewed', data: { patientId, summary: 'x', reviewedBy: therapist.actor } };
      log.appendNow(id, [review], { expectedVersion: log.streams.get(id)!.length });
    };
    races = MAX_COMMAND_ATTEMPTS - 1;
    const written = await executeCommand(ports, { command: start, context: therapist, correlationId: 'c-2' });
    expect(written.appended.nextExpectedVersion).toBe(2 + (MAX_COMMAND_ATTEMPTS - 1) + 1);
    races = MAX_COMMAND_ATTEMPTS;
    await expect(executeCommand(ports, { command: goal, context: therapist, correlationId: 'c-3' })).rejects.toThrow(
      WrongExpectedVersion,
    );
  });

  it('with If-Match reports a moved stream instead of deciding again', async () => {
    const log = new MemoryEventLog();
    const ports = portsOf(log);
    const { appended } = await executeCommand(ports, { command: enrol, context: therapist, correlationId: 'c-1' });
    await expect(
      executeCommand(ports, { command: start, context: therapist, correlationId: 'c-2', ifMatch: 1 }),
    ).rejects.toThrow(WrongExpectedVersion);
    const written = await executeCommand(ports, {
      command: start,
      context: therapist,
      correlationId: 'c-3',
      ifMatch: appended.nextExpectedVersion,
    });
    expect(written.appended.nextExpectedVersion).toBe(appended.nextExpectedVersion + 1);
  });

  it('with a stale If-Match tells a caller the domain refuses of the refusal, not of the version', async () => {
    const log = new MemoryEventLog();
    const ports = portsOf(log);
    await executeCommand(ports, { command: enrol, context: therapist, correlationId: 'c-1' });
    const outsider = { ...therapist, actor: { userId: 'someone-else', role: 'therapist' as const } };
    await expect(
      executeCommand(ports, { command: start, context: outsider, correlationId: 'c-2', ifMatch: 99 }),
    ).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('answers a repeated idempotency key from the store without deciding again, and refuses it for another stream', async () => {
    const log = new MemoryEventLog();
    const ports = portsOf(log);
    const first = await executeCommand(ports, {
      command: enrol,
      context: therapist,
      correlationId: 'c-1',
      idempotencyKey: 'u-1:k',
    });
    const again = await executeCommand(ports, {
      command: enrol,
      context: therapist,
      correlationId: 'c-2',
      idempotencyKey: 'u-1:k',
    });
    expect(again).toEqual({ appended: { ...first.appended, replayed: true }, events: [], alongsideCommitted: false });
    const elsewhere: DomainCommand = {
      ...enrol,
      data: { ...enrol.data, patientId: 'p-2' },
    } as DomainCommand;
    await expect(
      executeCommand(ports, { command: elsewhere, context: therapist, correlationId: 'c-3', idempotencyKey: 'u-1:k' }),
    ).rejects.toThrow(IdempotencyKeyReused);
  });

  it('lets every still-valid write through when two processes write one stream at once', async () => {
    const log = new MemoryEventLog();
    await executeCommand(portsOf(log), { command: enrol, context: therapist, correlationId: 'c-1' });
    await executeCommand(portsOf(log), { command: start, context: therapist, correlationId: 'c-s' });
    // Each append yields first, so the other process's writer can land between a read and an append.
    log.beforeAppend = () => new Promise((resolve) => setImmediate(resolve));
    const processes = [new StreamWriteQueue(), new StreamWriteQueue()];
    const goals = processes.flatMap((queue, p) =>
      Array.from({ length: 4 }, (_, i) =>
        executeCommand(
          { ...portsOf(log), queue },
          {
            command: { ...goal, data: { ...goal.data, goalId: `g-${p}-${i}` } } as DomainCommand,
            context: therapist,
            correlationId: `c-${p}-${i}`,
          },
        ),
      ),
    );
    const written = await Promise.all(goals);
    expect(written.map((w) => w.appended.nextExpectedVersion).sort((a, b) => a - b)).toEqual([
      4, 5, 6, 7, 8, 9, 10, 11,
    ]);
  });

  it('answers a key whose first request committed while this one decided with the first answer', async () => {
    const log = new MemoryEventLog();
    const ports = portsOf(log);
    await executeCommand(ports, { command: enrol, context: therapist, correlationId: 'c-1' });
    await executeCommand(ports, { command: start, context: therapist, correlationId: 'c-s' });
    const request: CommandRequest = {
      command: goal,
      context: therapist,
      correlationId: 'c-2',
      idempotencyKey: 'u-1:goal',
      requestHash: 'h-1',
    };
    let first: Promise<unknown> = Promise.resolve();
    // In another process: found no stored answer, then reads the state the first request left.
    const late: CommandStateLoader = {
      load: async (command, streams) => {
        await first;
        return ports.loader.load(command, streams);
      },
    };
    const second = executeCommand({ ...ports, loader: late }, request);
    first = executeCommand(ports, request);
    const answered = (await first) as { appended: object };
    expect(await second).toEqual({
      appended: { ...answered.appended, replayed: true },
      events: [],
      alongsideCommitted: false,
    });
    expect(log.streams.get(stream)).toHaveLength(4);
  });

  it('refuses a key sent again with another request', async () => {
    const log = new MemoryEventLog();
    const ports = portsOf(log);
    await executeCommand(ports, { command: enrol, context: therapist, correlationId: 'c-1' });
    await executeCommand(ports, { command: start, context: therapist, correlationId: 'c-s' });
    const request = { command: goal, context: therapist, correlationId: 'c-2', idempotencyKey: 'u-1:g' };
    await executeCommand(ports, { ...request, requestHash: 'h-1' });
    await expect(executeCommand(ports, { ...request, requestHash: 'h-2' })).rejects.toThrow(IdempotencyKeyReused);
    expect((await executeCommand(ports, { ...request, requestHash: 'h-1' })).appended.replayed).toBe(true);
  });

  it('takes its state from whatever loader it is given', async () => {
    const log = new MemoryEventLog();
    const seen: string[] = [];
    const loader: CommandStateLoader = {
      async load(command, streams) {
        seen.push(`${command.type} ${streams.load.join(',')}`);
        return eventStoreStateLoader(log, async (events) => [...events]).load(command, streams);
      },
    };
    const ids = ['e-1', 'e-2', 'e-3'];
    const written = await executeCommand(
      { log, seal: storePlain, loader },
      { command: enrol, context: therapist, correlationId: 'c-1', newEventId: () => ids.shift()! },
    );
    expect(seen).toEqual([`EnrolPatient ${stream}`]);
    expect(written.appended.eventIds).toEqual(['e-1', 'e-2'].slice(0, written.events.length));
  });
});
