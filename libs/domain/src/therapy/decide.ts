import { requireEnrolled, requireOpenPlan, requireTeamMember } from '../care-plan/access';
import type { CarePlanState } from '../care-plan/state';
import { actorRef, type CommandContext } from '../shared/actor';
import { assertNever } from '../shared/assert-never';
import { InvalidValue } from '../shared/errors';
import { resolveOccurredAt } from '../shared/time';
import { isIntegerInRange, optionalText } from '../shared/validation';
import type { TherapyCommand } from './commands';
import {
  MedicationOnlyTrackHasNoTherapy,
  NoTherapyPrescribed,
  TherapyAlreadyPrescribed,
  TherapyUnchanged,
} from './errors';
import type { TherapyEvent, TherapyFrequency, TherapyModality } from './events';

export function decideTherapy(command: TherapyCommand, state: CarePlanState, context: CommandContext): TherapyEvent[] {
  const patient = requireEnrolled(state, command.data.patientId);
  requireTeamMember(patient, context.actor);
  const plan = requireOpenPlan(patient);
  const base = { patientId: patient.patientId, carePlanId: plan.carePlanId };
  const by = actorRef(context.actor);
  const occurredAt = resolveOccurredAt(command.data.occurredAt, context.now);

  switch (command.type) {
    case 'PrescribeTherapy': {
      if (plan.track === 'medication-only') throw new MedicationOnlyTrackHasNoTherapy('therapy prescription');
      if (plan.therapy) throw new TherapyAlreadyPrescribed();
      const { modality, frequency } = command.data;
      return [
        {
          type: 'TherapyPrescribed',
          data: {
            ...base,
            modality,
            modalityDetail: modalityDetail(modality, command.data.modalityDetail),
            frequency: validFrequency(frequency),
            prescribedBy: by,
            occurredAt,
          },
        },
      ];
    }
    case 'ChangeTherapyModality': {
      if (!plan.therapy) throw new NoTherapyPrescribed();
      const { modality } = command.data;
      if (modality === plan.therapy.modality && modality !== 'other') throw new TherapyUnchanged('modality');
      return [
        {
          type: 'TherapyModalityChanged',
          data: {
            ...base,
            from: plan.therapy.modality,
            to: modality,
            modalityDetail: modalityDetail(modality, command.data.modalityDetail),
            reason: optionalText(command.data.reason, 'reason'),
            changedBy: by,
            occurredAt,
          },
        },
      ];
    }
    case 'ChangeTherapyFrequency': {
      if (!plan.therapy) throw new NoTherapyPrescribed();
      const to = validFrequency(command.data.frequency);
      const from = plan.therapy.frequency;
      if (to.sessions === from.sessions && to.per === from.per) throw new TherapyUnchanged('frequency');
      return [{ type: 'TherapyFrequencyChanged', data: { ...base, from, to, changedBy: by, occurredAt } }];
    }
    default:
      return assertNever(command);
  }
}

function validFrequency(frequency: TherapyFrequency): TherapyFrequency {
  if (!isIntegerInRange(frequency.sessions, 1, 31))
    throw new InvalidValue('frequency.sessions', 'must be an integer from 1 to 31');
  return { sessions: frequency.sessions, per: frequency.per };
}

function modalityDetail(modality: TherapyModality, detail: string | null | undefined): string | null {
  const text = optionalText(detail, 'modalityDetail');
  if (modality === 'other' && text === null)
    throw new InvalidValue('modalityDetail', 'must name the modality when it is "other"');
  return text;
}
