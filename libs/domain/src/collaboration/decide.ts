import { requireEnrolled, requireTeamMember } from '../care-plan/access';
import type { CarePlanState } from '../care-plan/state';
import { actorRef, careTeamRoles, type CommandContext } from '../shared/actor';
import { assertNever } from '../shared/assert-never';
import { InvalidValue } from '../shared/errors';
import { resolveOccurredAt } from '../shared/time';
import { requireText } from '../shared/validation';
import type { CollaborationNoteCommand, ConsultationCommand } from './commands';
import {
  ConsultationAddresseeNotOnTeam,
  ConsultationAlreadyAnswered,
  ConsultationAlreadyRequested,
  ConsultationNotFound,
  NotConsultationAddressee,
} from './errors';
import type { CollaborationNoteEvent, ConsultationEvent } from './events';
import type { ConsultationState } from './state';

export type ConsultationDecisionState = { readonly plan: CarePlanState; readonly consultation: ConsultationState };
/** Notes and case reviews need no history: each is a self-contained fact. */
export type CollaborationNoteDecisionState = { readonly plan: CarePlanState };

export function decideConsultation(
  command: ConsultationCommand,
  state: ConsultationDecisionState,
  context: CommandContext,
): ConsultationEvent[] {
  const patient = requireEnrolled(state.plan, command.data.patientId);
  const member = requireTeamMember(patient, context.actor);
  const { consultationId } = command.data;
  const base = { patientId: patient.patientId, consultationId };
  const consultation = state.consultation;

  switch (command.type) {
    case 'RequestConsultation': {
      if (consultation.status !== 'none') throw new ConsultationAlreadyRequested(consultationId);
      const { requestedRole, topic, urgency } = command.data;
      if (!patient.team.some((m) => m.role === requestedRole && m.userId !== member.userId)) {
        throw new ConsultationAddresseeNotOnTeam(requestedRole);
      }
      return [
        {
          type: 'ConsultationRequested',
          data: {
            ...base,
            requestedBy: actorRef(context.actor),
            requestedRole,
            topic: requireText(topic, 'topic'),
            urgency,
            occurredAt: context.now,
          },
        },
      ];
    }
    case 'AnswerConsultation': {
      if (consultation.status === 'none') throw new ConsultationNotFound(consultationId);
      // Who may answer is settled before the state is revealed to them.
      if (member.role !== consultation.requestedRole)
        throw new NotConsultationAddressee(member.userId, consultation.requestedRole);
      if (consultation.status === 'answered') throw new ConsultationAlreadyAnswered(consultationId);
      return [
        {
          type: 'ConsultationAnswered',
          data: {
            ...base,
            answeredBy: actorRef(context.actor),
            answer: requireText(command.data.answer, 'answer'),
            requestedAt: consultation.requestedAt,
            occurredAt: context.now,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

export function decideCollaborationNote(
  command: CollaborationNoteCommand,
  state: CollaborationNoteDecisionState,
  context: CommandContext,
): CollaborationNoteEvent[] {
  const patient = requireEnrolled(state.plan, command.data.patientId);
  requireTeamMember(patient, context.actor);
  const by = actorRef(context.actor);
  const occurredAt = resolveOccurredAt(command.data.occurredAt, context.now);

  switch (command.type) {
    case 'ShareCollaborationNote':
      return [
        {
          type: 'CollaborationNoteShared',
          data: {
            patientId: patient.patientId,
            noteId: command.data.noteId,
            author: by,
            audience: command.data.audience ?? [...careTeamRoles],
            body: requireText(command.data.body, 'body'),
            occurredAt,
          },
        },
      ];
    case 'HoldCaseReview': {
      const { attendees, decisions } = command.data;
      if (attendees.length === 0) throw new InvalidValue('attendees', 'must name who attended');
      decisions.forEach((d, i) => requireText(d, `decisions[${i}]`));
      return [
        {
          type: 'CaseReviewHeld',
          data: {
            patientId: patient.patientId,
            caseReviewId: command.data.caseReviewId,
            attendees: attendees.map((a) => ({ userId: a.userId, role: a.role })),
            decisions: [...decisions],
            recordedBy: by,
            occurredAt,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}
