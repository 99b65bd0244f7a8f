import { commandDeciders, commandStreams, handleCommand, type HistoryEvent } from './command-deciders';
import type { CommandType } from './commands';
import { streamFor, type DomainEvent } from './events';
import { RoleNotPermitted } from './shared/errors';
import { streamCategory } from './shared/streams';
import { addDays } from './testing/dates';
import {
  MED,
  NOW,
  PATIENT,
  admin,
  analyst,
  as,
  integratedPlan,
  patientUser,
  prescribed,
  prescriber,
} from './testing/fixtures';
import { given } from './testing/given-when-then';
import { sampleCommands } from './testing/sample-commands';

const commandTypes = Object.keys(sampleCommands) as CommandType[];

describe('the command table', () => {
  it('has one entry per command type', () => {
    expect(Object.keys(commandDeciders).sort()).toEqual([...commandTypes].sort());
  });

  it.each(commandTypes)('%s loads its target stream and, unless it is the care plan, the care plan first', (type) => {
    const { target, load } = commandStreams(sampleCommands[type], as(prescriber));
    expect(load).toContain(target);
    expect(load[0]).toBe(`careplan-${PATIENT}`);
    expect(load.length).toBeLessThanOrEqual(2);
  });

  it.each(commandTypes)('rule admin and analyst write no clinical events: %s', (type) => {
    for (const actor of [admin, analyst]) {
      given(integratedPlan).when(sampleCommands[type], as(actor)).thenThrows(RoleNotPermitted);
    }
  });

  it('refuses to return events for a stream other than the target (a decider bug, not a user error)', () => {
    const forged = {
      ...commandDeciders.ReviewCarePlan,
      decide: (): DomainEvent[] => [prescribed({ patientId: 'p-9' })],
    };
    const original = commandDeciders.ReviewCarePlan.decide;
    Object.assign(commandDeciders.ReviewCarePlan, { decide: forged.decide });
    try {
      expect(() => handleCommand(sampleCommands.ReviewCarePlan, [], as(prescriber))).toThrow(/not its target/);
    } finally {
      Object.assign(commandDeciders.ReviewCarePlan, { decide: original });
    }
  });
});

describe('bounded loads', () => {
  // Five years of three doses a day is 5,475 dose events; a dose command must not see them.
  const fiveYearsOfDoses = (): DomainEvent[] => {
    const events: DomainEvent[] = [];
    for (let day = 0; day < 5 * 365; day++) {
      for (const hour of ['08', '14', '20']) {
        const scheduledFor = `${addDays('2021-03-15', day)}T${hour}:00:00Z`;
        events.push({
          type: 'DoseTaken',
          data: {
            patientId: PATIENT,
            medicationId: MED,
            scheduledFor,
            occurredAt: scheduledFor,
            recordedBy: patientUser,
          },
        });
      }
    }
    return events;
  };

  it('a dose command folds the care plan plus one month of doses, whatever the history length', () => {
    const history = [...integratedPlan, prescribed({ startsAt: '2021-03-01T00:00:00Z' }), ...fiveYearsOfDoses()];
    const recorded: HistoryEvent[] = history.map((event, i) => ({
      event,
      meta: { eventId: `e${i}`, streamName: streamFor(event) },
    }));
    const command = sampleCommands.RecordDoseTaken;
    const { load } = commandStreams(
      {
        ...command,
        data: { ...command.data, scheduledFor: '2026-03-10T21:00:00Z', occurredAt: '2026-03-10T21:00:00Z' },
      },
      as(patientUser),
    );
    const loaded = recorded.filter((r) => load.includes(r.meta.streamName));

    expect(recorded.length).toBeGreaterThan(5_000);
    expect(loaded.length).toBeLessThanOrEqual(5 + 31 * 3);
    expect(new Set(loaded.map((r) => streamCategory(r.meta.streamName)))).toEqual(new Set(['careplan', 'doses']));
  });

  it('the same command is decided from that bounded slice', () => {
    given([...integratedPlan, prescribed()])
      .when(sampleCommands.RecordDoseTaken, { now: NOW, actor: { userId: PATIENT, role: 'patient' } })
      .then([
        {
          type: 'DoseTaken',
          data: {
            patientId: PATIENT,
            medicationId: MED,
            scheduledFor: '2026-03-10T08:00:00Z',
            occurredAt: '2026-03-10T08:05:00Z',
            recordedBy: patientUser,
          },
        },
      ]);
  });
});
