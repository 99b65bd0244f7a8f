import { requireEnrolled, requireSelfOrTeamMember } from '../care-plan/access';
import type { CarePlanState, EnrolledPatient, MedicationState } from '../care-plan/state';
import { isActiveAt } from '../medication/activity';
import { MedicationNotFound } from '../medication/errors';
import { actorRef, type CommandContext } from '../shared/actor';
import { assertNever } from '../shared/assert-never';
import { CLOCK_SKEW_TOLERANCE_MS, assertNotInFuture, resolveOccurredAt, toMillis } from '../shared/time';
import { optionalText } from '../shared/validation';
import type { DoseCommand } from './commands';
import { DoseAlreadyRecorded, DoseNotYetDue, MedicationNotActive } from './errors';
import type { DoseEvent } from './events';
import { doseSlotOf, slotKey, type DoseMonthState } from './state';

/**
 * A dose taken more than two hours after its slot counts as late. A product choice, not a
 * clinical standard: it only splits "taken" from "late"; both cover the day for PDC.
 */
export const LATE_DOSE_AFTER_MS = 2 * 60 * 60_000;

export type DoseDecisionState = { readonly plan: CarePlanState; readonly month: DoseMonthState };

export function decideDose(command: DoseCommand, state: DoseDecisionState, context: CommandContext): DoseEvent[] {
  const patient = requireEnrolled(state.plan, command.data.patientId);
  requireSelfOrTeamMember(patient, context.actor);
  const { medicationId, scheduledFor } = command.data;
  const base = { patientId: patient.patientId, medicationId, scheduledFor };
  const recordedBy = actorRef(context.actor);
  const slot = doseSlotOf(state.month, slotKey(medicationId, scheduledFor));

  switch (command.type) {
    case 'RecordDoseTaken': {
      const { occurredAt } = command.data;
      assertNotInFuture(occurredAt, context.now, 'occurredAt');
      requireActiveAt(patient, medicationId, occurredAt);
      if (slot && slot.status !== 'missed') throw new DoseAlreadyRecorded(medicationId, scheduledFor, slot.status);
      // A missed dose later reported as taken counts as taken (and as late), not as missed (docs/clinical-rules.md, "Late and recorded late").
      if (slot?.status === 'missed') {
        return [{ type: 'DoseTakenLate', data: { ...base, occurredAt, supersedesMissed: slot.eventId, recordedBy } }];
      }
      if (toMillis(occurredAt, 'occurredAt') - toMillis(scheduledFor, 'scheduledFor') > LATE_DOSE_AFTER_MS) {
        return [{ type: 'DoseTakenLate', data: { ...base, occurredAt, supersedesMissed: null, recordedBy } }];
      }
      return [{ type: 'DoseTaken', data: { ...base, occurredAt, recordedBy } }];
    }
    case 'RecordDoseMissed': {
      if (toMillis(scheduledFor, 'scheduledFor') > toMillis(context.now, 'now') + CLOCK_SKEW_TOLERANCE_MS) {
        throw new DoseNotYetDue(scheduledFor);
      }
      const occurredAt =
        command.data.occurredAt === undefined ? scheduledFor : resolveOccurredAt(command.data.occurredAt, context.now);
      requireActiveAt(patient, medicationId, occurredAt);
      if (slot) throw new DoseAlreadyRecorded(medicationId, scheduledFor, slot.status);
      return [
        {
          type: 'DoseMissed',
          data: {
            ...base,
            occurredAt,
            reason: command.data.reason ?? null,
            reasonDetail: optionalText(command.data.reasonDetail, 'reasonDetail'),
            recordedBy,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

/** Doses are recorded only against a medication active on the plan at occurredAt (docs/domain.md, "Rules": MedicationNotActive). */
function requireActiveAt(patient: EnrolledPatient, medicationId: string, at: string): MedicationState {
  const medication = patient.medications[medicationId];
  if (!medication) throw new MedicationNotFound(medicationId);
  if (!isActiveAt(medication, at)) throw new MedicationNotActive(medicationId, at);
  return medication;
}
