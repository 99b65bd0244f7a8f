import { requireEnrolled, requireSelfOrTeamMember, requireTeamPrescriber } from '../care-plan/access';
import type { CarePlanState } from '../care-plan/state';
import { MedicationNotFound } from '../medication/errors';
import { actorRef, type CommandContext } from '../shared/actor';
import { assertNever } from '../shared/assert-never';
import { resolveOccurredAt } from '../shared/time';
import { isIntegerInRange, optionalText, requireText } from '../shared/validation';
import type { SafetyCommand } from './commands';
import { FibserOutOfRange, SideEffectAlreadyReported, SideEffectAlreadyResolved, SideEffectNotFound } from './errors';
import type { Fibser, SafetyEvent, Severity } from './events';
import type { SideEffectState } from './state';

/** FIBSER burden 5-6 means the side effect substantially impairs functioning (Wisniewski et al., 2006). */
export const URGENT_FIBSER_BURDEN = 5;

export type SideEffectDecisionState = { readonly plan: CarePlanState; readonly sideEffect: SideEffectState };

/** A severe side effect, or FIBSER burden >= 5, opens an urgent item for the prescriber (docs/clinical-rules.md, "Urgent side effects"). */
export function isUrgent(severity: Severity, fibser: Fibser | null): boolean {
  return severity === 'severe' || (fibser !== null && fibser.burden >= URGENT_FIBSER_BURDEN);
}

export function decideSideEffect(
  command: SafetyCommand,
  state: SideEffectDecisionState,
  context: CommandContext,
): SafetyEvent[] {
  const patient = requireEnrolled(state.plan, command.data.patientId);
  const { sideEffectId } = command.data;
  const base = { patientId: patient.patientId, sideEffectId };
  const by = actorRef(context.actor);

  switch (command.type) {
    case 'ReportSideEffect': {
      requireSelfOrTeamMember(patient, context.actor);
      if (state.sideEffect.status !== 'none') throw new SideEffectAlreadyReported(sideEffectId);
      const suspectedMedicationId = command.data.suspectedMedicationId ?? null;
      if (suspectedMedicationId !== null && !patient.medications[suspectedMedicationId]) {
        throw new MedicationNotFound(suspectedMedicationId);
      }
      const fibser = command.data.fibser ? validFibser(command.data.fibser) : null;
      const { severity } = command.data;
      return [
        {
          type: 'SideEffectReported',
          data: {
            ...base,
            symptom: requireText(command.data.symptom, 'symptom'),
            severity,
            suspectedMedicationId,
            fibser,
            urgent: isUrgent(severity, fibser),
            reportedBy: by,
            occurredAt: resolveOccurredAt(command.data.occurredAt, context.now),
          },
        },
      ];
    }
    case 'ReviewSideEffect':
      requireTeamPrescriber(patient, context.actor);
      if (state.sideEffect.status === 'none') throw new SideEffectNotFound(sideEffectId);
      return [
        {
          type: 'SideEffectReviewed',
          data: {
            ...base,
            action: command.data.action,
            note: optionalText(command.data.note, 'note'),
            reviewedBy: by,
            occurredAt: context.now,
          },
        },
      ];
    case 'ResolveSideEffect':
      requireSelfOrTeamMember(patient, context.actor);
      if (state.sideEffect.status === 'none') throw new SideEffectNotFound(sideEffectId);
      if (state.sideEffect.status === 'resolved') throw new SideEffectAlreadyResolved(sideEffectId);
      return [
        {
          type: 'SideEffectResolved',
          data: {
            ...base,
            note: optionalText(command.data.note, 'note'),
            recordedBy: by,
            occurredAt: resolveOccurredAt(command.data.occurredAt, context.now),
          },
        },
      ];
    default:
      return assertNever(command);
  }
}

function validFibser(fibser: Fibser): Fibser {
  for (const item of ['frequency', 'intensity', 'burden'] as const) {
    if (!isIntegerInRange(fibser[item], 0, 6)) throw new FibserOutOfRange(item, fibser[item]);
  }
  return { frequency: fibser.frequency, intensity: fibser.intensity, burden: fibser.burden };
}
