import { streamFor, type Actor, type DomainEvent } from '@caretrail/domain';
import { adherenceModel, type AdherenceDoc, type ProjectedEvent } from '@caretrail/read-models';
import { adherenceAsOf, planAdherenceAsOf, type AdherenceAsOfPlan } from './adherence-as-of';
import { foldEvents, patientAsOf } from './time-travel';

const PATIENT = 'p-five';
const MED = 'med-a';
const patient: Actor = { userId: PATIENT, role: 'patient' };
const prescriber: Actor = { userId: 'u-prescriber', role: 'prescriber' };
const DAY = 86_400_000;
const START = Date.parse('2024-01-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Two years of daily doses in London with what makes time travel hard: misses later taken late
 * (across month ends too), doses reported days late, corrections that move or void a dose, a dose
 * adjustment, a discontinuation and a new prescription, session closures. Recorded in order.
 */
function history(): ProjectedEvent[] {
  let seed = 7;
  const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const items: Array<{ id: string; event: DomainEvent; recordedAt: number }> = [];
  let n = 0;
  const add = (event: DomainEvent, recordedAt: number, id = `e-${++n}`): string => {
    items.push({ id, event, recordedAt });
    return id;
  };
  const schedule = { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const };
  add(
    {
      type: 'PatientEnrolled',
      data: {
        patientId: PATIENT,
        timeZone: 'Europe/London',
        name: null,
        contact: null,
        enrolledBy: prescriber,
        occurredAt: iso(START - DAY),
      },
    } as unknown as DomainEvent,
    START - DAY,
  );
  const prescribe = (medicationId: string, at: number): void => {
    add(
      {
        type: 'MedicationPrescribed',
        data: {
          patientId: PATIENT,
          medicationId,
          drug: { name: 'Sertraline', rxnorm: null },
          strength: '50 mg',
          schedule: { ...schedule, daysOfWeek: [...schedule.daysOfWeek] },
          startsAt: iso(at),
          instructions: null,
          prescribedBy: prescriber,
          occurredAt: iso(at),
        },
      } as unknown as DomainEvent,
      at,
    );
  };
  prescribe(MED, START);
  const dose = (type: 'DoseTaken' | 'DoseMissed' | 'DoseTakenLate', medicationId: string, slot: number, at: number) =>
    ({
      type,
      data: {
        patientId: PATIENT,
        medicationId,
        scheduledFor: iso(slot),
        occurredAt: iso(at),
        recordedBy: patient,
        ...(type === 'DoseTakenLate' ? { supersedesMissed: null } : {}),
      },
    }) as unknown as DomainEvent;
  const doses: string[] = [];
  let medicationId = MED;
  for (let d = 0; d < 730; d++) {
    const slot = START + d * DAY + 20 * 3_600_000 + (d % 7) * 600_000; // evenings: some doses fall past midnight
    const r = random();
    if (d === 300) {
      add(
        {
          type: 'DoseAdjusted',
          data: {
            patientId: PATIENT,
            medicationId,
            adjustmentId: 'adj-1',
            strength: '100 mg',
            schedule: { timesPerDay: 2, daysOfWeek: [...schedule.daysOfWeek] },
            effectiveFrom: iso(slot - 20 * 3_600_000),
            reason: null,
            adjustedBy: prescriber,
            occurredAt: iso(slot - 20 * 3_600_000),
          },
        } as unknown as DomainEvent,
        slot - 20 * 3_600_000,
      );
    }
    if (d === 500) {
      add(
        {
          type: 'MedicationDiscontinued',
          data: { patientId: PATIENT, medicationId, reason: null, stoppedAt: iso(slot), discontinuedBy: prescriber },
        } as unknown as DomainEvent,
        slot,
      );
      medicationId = 'med-b';
      prescribe(medicationId, slot + 3_600_000);
      continue;
    }
    if (r < 0.08) {
      const missedId = add(dose('DoseMissed', medicationId, slot, slot + 3 * 3_600_000), slot + 3 * 3_600_000);
      if (random() < 0.6) {
        const late = dose('DoseTakenLate', medicationId, slot, slot + 5 * 3_600_000);
        (late.data as { supersedesMissed: string | null }).supersedesMissed = missedId;
        doses.push(add(late, slot + (1 + Math.floor(random() * 3)) * DAY));
      }
    } else {
      const reportedLate = r > 0.95;
      doses.push(add(dose('DoseTaken', medicationId, slot, slot), reportedLate ? slot + 3 * DAY : slot + 60_000));
    }
    if (d % 7 === 3) {
      add(
        {
          type: 'SessionAttended',
          data: { patientId: PATIENT, sessionId: `s-${d}`, occurredAt: iso(slot - 8 * 3_600_000) },
        } as unknown as DomainEvent,
        slot - 8 * 3_600_000,
      );
    }
    if (d % 61 === 60 && doses.length > 5) {
      const target = doses[doses.length - 1 - Math.floor(random() * 5)]!;
      const correctedType = items.find((i) => i.id === target)!.event.type;
      if (random() < 0.5) {
        add(
          {
            type: 'EntryEnteredInError',
            data: { patientId: PATIENT, eventId: target, eventType: correctedType, stream: 'test', reason: null },
          } as unknown as DomainEvent,
          slot + 2 * 3_600_000,
        );
      } else {
        add(
          {
            type: 'EntryCorrected',
            data: {
              patientId: PATIENT,
              eventId: target,
              eventType: correctedType,
              stream: 'test',
              changes: [{ field: 'occurredAt', value: iso(slot - 40 * DAY) }],
              reason: null,
            },
          } as unknown as DomainEvent,
          slot + 2 * 3_600_000,
        );
      }
    }
  }
  items.sort((a, b) => a.recordedAt - b.recordedAt);
  return items.map(({ id, event, recordedAt }, i) => ({
    event,
    meta: {
      eventId: id,
      streamName: streamFor(event),
      position: i + 1,
      recordedAt: iso(recordedAt),
      occurredAt: 'occurredAt' in event.data ? (event.data.occurredAt as string) : null,
    },
  }));
}

const all = history();
/** What the projection stores (assembled from its rows, as the API reads them), after the whole log. */
const stored = JSON.parse(JSON.stringify(foldEvents(adherenceModel, all, PATIENT).doc)) as AdherenceDoc;

/** The plan's two reads, as EventStore.readPatient answers them, merged in the global order. */
function read(plan: AdherenceAsOfPlan): ProjectedEvent[] {
  const until = (e: ProjectedEvent, instant: string) => Date.parse(e.meta.recordedAt) <= Date.parse(instant);
  return all.filter(
    (e) =>
      (until(e, plan.facts.recordedUntil) && !plan.facts.excludeTypes.includes(e.event.type)) ||
      (until(e, plan.doses.recordedUntil) &&
        !plan.doses.excludeTypes.includes(e.event.type) &&
        Date.parse(e.meta.occurredAt ?? e.meta.recordedAt) >= Date.parse(plan.doses.occurredFrom)),
  );
}

describe('adherence as of a day from the month rows (docs/analytics.md)', () => {
  it('gives what replaying the whole history up to T gives, reading a fraction of it', () => {
    let fast = 0;
    let read_ = 0;
    let full = 0;
    for (let k = 0; k < 80; k++) {
      const asOf = iso(START + 20 * DAY + Math.floor(((k * 7_919) % 80) * 9.2 * DAY) + k * 3_600_000);
      const replayed = patientAsOf(
        'adherence',
        PATIENT,
        all.filter((e) => Date.parse(e.meta.recordedAt) <= Date.parse(asOf)),
        asOf,
        'recorded',
      );
      const plan = planAdherenceAsOf(stored, asOf, null);
      const events = plan ? read(plan) : [];
      const answer = plan ? adherenceAsOf(PATIENT, stored, plan, events, asOf) : null;
      if (answer === null) continue;
      fast++;
      read_ += events.length;
      full += all.filter((e) => Date.parse(e.meta.recordedAt) <= Date.parse(asOf)).length;
      expect({ asOf, data: answer.data }).toEqual({ asOf, data: replayed.data });
    }
    expect(fast).toBeGreaterThan(60);
    expect(read_ * 2).toBeLessThan(full);
  });

  it('replays everything when the projection has not applied events recorded by T', () => {
    const asOf = iso(START + 400 * DAY);
    expect(planAdherenceAsOf(stored, asOf, iso(START + 399 * DAY))).toBeNull();
    expect(planAdherenceAsOf(stored, asOf, iso(START + 401 * DAY))).not.toBeNull();
    expect(planAdherenceAsOf(undefined, asOf, null)).toBeNull();
  });

  it('reads an old month again when an event recorded after T changed it', () => {
    const asOf = iso(START + 400 * DAY);
    const touched = JSON.parse(JSON.stringify(stored)) as AdherenceDoc;
    touched.medications[MED]!.monthsRecordedUntil!['2024-03'] = iso(START + 401 * DAY);
    expect(planAdherenceAsOf(stored, asOf, null)?.fromMonth).toBe('2025-01');
    expect(planAdherenceAsOf(touched, asOf, null)?.fromMonth).toBe('2024-03');
  });

  it('replays everything when a correction moves a dose from before the window into it, or a prescription was voided', () => {
    const asOf = iso(START + 400 * DAY);
    const plan = planAdherenceAsOf(stored, asOf, null)!;
    const correction: ProjectedEvent = {
      event: {
        type: 'EntryCorrected',
        data: {
          patientId: PATIENT,
          eventId: 'e-3',
          eventType: 'DoseTaken',
          stream: 'test',
          changes: [{ field: 'occurredAt', value: asOf }],
          reason: null,
        },
      } as unknown as DomainEvent,
      meta: { eventId: 'c-1', streamName: 'test', position: 99_999, recordedAt: asOf, occurredAt: null },
    };
    expect(adherenceAsOf(PATIENT, stored, plan, [...read(plan), correction], asOf)).toBeNull();
    const voided = JSON.parse(JSON.stringify(stored)) as AdherenceDoc;
    voided.medications[MED]!.voided = true;
    expect(planAdherenceAsOf(voided, asOf, null)).toBeNull();
  });
});
