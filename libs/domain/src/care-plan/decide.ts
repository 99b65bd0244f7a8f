import { actorRef, isCareTeamRole, type ActorRole, type CareTeamRole, type CommandContext } from '../shared/actor';
import { assertNever } from '../shared/assert-never';
import { RoleNotPermitted } from '../shared/errors';
import { assertIsoDate, resolveOccurredAt } from '../shared/time';
import { optionalText, requireText } from '../shared/validation';
import { currentMedications } from '../medication/activity';
import { TherapyOnlyTrackHasNoMedication } from '../medication/errors';
import { requireEnrolled, requireOpenPlan, requireTeamMember } from './access';
import type { CarePlanCommand } from './commands';
import {
  AlreadyOnCareTeam,
  CarePlanAlreadyOpen,
  CarePlanHasActiveMedications,
  CareTeamCannotBeEmpty,
  CareTeamMemberNotFound,
  GoalAlreadyAchieved,
  GoalAlreadyExists,
  GoalNotFound,
  PatientAlreadyEnrolled,
  LastPrescriberWithActiveMedications,
  TrackUnchanged,
} from './errors';
import { DEFAULT_TIME_ZONE, isValidTimeZone, UnknownTimeZone } from '../shared/calendar';
import type { CarePlanEvent } from './events';
import type { CarePlanState, EnrolledPatient } from './state';

export function decideCarePlan(
  command: CarePlanCommand,
  state: CarePlanState,
  context: CommandContext,
): CarePlanEvent[] {
  const { now, actor } = context;
  const by = actorRef(actor);
  const occurredAt = resolveOccurredAt(command.data.occurredAt, now);

  if (command.type === 'EnrolPatient') {
    const { patientId, name, contact, timeZone = DEFAULT_TIME_ZONE } = command.data;
    if (state.status === 'enrolled') throw new PatientAlreadyEnrolled(patientId);
    // Resolved by the runtime's zone database, as the read models will count days in it (docs/clinical-rules.md, "Days and time zones").
    if (!isValidTimeZone(timeZone)) throw new UnknownTimeZone(timeZone);
    requireText(name.given, 'name.given');
    requireText(name.family, 'name.family');
    return [
      {
        type: 'PatientEnrolled',
        data: {
          patientId,
          timeZone,
          name: { given: name.given, family: name.family },
          contact: { email: contact?.email ?? null, phone: contact?.phone ?? null },
          enrolledBy: by,
          occurredAt,
        },
      },
      // The enrolling clinician founds the care team; everyone else is added by a member.
      {
        type: 'CareTeamMemberAssigned',
        data: {
          patientId,
          userId: actor.userId,
          role: requireClinicianRole(actor.role),
          chosenByPatient: false,
          assignedBy: by,
          occurredAt,
        },
      },
    ];
  }

  const patient = requireEnrolled(state, command.data.patientId);
  requireTeamMember(patient, actor);
  const { patientId } = patient;

  switch (command.type) {
    case 'StartCarePlan': {
      if (patient.plan) throw new CarePlanAlreadyOpen(patient.plan.carePlanId);
      const { carePlanId, track } = command.data;
      if (track === 'therapy-only') assertNoCurrentMedication(patient.medications, now);
      return [{ type: 'CarePlanStarted', data: { patientId, carePlanId, track, startedBy: by, occurredAt } }];
    }
    case 'ChangeTreatmentTrack': {
      const plan = requireOpenPlan(patient);
      const { track, reason } = command.data;
      if (track === plan.track) throw new TrackUnchanged(track);
      if (track === 'therapy-only') assertNoCurrentMedication(patient.medications, now);
      return [
        {
          type: 'TreatmentTrackChanged',
          data: {
            patientId,
            carePlanId: plan.carePlanId,
            from: plan.track,
            to: track,
            reason: requireText(reason, 'reason'),
            changedBy: by,
            occurredAt,
          },
        },
      ];
    }
    case 'ReviewCarePlan': {
      const plan = requireOpenPlan(patient);
      const nextReviewDue = command.data.nextReviewDue ?? null;
      if (nextReviewDue !== null) assertIsoDate(nextReviewDue, 'nextReviewDue');
      return [
        {
          type: 'CarePlanReviewed',
          data: {
            patientId,
            carePlanId: plan.carePlanId,
            summary: optionalText(command.data.summary, 'summary'),
            nextReviewDue,
            reviewedBy: by,
            occurredAt,
          },
        },
      ];
    }
    case 'CloseCarePlan': {
      const plan = requireOpenPlan(patient);
      // Closing needs each medication's stop time on record, or PDC would count days forever.
      const current = currentMedications(patient.medications, now);
      if (current.length > 0) throw new CarePlanHasActiveMedications(current.map((m) => m.medicationId));
      return [
        {
          type: 'CarePlanClosed',
          data: {
            patientId,
            carePlanId: plan.carePlanId,
            reason: command.data.reason,
            note: optionalText(command.data.note, 'note'),
            closedBy: by,
            occurredAt,
          },
        },
      ];
    }
    case 'AssignCareTeamMember': {
      const { userId, role, chosenByPatient } = command.data;
      if (patient.team.some((m) => m.userId === userId)) throw new AlreadyOnCareTeam(userId);
      return [
        {
          type: 'CareTeamMemberAssigned',
          data: { patientId, userId, role, chosenByPatient, assignedBy: by, occurredAt },
        },
      ];
    }
    case 'RemoveCareTeamMember': {
      const { userId } = command.data;
      const member = patient.team.find((m) => m.userId === userId);
      if (!member) throw new CareTeamMemberNotFound(userId);
      if (patient.team.length === 1) throw new CareTeamCannotBeEmpty();
      const otherPrescriber = patient.team.some((m) => m.role === 'prescriber' && m.userId !== userId);
      if (member.role === 'prescriber' && !otherPrescriber && currentMedications(patient.medications, now).length > 0) {
        throw new LastPrescriberWithActiveMedications(userId);
      }
      return [
        {
          type: 'CareTeamMemberRemoved',
          data: {
            patientId,
            userId,
            role: member.role,
            reason: optionalText(command.data.reason, 'reason'),
            removedBy: by,
            occurredAt,
          },
        },
      ];
    }
    case 'SetTreatmentGoal': {
      const plan = requireOpenPlan(patient);
      const { goalId, description } = command.data;
      if (plan.goals[goalId] !== undefined) throw new GoalAlreadyExists(goalId);
      const targetDate = command.data.targetDate ?? null;
      if (targetDate !== null) assertIsoDate(targetDate, 'targetDate');
      return [
        {
          type: 'TreatmentGoalSet',
          data: {
            patientId,
            carePlanId: plan.carePlanId,
            goalId,
            description: requireText(description, 'description'),
            targetDate,
            setBy: by,
            occurredAt,
          },
        },
      ];
    }
    case 'MarkGoalAchieved': {
      const plan = requireOpenPlan(patient);
      const { goalId } = command.data;
      const status = plan.goals[goalId];
      if (status === undefined) throw new GoalNotFound(goalId);
      if (status === 'achieved') throw new GoalAlreadyAchieved(goalId);
      return [
        {
          type: 'TreatmentGoalAchieved',
          data: { patientId, carePlanId: plan.carePlanId, goalId, recordedBy: by, occurredAt },
        },
      ];
    }
    case 'ReviseTreatmentGoal': {
      const plan = requireOpenPlan(patient);
      const { goalId, description } = command.data;
      const status = plan.goals[goalId];
      if (status === undefined) throw new GoalNotFound(goalId);
      if (status === 'achieved') throw new GoalAlreadyAchieved(goalId);
      const targetDate = command.data.targetDate ?? null;
      if (targetDate !== null) assertIsoDate(targetDate, 'targetDate');
      return [
        {
          type: 'TreatmentGoalRevised',
          data: {
            patientId,
            carePlanId: plan.carePlanId,
            goalId,
            description: requireText(description, 'description'),
            targetDate,
            reason: optionalText(command.data.reason, 'reason'),
            revisedBy: by,
            occurredAt,
          },
        },
      ];
    }
    case 'RecordHolisticContext': {
      const { lifestyle, supportSystem, comorbidConditions = [] } = command.data;
      comorbidConditions.forEach((c, i) => requireText(c.description, `comorbidConditions[${i}].description`));
      return [
        {
          type: 'HolisticContextRecorded',
          data: {
            patientId,
            lifestyle: optionalText(lifestyle, 'lifestyle'),
            supportSystem: optionalText(supportSystem, 'supportSystem'),
            comorbidConditions: comorbidConditions.map((c) => ({ code: c.code ?? null, description: c.description })),
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

function assertNoCurrentMedication(medications: EnrolledPatient['medications'], now: string): void {
  const current = currentMedications(medications, now);
  if (current.length > 0) throw new TherapyOnlyTrackHasNoMedication(current.map((m) => m.medicationId));
}

function requireClinicianRole(role: ActorRole): CareTeamRole {
  if (!isCareTeamRole(role)) throw new RoleNotPermitted(role, 'EnrolPatient');
  return role;
}
