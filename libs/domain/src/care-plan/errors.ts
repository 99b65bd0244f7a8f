import { domainError } from '../shared/errors';

export class PatientAlreadyEnrolled extends domainError('PATIENT_ALREADY_ENROLLED', 'conflict') {
  constructor(patientId: string) {
    super(`Patient ${patientId} is already enrolled.`);
  }
}

export class CarePlanAlreadyOpen extends domainError('CARE_PLAN_ALREADY_OPEN', 'conflict') {
  constructor(carePlanId: string) {
    super(`Care plan ${carePlanId} is still open; close it before starting another episode of care.`);
  }
}

export class NoOpenCarePlan extends domainError('NO_OPEN_CARE_PLAN', 'rule') {
  constructor(patientId: string) {
    super(`Patient ${patientId} has no open care plan.`);
  }
}

export class TrackUnchanged extends domainError('TRACK_UNCHANGED', 'rule') {
  constructor(track: string) {
    super(`The care plan is already on the ${track} track.`);
  }
}

export class CarePlanHasActiveMedications extends domainError('CARE_PLAN_HAS_ACTIVE_MEDICATIONS', 'rule') {
  constructor(medicationIds: readonly string[]) {
    super(`Discontinue medications ${medicationIds.join(', ')} before closing the care plan.`);
  }
}

export class AlreadyOnCareTeam extends domainError('ALREADY_ON_CARE_TEAM', 'conflict') {
  constructor(userId: string) {
    super(`User ${userId} is already on the care team.`);
  }
}

export class CareTeamMemberNotFound extends domainError('CARE_TEAM_MEMBER_NOT_FOUND', 'not-found') {
  constructor(userId: string) {
    super(`User ${userId} is not on the care team.`);
  }
}

export class CareTeamCannotBeEmpty extends domainError('CARE_TEAM_CANNOT_BE_EMPTY', 'rule') {
  constructor() {
    super('The last care-team member cannot be removed: nobody could write to the plan any more.');
  }
}

export class LastPrescriberWithActiveMedications extends domainError(
  'LAST_PRESCRIBER_WITH_ACTIVE_MEDICATIONS',
  'rule',
) {
  constructor(userId: string) {
    super(`Prescriber ${userId} is the only prescriber while medications are active; assign another first.`);
  }
}

export class GoalAlreadyExists extends domainError('GOAL_ALREADY_EXISTS', 'conflict') {
  constructor(goalId: string) {
    super(`Goal ${goalId} already exists.`);
  }
}

export class GoalNotFound extends domainError('GOAL_NOT_FOUND', 'not-found') {
  constructor(goalId: string) {
    super(`Goal ${goalId} is not on the open care plan.`);
  }
}

export class GoalAlreadyAchieved extends domainError('GOAL_ALREADY_ACHIEVED', 'conflict') {
  constructor(goalId: string) {
    super(`Goal ${goalId} is already achieved.`);
  }
}
