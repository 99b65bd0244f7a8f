import type { Actor, CareTeamRole } from '../shared/actor';
import type { IsoDate, IsoDateTime } from '../shared/time';

/** integrated = psychotherapy + medication; the other two are the seed's "solely medication or therapy". */
export type TreatmentTrack = 'integrated' | 'medication-only' | 'therapy-only';
export type CarePlanClosureReason = 'completed' | 'transferred' | 'disengaged' | 'other';

export type PatientEnrolled = {
  type: 'PatientEnrolled';
  data: {
    patientId: string;
    /** IANA zone; adherence days are calendar days in this zone (docs/clinical-rules.md, "Days and time zones"). */
    timeZone: string;
    name: { given: string; family: string };
    contact: { email: string | null; phone: string | null };
    enrolledBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type CarePlanStarted = {
  type: 'CarePlanStarted';
  data: { patientId: string; carePlanId: string; track: TreatmentTrack; startedBy: Actor; occurredAt: IsoDateTime };
};

export type TreatmentTrackChanged = {
  type: 'TreatmentTrackChanged';
  data: {
    patientId: string;
    carePlanId: string;
    from: TreatmentTrack;
    to: TreatmentTrack;
    reason: string;
    changedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type CarePlanReviewed = {
  type: 'CarePlanReviewed';
  data: {
    patientId: string;
    carePlanId: string;
    summary: string | null;
    nextReviewDue: IsoDate | null;
    reviewedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type CarePlanClosed = {
  type: 'CarePlanClosed';
  data: {
    patientId: string;
    carePlanId: string;
    reason: CarePlanClosureReason;
    note: string | null;
    closedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type CareTeamMemberAssigned = {
  type: 'CareTeamMemberAssigned';
  data: {
    patientId: string;
    userId: string;
    role: CareTeamRole;
    /** Therapist and prescriber are chosen with the patient; the choice is recorded (docs/domain.md, "Choices"). */
    chosenByPatient: boolean;
    assignedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type CareTeamMemberRemoved = {
  type: 'CareTeamMemberRemoved';
  data: {
    patientId: string;
    userId: string;
    role: CareTeamRole;
    reason: string | null;
    removedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type TreatmentGoalSet = {
  type: 'TreatmentGoalSet';
  data: {
    patientId: string;
    carePlanId: string;
    goalId: string;
    description: string;
    targetDate: IsoDate | null;
    setBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type TreatmentGoalAchieved = {
  type: 'TreatmentGoalAchieved';
  data: { patientId: string; carePlanId: string; goalId: string; recordedBy: Actor; occurredAt: IsoDateTime };
};

export type TreatmentGoalRevised = {
  type: 'TreatmentGoalRevised';
  data: {
    patientId: string;
    carePlanId: string;
    goalId: string;
    description: string;
    targetDate: IsoDate | null;
    reason: string | null;
    revisedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type ComorbidCondition = { code: string | null; description: string };

export type HolisticContextRecorded = {
  type: 'HolisticContextRecorded';
  data: {
    patientId: string;
    lifestyle: string | null;
    supportSystem: string | null;
    comorbidConditions: ComorbidCondition[];
    recordedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type CarePlanEvent =
  | PatientEnrolled
  | CarePlanStarted
  | TreatmentTrackChanged
  | CarePlanReviewed
  | CarePlanClosed
  | CareTeamMemberAssigned
  | CareTeamMemberRemoved
  | TreatmentGoalSet
  | TreatmentGoalAchieved
  | TreatmentGoalRevised
  | HolisticContextRecorded;
