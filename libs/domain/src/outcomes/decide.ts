import { requireEnrolled, requireSelfOrTeamMember } from '../care-plan/access';
import type { CarePlanState } from '../care-plan/state';
import { actorRef, type CommandContext } from '../shared/actor';
import { resolveOccurredAt } from '../shared/time';
import { isIntegerInRange } from '../shared/validation';
import type { OutcomeCommand } from './commands';
import { OutcomeItemsInvalid, OutcomeTotalMismatch, OutcomeTotalOutOfRange } from './errors';
import type { OutcomeEvent } from './events';
import { instruments } from './instruments';

/** Outcomes need no history: each questionnaire is checked on its own. */
export type OutcomeDecisionState = { readonly plan: CarePlanState };

export function decideOutcome(
  command: OutcomeCommand,
  state: OutcomeDecisionState,
  context: CommandContext,
): OutcomeEvent[] {
  const patient = requireEnrolled(state.plan, command.data.patientId);
  requireSelfOrTeamMember(patient, context.actor);
  const { instrument, items, total } = command.data;
  const definition = instruments[instrument];

  if (items.length !== definition.itemCount) {
    throw new OutcomeItemsInvalid(instrument, `expected ${definition.itemCount} answers, got ${items.length}`);
  }
  const badItem = items.findIndex((answer) => !isIntegerInRange(answer, 0, definition.itemMax));
  if (badItem >= 0) throw new OutcomeItemsInvalid(instrument, `item ${badItem + 1} must be 0-${definition.itemMax}`);
  if (!isIntegerInRange(total, 0, definition.totalMax))
    throw new OutcomeTotalOutOfRange(instrument, total, definition.totalMax);
  const sum = items.reduce((a, b) => a + b, 0);
  if (sum !== total) throw new OutcomeTotalMismatch(instrument, total, sum);

  return [
    {
      type: 'OutcomeMeasured',
      data: {
        patientId: patient.patientId,
        instrument,
        loinc: definition.loinc,
        items: [...items],
        total,
        administeredBy: actorRef(context.actor),
        occurredAt: resolveOccurredAt(command.data.occurredAt, context.now),
      },
    },
  ];
}
