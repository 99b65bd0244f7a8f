import type { CareTeamRole } from '../shared/actor';
import type { IsoDate, IsoDateTime } from '../shared/time';
import type { CarePlanClosureReason, ComorbidCondition, TreatmentTrack } from './events';

export type EnrolPatient = {
  type: 'EnrolPatient';
  data: {
    patientId: string;
    name: { given: string; family: string };
    contact?: { email?: string | null; phone?: string | null };
    /** IANA time zone; defaults to UTC (docs/clinical-rules.md, "Days and time zones"). */
    timeZone?: string;
    occurredAt?: IsoDateTime;
  };
};

export type StartCarePlan = {
  type: 'StartCarePlan';
  data: { patientId: string; carePlanId: string; track: TreatmentTrack; occurredAt?: IsoDateTime };
};

export type ChangeTreatmentTrack = {
  type: 'ChangeTreatmentTrack';
  data: { patientId: string; track: TreatmentTrack; reason: string; occurredAt?: IsoDateTime };
};

export type ReviewCarePlan = {
  type: 'ReviewCarePlan';
  data: { patientId: string; summary?: string | null; nextReviewDue?: IsoDate | null; occurredAt?: IsoDateTime };
};

export type CloseCarePlan = {
  type: 'CloseCarePlan';
  data: { patientId: string; reason: CarePlanClosureReason; note?: string | null; occurredAt?: IsoDateTime };
};

export type AssignCareTeamMember = {
  type: 'AssignCareTeamMember';
  data: { patientId: string; userId: string; role: CareTeamRole; chosenByPatient: boolean; occurredAt?: IsoDateTime };
};

export type RemoveCareTeamMember = {
  type: 'RemoveCareTeamMember';
  data: { patientId: string; userId: string; reason?: string | null; occurredAt?: IsoDateTime };
};

export type SetTreatmentGoal = {
  type: 'SetTreatmentGoal';
  data: {
    patientId: string;
    goalId: string;
    description: string;
    targetDate?: IsoDate | null;
    occurredAt?: IsoDateTime;
  };
};

export type MarkGoalAchieved = {
  type: 'MarkGoalAchieved';
  data: { patientId: string; goalId: string; occurredAt?: IsoDateTime };
};

export type ReviseTreatmentGoal = {
  type: 'ReviseTreatmentGoal';
  data: {
    patientId: string;
    goalId: string;
    description: string;
    targetDate?: IsoDate | null;
    reason?: string | null;
    occurredAt?: IsoDateTime;
  };
};

export type RecordHolisticContext = {
  type: 'RecordHolisticContext';
  data: {
    patientId: string;
    lifestyle?: string | null;
    supportSystem?: string | null;
    comorbidConditions?: ComorbidCondition[];
    occurredAt?: IsoDateTime;
  };
};

export type CarePlanCommand =
  | EnrolPatient
  | StartCarePlan
  | ChangeTreatmentTrack
  | ReviewCarePlan
  | CloseCarePlan
  | AssignCareTeamMember
  | RemoveCareTeamMember
  | SetTreatmentGoal
  | MarkGoalAchieved
  | ReviseTreatmentGoal
  | RecordHolisticContext;
