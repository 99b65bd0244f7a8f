import type { CarePlanState, DomainCommand } from '@caretrail/domain';
import type { StoredEvent } from '@caretrail/event-store';
import { erasureEvent } from '../personal-data/erasure-event';
import { MemoryEventLog } from '../testing/memory-event-log';
import { eventStoreStateLoader } from './command-state-loader';

const patientId = 'p-1';
const plan = `careplan-${patientId}`;
const doses = `doses-${patientId}-2026-03`;
const therapist = { userId: 'u-1', role: 'therapist' } as const;
const taken: DomainCommand = {
  type: 'RecordDoseTaken',
  data: {
    patientId,
    medicationId: 'm-1',
    scheduledFor: '2026-03-10T08:00:00.000Z',
    occurredAt: '2026-03-10T08:05:00Z',
  },
};
const review: DomainCommand = { type: 'ReviewCarePlan', data: { patientId, summary: 'Stable.' } };

async function logWithPlan(): Promise<MemoryEventLog> {
  const log = new MemoryEventLog();
  const enrolled = {
    patientId,
    timeZone: 'Europe/London',
    name: { given: { sealed: 'Ada' }, family: { sealed: 'Lovelace' } },
    contact: { email: null, phone: null },
    enrolledBy: therapist,
    occurredAt: '2026-03-01T08:00:00.000Z',
  };
  log.appendNow(plan, [{ type: 'PatientEnrolled', schemaVersion: 1, data: enrolled }], { expectedVersion: 0 });
  log.appendNow(
    plan,
    [
      erasureEvent(
        {
          patientId,
          reason: 'Art. 17',
          erasedBy: { userId: 'admin', role: 'admin' },
          erasedAt: '2026-03-02T00:00:00Z',
        },
        { correlationId: 'c' },
      ),
    ],
    { expectedVersion: 1 },
  );
  return log;
}

describe('eventStoreStateLoader', () => {
  it('reads every stream the command loads, opens them, and folds only the domain’s events', async () => {
    const log = await logWithPlan();
    const opened: string[] = [];
    const open = async (events: readonly StoredEvent[]): Promise<StoredEvent[]> => {
      opened.push(...events.map((e) => `${e.streamId}#${e.streamVersion}`));
      return [...events];
    };
    // PatientDataErased (administrative) would fail to upcast if it reached the fold.
    const { state } = await eventStoreStateLoader(log, open).load(taken, { target: doses, load: [plan, doses] });
    expect(opened).toEqual([`${plan}#1`, `${plan}#2`]);
    expect((state as { plan: CarePlanState }).plan).toMatchObject({ status: 'enrolled', timeZone: 'Europe/London' });
  });

  it('reports the version of the target stream it read, not of the others', async () => {
    const log = await logWithPlan();
    const loader = eventStoreStateLoader(log, async (events) => [...events]);
    expect((await loader.load(review, { target: plan, load: [plan] })).version).toBe(2);
    expect((await loader.load(taken, { target: doses, load: [plan, doses] })).version).toBe(0);
  });
});
