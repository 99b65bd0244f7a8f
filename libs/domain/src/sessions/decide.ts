import { requireEnrolled, requireOpenPlan, requireTeamMember } from '../care-plan/access';
import type { CarePlanState, EnrolledPatient } from '../care-plan/state';
import { actorRef, type CommandContext } from '../shared/actor';
import { assertNever } from '../shared/assert-never';
import { InvalidValue } from '../shared/errors';
import { CLOCK_SKEW_TOLERANCE_MS, resolveOccurredAt, toMillis } from '../shared/time';
import { isIntegerInRange, optionalText, requireText } from '../shared/validation';
import { MedicationOnlyTrackHasNoTherapy } from '../therapy/errors';
import type { SessionCommand } from './commands';
import {
  SessionAlreadyClosed,
  SessionAlreadyScheduled,
  SessionInPast,
  SessionNotFound,
  SessionNotYetDue,
} from './errors';
import type { SessionEvent, SessionKind } from './events';
import type { SessionState } from './state';

export type SessionDecisionState = { readonly plan: CarePlanState; readonly session: SessionState };

export function decideSession(
  command: SessionCommand,
  state: SessionDecisionState,
  context: CommandContext,
): SessionEvent[] {
  const patient = requireEnrolled(state.plan, command.data.patientId);
  requireTeamMember(patient, context.actor);
  const { now } = context;
  const { sessionId } = command.data;
  const recordedBy = actorRef(context.actor);
  const session = state.session;

  if (command.type === 'ScheduleSession') {
    if (session.status !== 'none') throw new SessionAlreadyScheduled(sessionId);
    const { kind, scheduledFor, durationMinutes } = command.data;
    assertTrackAllows(patient, kind);
    assertInFuture(scheduledFor, now);
    if (!isIntegerInRange(durationMinutes, 5, 480))
      throw new InvalidValue('durationMinutes', 'must be 5 to 480 minutes');
    const clinicianId = command.data.clinicianId ?? context.actor.userId;
    if (!patient.team.some((m) => m.userId === clinicianId))
      throw new InvalidValue('clinicianId', 'must be on the care team');
    return [
      {
        type: 'SessionScheduled',
        data: {
          patientId: patient.patientId,
          sessionId,
          kind,
          scheduledFor,
          durationMinutes,
          clinicianId,
          scheduledBy: recordedBy,
          occurredAt: now,
        },
      },
    ];
  }

  if (session.status === 'none') throw new SessionNotFound(sessionId);
  if (session.status !== 'scheduled') throw new SessionAlreadyClosed(sessionId, session.status);
  const base = { patientId: patient.patientId, sessionId, kind: session.kind };

  switch (command.type) {
    case 'RecordSessionAttended': {
      assertDue(sessionId, session.scheduledFor, now);
      const occurredAt = resolveOccurredAt(command.data.occurredAt ?? session.scheduledFor, now);
      return [{ type: 'SessionAttended', data: { ...base, recordedBy, occurredAt } }];
    }
    case 'RecordSessionMissed': {
      assertDue(sessionId, session.scheduledFor, now);
      const occurredAt = resolveOccurredAt(command.data.occurredAt ?? session.scheduledFor, now);
      return [
        {
          type: 'SessionMissed',
          data: { ...base, reason: optionalText(command.data.reason, 'reason'), recordedBy, occurredAt },
        },
      ];
    }
    case 'CancelSession':
      return [
        {
          type: 'SessionCancelled',
          data: {
            ...base,
            cancelledBy: command.data.cancelledBy,
            reason: requireText(command.data.reason, 'reason'),
            recordedBy,
            occurredAt: now,
          },
        },
      ];
    case 'RescheduleSession': {
      const { scheduledFor } = command.data;
      assertTrackAllows(patient, session.kind);
      assertInFuture(scheduledFor, now);
      return [
        {
          type: 'SessionRescheduled',
          data: {
            patientId: patient.patientId,
            sessionId,
            from: session.scheduledFor,
            to: scheduledFor,
            reason: optionalText(command.data.reason, 'reason'),
            recordedBy,
            occurredAt: now,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

/** A medication-only track has no therapy sessions scheduled after the switch (docs/domain.md, "Choices"). */
function assertTrackAllows(patient: EnrolledPatient, kind: SessionKind): void {
  const plan = requireOpenPlan(patient);
  if (kind === 'psychotherapy' && plan.track === 'medication-only') {
    throw new MedicationOnlyTrackHasNoTherapy('psychotherapy sessions');
  }
}

function assertInFuture(scheduledFor: string, now: string): void {
  if (toMillis(scheduledFor, 'scheduledFor') < toMillis(now, 'now')) throw new SessionInPast(scheduledFor);
}

function assertDue(sessionId: string, scheduledFor: string, now: string): void {
  if (toMillis(scheduledFor, 'scheduledFor') > toMillis(now, 'now') + CLOCK_SKEW_TOLERANCE_MS) {
    throw new SessionNotYetDue(sessionId, scheduledFor);
  }
}
