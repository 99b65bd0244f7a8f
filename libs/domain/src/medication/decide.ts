import { requireEnrolled, requireOpenPlan, requireTeamPrescriber } from '../care-plan/access';
import type { AdjustmentState, CarePlanState, EnrolledPatient, MedicationState } from '../care-plan/state';
import type { CommandContext } from '../shared/actor';
import { assertNever } from '../shared/assert-never';
import { InvalidValue } from '../shared/errors';
import { isBefore, resolveOccurredAt, toMillis } from '../shared/time';
import { isIntegerInRange, optionalText, requireText } from '../shared/validation';
import type { DoseScheduleInput, MedicationCommand } from './commands';
import {
  AdjustmentNotFound,
  AdjustmentNotPending,
  DateBeforeMedicationStart,
  InvalidDoseSchedule,
  MedicationAlreadyDiscontinued,
  MedicationAlreadyPrescribed,
  MedicationNotFound,
  PendingAdjustmentsDecisionRequired,
  TherapyOnlyTrackHasNoMedication,
} from './errors';
import type { DayOfWeek, DoseAdjustmentCancelled, DoseSchedule, MedicationEvent, Strength } from './events';
import { changeInEffect, pendingChanges } from './regimen';

const DAYS: readonly DayOfWeek[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WALL_CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

export function decideMedication(
  command: MedicationCommand,
  state: CarePlanState,
  context: CommandContext,
): MedicationEvent[] {
  const patient = requireEnrolled(state, command.data.patientId);
  requireTeamPrescriber(patient, context.actor);
  const plan = requireOpenPlan(patient);
  const base = { patientId: patient.patientId, carePlanId: plan.carePlanId, medicationId: command.data.medicationId };
  const prescriberId = context.actor.userId;
  const occurredAt = resolveOccurredAt(command.data.occurredAt, context.now);

  switch (command.type) {
    case 'PrescribeMedication': {
      if (plan.track === 'therapy-only') throw new TherapyOnlyTrackHasNoMedication([]);
      if (patient.medications[command.data.medicationId])
        throw new MedicationAlreadyPrescribed(command.data.medicationId);
      const { drug, strength, schedule, startsAt } = command.data;
      toMillis(startsAt, 'startsAt');
      return [
        {
          type: 'MedicationPrescribed',
          data: {
            ...base,
            drug: { name: requireText(drug.name, 'drug.name'), rxNormCode: drug.rxNormCode ?? null },
            strength: validStrength(strength),
            schedule: validSchedule(schedule),
            startsAt,
            instructions: optionalText(command.data.instructions, 'instructions'),
            prescriberId,
            occurredAt,
          },
        },
      ];
    }
    case 'AdjustDose': {
      const medication = requireCurrent(patient, command.data.medicationId, context.now);
      const { effectiveFrom, pendingAdjustments } = command.data;
      if (isBefore(effectiveFrom, medication.startsAt)) {
        throw new DateBeforeMedicationStart('effectiveFrom', effectiveFrom, medication.startsAt);
      }
      const from = toMillis(effectiveFrom, 'effectiveFrom');
      // A back-dated adjustment leaves a later pending one in force by the effective-date rule; the
      // prescriber says so, or withdraws it, explicitly (docs/clinical-rules.md, "Regimen on a day").
      const later = pendingChanges(medication.adjustments, effectiveMillis, toMillis(occurredAt, 'occurredAt')).filter(
        (a) => effectiveMillis(a) > from,
      );
      if (later.length > 0 && pendingAdjustments === undefined)
        throw new PendingAdjustmentsDecisionRequired(later.map((a) => a.eventId));
      const reason = optionalText(command.data.reason, 'reason');
      const cancellations: DoseAdjustmentCancelled[] =
        pendingAdjustments === 'cancel'
          ? later.map((a) => ({
              type: 'DoseAdjustmentCancelled',
              data: { ...base, adjustmentId: a.eventId, reason, prescriberId, occurredAt },
            }))
          : [];
      return [
        ...cancellations,
        {
          type: 'DoseAdjusted',
          data: {
            ...base,
            supersedes:
              changeInEffect(medication.adjustments, effectiveMillis, from)?.eventId ?? medication.prescribedEventId,
            strength: validStrength(command.data.strength),
            schedule: validSchedule(command.data.schedule),
            effectiveFrom,
            reason,
            prescriberId,
            occurredAt,
          },
        },
      ];
    }
    case 'CancelDoseAdjustment': {
      const medication = requireCurrent(patient, command.data.medicationId, context.now);
      const { adjustmentId } = command.data;
      const adjustment = medication.adjustments.find((a) => a.eventId === adjustmentId);
      if (!adjustment) throw new AdjustmentNotFound(medication.medicationId, adjustmentId);
      if (adjustment.cancelled) throw new AdjustmentNotPending(adjustmentId, 'is already cancelled');
      // Once in effect, doses were taken under it: only a correction (entered in error) can remove it.
      if (!isBefore(occurredAt, adjustment.effectiveFrom))
        throw new AdjustmentNotPending(adjustmentId, `took effect at ${adjustment.effectiveFrom}`);
      return [
        {
          type: 'DoseAdjustmentCancelled',
          data: {
            ...base,
            adjustmentId,
            reason: optionalText(command.data.reason, 'reason'),
            prescriberId,
            occurredAt,
          },
        },
      ];
    }
    case 'DiscontinueMedication': {
      const medication = requireCurrent(patient, command.data.medicationId, context.now);
      const stoppedAt = command.data.stoppedAt ?? context.now;
      if (isBefore(stoppedAt, medication.startsAt))
        throw new DateBeforeMedicationStart('stoppedAt', stoppedAt, medication.startsAt);
      return [
        {
          type: 'MedicationDiscontinued',
          data: {
            ...base,
            stoppedAt,
            reason: command.data.reason,
            reasonDetail: optionalText(command.data.reasonDetail, 'reasonDetail'),
            prescriberId,
            occurredAt,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

const effectiveMillis = (a: AdjustmentState): number => toMillis(a.effectiveFrom, 'effectiveFrom');

function requireCurrent(patient: EnrolledPatient, medicationId: string, now: string): MedicationState {
  const medication = patient.medications[medicationId];
  if (!medication) throw new MedicationNotFound(medicationId);
  if (medication.stoppedAt !== null && !isBefore(now, medication.stoppedAt)) {
    throw new MedicationAlreadyDiscontinued(medicationId, medication.stoppedAt);
  }
  return medication;
}

function validStrength(strength: Strength): Strength {
  if (!(strength.value > 0) || !Number.isFinite(strength.value))
    throw new InvalidValue('strength.value', 'must be a positive number');
  return { value: strength.value, unit: requireText(strength.unit, 'strength.unit') };
}

export function validSchedule(schedule: DoseScheduleInput): DoseSchedule {
  const { timesPerDay, daysOfWeek } = schedule;
  const times = schedule.times ?? null;
  if (!isIntegerInRange(timesPerDay, 1, 24))
    throw new InvalidDoseSchedule('timesPerDay must be an integer from 1 to 24');
  if (daysOfWeek.length === 0) throw new InvalidDoseSchedule('at least one day of the week is needed');
  if (new Set(daysOfWeek).size !== daysOfWeek.length || daysOfWeek.some((d) => !DAYS.includes(d))) {
    throw new InvalidDoseSchedule('days of the week must be distinct mon..sun');
  }
  if (times !== null && (times.length !== timesPerDay || times.some((t) => !WALL_CLOCK.test(t)))) {
    throw new InvalidDoseSchedule('times must be one HH:mm per daily dose');
  }
  return { timesPerDay, daysOfWeek: DAYS.filter((d) => daysOfWeek.includes(d)), times };
}
