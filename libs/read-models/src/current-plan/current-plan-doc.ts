import type {
  CareTeamRole,
  CarePlanClosureReason,
  ComorbidCondition,
  DiscontinuationReason,
  DomainEvent,
  DoseSchedule,
  Drug,
  SessionKind,
  Strength,
  TherapyFrequency,
  TherapyModality,
  TreatmentTrack,
} from '@caretrail/domain';

/** The care-plan stream's events, kept so that a correction can amend or void any of them and the plan be refolded. */
export type PlanLogEvent = Extract<
  DomainEvent,
  {
    type:
      | 'CarePlanStarted'
      | 'TreatmentTrackChanged'
      | 'CarePlanReviewed'
      | 'CarePlanClosed'
      | 'CareTeamMemberAssigned'
      | 'CareTeamMemberRemoved'
      | 'TreatmentGoalSet'
      | 'TreatmentGoalAchieved'
      | 'TreatmentGoalRevised'
      | 'HolisticContextRecorded'
      | 'TherapyPrescribed'
      | 'TherapyModalityChanged'
      | 'TherapyFrequencyChanged'
      | 'MedicationPrescribed'
      | 'DoseAdjusted'
      | 'DoseAdjustmentCancelled'
      | 'MedicationDiscontinued';
  }
>;

export type PlanLogEntry = {
  id: string;
  position: number;
  event: PlanLogEvent;
  /** Entered in error: kept (so a redelivery stays a no-op) but folded into nothing. */
  voided: boolean;
  /** Ids of the EntryCorrected events already applied to `event.data`. */
  amendedBy: string[];
};

export type CarePlanSummary = {
  carePlanId: string;
  track: TreatmentTrack;
  status: 'open' | 'closed';
  startedAt: string;
  closedAt: string | null;
  closureReason: CarePlanClosureReason | null;
  lastReviewedAt: string | null;
  nextReviewDue: string | null;
};

export type CareTeamEntry = { userId: string; role: CareTeamRole; chosenByPatient: boolean; since: string };

export type GoalEntry = {
  goalId: string;
  description: string;
  targetDate: string | null;
  status: 'open' | 'achieved';
  setAt: string;
  revisedAt: string | null;
  achievedAt: string | null;
};

export type TherapyEntry = {
  modality: TherapyModality;
  modalityDetail: string | null;
  frequency: TherapyFrequency;
  prescribedAt: string;
};

export type AdjustmentEntry = {
  eventId: string;
  position: number;
  effectiveFrom: string;
  strength: Strength;
  schedule: DoseSchedule;
  /** Withdrawn before it took effect (DoseAdjustmentCancelled): it never applies. Absent on rows older than the event. */
  cancelled?: boolean;
};

export type MedicationEntry = {
  medicationId: string;
  drug: Drug;
  strength: Strength;
  schedule: DoseSchedule;
  startsAt: string;
  instructions: string | null;
  prescriberId: string;
  /** In recording order; the view asks the domain's `changeInEffect` which one applies at its as-of instant. */
  adjustments: AdjustmentEntry[];
  stoppedAt: string | null;
  discontinuationReason: DiscontinuationReason | null;
};

export type HolisticContext = {
  lifestyle: string | null;
  supportSystem: string | null;
  comorbidConditions: ComorbidCondition[];
  recordedAt: string;
};

/** The care-plan stream folded with its corrections: materialised on every change, so the row can be read as is. */
export type CurrentPlan = {
  carePlan: CarePlanSummary | null;
  careTeam: CareTeamEntry[];
  /** Goals of the current (or last) care plan. */
  goals: GoalEntry[];
  therapy: TherapyEntry | null;
  /** Every medication not entered in error, discontinued ones included (the view keeps the active ones). */
  medications: MedicationEntry[];
  holisticContext: HolisticContext | null;
};

export type SessionEntry = {
  sessionId: string;
  kind: SessionKind;
  /** Where the session is now, after any rescheduling. */
  scheduledFor: string;
  originallyScheduledFor: string;
  reschedules: Array<{ eventId: string; to: string }>;
  durationMinutes: number;
  clinicianId: string;
  status: 'scheduled' | 'attended' | 'missed' | 'cancelled';
  scheduledEventId: string;
  closedEventId: string | null;
};

/** One row per patient. */
export type CurrentPlanDoc = {
  patientId: string;
  timeZone: string;
  enrolmentEventId: string | null;
  enrolledAt: string | null;
  plan: CurrentPlan;
  log: PlanLogEntry[];
  /** Sessions still relevant to "upcoming": closed ones are dropped SESSION_RETENTION_DAYS after their time. */
  sessions: Record<string, SessionEntry>;
  /** The latest occurredAt of a session event: the pruning clock (events only, never the wall clock). */
  sessionClock: string | null;
};
