import { requireEnrolled, requireTeamMember } from '../care-plan/access';
import { actorRef, type CommandContext } from '../shared/actor';
import { assertNever } from '../shared/assert-never';
import { isValidTimeZone, UnknownTimeZone } from '../shared/calendar';
import { InvalidValue, NotOwnRecord, RoleNotPermitted } from '../shared/errors';
import { isStreamOfPatient, streamCategory, type StreamCategory } from '../shared/streams';
import { resolveOccurredAt } from '../shared/time';
import { requireText } from '../shared/validation';
import type { CorrectionCommand } from './commands';
import { CorrectionTargetNotCorrectable, CorrectionTargetNotFound, EntryAlreadyEnteredInError } from './errors';
import type { CorrectionEvent, FieldChange } from './events';
import type { CorrectionDecisionState } from './state';

/** Patients amend only what they record themselves. */
const PATIENT_CORRECTABLE: readonly StreamCategory[] = ['doses', 'sideeffect', 'outcomes'];
/** Identity of an entry is not amendable: mark it entered in error and record the right one. */
const IDENTITY_FIELDS = ['patientId'];

export function decideCorrection(
  command: CorrectionCommand,
  state: CorrectionDecisionState,
  context: CommandContext,
): CorrectionEvent[] {
  const { patientId, stream, eventId } = command.data;
  const patient = requireEnrolled(state.plan, patientId);
  const { actor } = context;
  if (actor.role === 'patient') {
    if (actor.userId !== patientId) throw new NotOwnRecord(actor.userId, patientId);
    const category = streamCategory(stream);
    if (category === null || !PATIENT_CORRECTABLE.includes(category))
      throw new RoleNotPermitted(actor.role, command.type);
  } else {
    requireTeamMember(patient, actor);
  }

  const entry = state.entries[eventId];
  if (!isStreamOfPatient(stream, patientId) || !entry || entry.streamName !== stream || entry.patientId !== patientId) {
    throw new CorrectionTargetNotFound(eventId, stream);
  }
  if (entry.type === 'EntryCorrected' || entry.type === 'EntryEnteredInError')
    throw new CorrectionTargetNotCorrectable(entry.type);
  if (entry.status === 'entered-in-error') throw new EntryAlreadyEnteredInError(eventId);

  const base = {
    patientId,
    stream,
    eventId,
    eventType: entry.type,
    reason: requireText(command.data.reason, 'reason'),
  };
  const occurredAt = resolveOccurredAt(command.data.occurredAt, context.now);

  switch (command.type) {
    case 'CorrectEntry':
      return [
        {
          type: 'EntryCorrected',
          data: { ...base, changes: validChanges(command.data.changes), correctedBy: actorRef(actor), occurredAt },
        },
      ];
    case 'MarkEnteredInError':
      return [{ type: 'EntryEnteredInError', data: { ...base, markedBy: actorRef(actor), occurredAt } }];
    default:
      return assertNever(command);
  }
}

function validChanges(changes: FieldChange[]): FieldChange[] {
  if (changes.length === 0) throw new InvalidValue('changes', 'must amend at least one field');
  for (const change of changes) {
    requireText(change.field, 'changes[].field');
    if (IDENTITY_FIELDS.includes(change.field))
      throw new InvalidValue(`changes.${change.field}`, 'is the identity of the entry and cannot be amended');
    // A corrected zone is checked as at enrolment: days are counted in it (docs/clinical-rules.md, "Days and time zones").
    if (change.field === 'timeZone' && !isValidTimeZone(change.value)) throw new UnknownTimeZone(String(change.value));
  }
  return changes.map((c) => ({ field: c.field, value: c.value }));
}
