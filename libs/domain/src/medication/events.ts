import type { IsoDateTime } from '../shared/time';

export type DayOfWeek = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * What PDC needs (docs/clinical-rules.md, "PDC"): doses per day and the days that have doses.
 * `times` are local wall-clock times (`HH:mm`) in the patient's zone, one per daily dose, when known.
 */
export type DoseSchedule = { timesPerDay: number; daysOfWeek: DayOfWeek[]; times: string[] | null };
export type Strength = { value: number; unit: string };
export type Drug = { name: string; rxNormCode: string | null };
export type DiscontinuationReason =
  'side-effects' | 'ineffective' | 'course-completed' | 'patient-choice' | 'track-change' | 'other';

export type MedicationPrescribed = {
  type: 'MedicationPrescribed';
  data: {
    patientId: string;
    carePlanId: string;
    medicationId: string;
    drug: Drug;
    strength: Strength;
    schedule: DoseSchedule;
    /** First instant doses count; PDC eligibility starts on its local date. */
    startsAt: IsoDateTime;
    instructions: string | null;
    prescriberId: string;
    occurredAt: IsoDateTime;
  };
};

export type DoseAdjusted = {
  type: 'DoseAdjusted';
  data: {
    patientId: string;
    carePlanId: string;
    medicationId: string;
    /** Event id of the prescription or adjustment this one replaces. */
    supersedes: string;
    strength: Strength;
    schedule: DoseSchedule;
    /** From this instant's date, unless an adjustment effective later applies (docs/clinical-rules.md, "Regimen on a day"). */
    effectiveFrom: IsoDateTime;
    reason: string | null;
    prescriberId: string;
    occurredAt: IsoDateTime;
  };
};

export type MedicationDiscontinued = {
  type: 'MedicationDiscontinued';
  data: {
    patientId: string;
    carePlanId: string;
    medicationId: string;
    /** No dose counts at or after this instant. */
    stoppedAt: IsoDateTime;
    reason: DiscontinuationReason;
    reasonDetail: string | null;
    prescriberId: string;
    occurredAt: IsoDateTime;
  };
};

/** A pending adjustment withdrawn before it took effect: it never applies (docs/clinical-rules.md, "Regimen on a day"). */
export type DoseAdjustmentCancelled = {
  type: 'DoseAdjustmentCancelled';
  data: {
    patientId: string;
    carePlanId: string;
    medicationId: string;
    /** Event id of the DoseAdjusted withdrawn. */
    adjustmentId: string;
    reason: string | null;
    prescriberId: string;
    occurredAt: IsoDateTime;
  };
};

export type MedicationEvent = MedicationPrescribed | DoseAdjusted | DoseAdjustmentCancelled | MedicationDiscontinued;
