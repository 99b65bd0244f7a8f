import type { Actor, CareTeamRole } from '../shared/actor';
import { NotOnCareTeam, NotOwnRecord, NotTeamPrescriber, PatientNotEnrolled } from '../shared/errors';
import { NoOpenCarePlan } from './errors';
import type { CareTeamMember, CarePlanState, EnrolledPatient, OpenCarePlan } from './state';

/** Nothing is recorded about a patient before enrolment. */
export function requireEnrolled(state: CarePlanState, patientId: string): EnrolledPatient {
  if (state.status !== 'enrolled' || state.patientId !== patientId) throw new PatientNotEnrolled(patientId);
  return state;
}

export function requireOpenPlan(patient: EnrolledPatient): OpenCarePlan {
  if (!patient.plan) throw new NoOpenCarePlan(patient.patientId);
  return patient.plan;
}

/** Clinicians write only for patients whose care team they are on. */
export function requireTeamMember(patient: EnrolledPatient, actor: Actor): CareTeamMember {
  const member = patient.team.find((m) => m.userId === actor.userId);
  if (!member) throw new NotOnCareTeam(actor.userId, patient.patientId);
  return member;
}

/** Only a prescriber on the patient's care team prescribes, adjusts or discontinues (docs/domain.md, "Who may issue what"). */
export function requireTeamPrescriber(patient: EnrolledPatient, actor: Actor): CareTeamMember {
  const member = requireTeamMember(patient, actor);
  if (member.role !== 'prescriber') throw new NotTeamPrescriber(actor.userId, patient.patientId);
  return member;
}

/** Patients record their own doses, side effects and questionnaires; clinicians must be on the team. */
export function requireSelfOrTeamMember(patient: EnrolledPatient, actor: Actor): void {
  if (actor.role === 'patient') {
    // The patient's app account id is the patient id (see docs/domain.md).
    if (actor.userId !== patient.patientId) throw new NotOwnRecord(actor.userId, patient.patientId);
    return;
  }
  requireTeamMember(patient, actor);
}

/**
 * Roles the track needs on the team. Missing ones are a warning, not a refusal: the
 * patient often chooses the prescriber after the plan has started (docs/domain.md).
 */
export function careTeamGaps(patient: EnrolledPatient): CareTeamRole[] {
  if (!patient.plan) return [];
  const needed: CareTeamRole[] =
    patient.plan.track === 'integrated'
      ? ['therapist', 'prescriber']
      : patient.plan.track === 'medication-only'
        ? ['prescriber']
        : ['therapist'];
  return needed.filter((role) => !patient.team.some((m) => m.role === role));
}

/**
 * Who may read a patient's record: the patient and the members of their care
 * team (docs/domain.md, "Who may issue what"). Admins and analysts see patient data only through
 * their own audited or de-identified views.
 */
export function canReadRecord(state: CarePlanState, actor: Actor): boolean {
  if (state.status !== 'enrolled') return false;
  if (actor.role === 'patient') return actor.userId === state.patientId;
  if (actor.role === 'admin' || actor.role === 'analyst') return false;
  return state.team.some((member) => member.userId === actor.userId);
}
