import type { Actor } from '../shared/actor';
import type { IsoDateTime } from '../shared/time';

export type Severity = 'mild' | 'moderate' | 'severe';
/** Frequency, Intensity and Burden of Side Effects Rating: each item 0-6 (Wisniewski et al., 2006). */
export type Fibser = { frequency: number; intensity: number; burden: number };
export type SideEffectAction = 'continue' | 'monitor' | 'dose-adjusted' | 'discontinued' | 'other';

/**
 * Schema version 2. Version 1 recorded severity only; see `upcasting.ts`.
 * `urgent` opens an item for the prescriber (collaboration read model).
 */
export type SideEffectReported = {
  type: 'SideEffectReported';
  data: {
    patientId: string;
    sideEffectId: string;
    symptom: string;
    severity: Severity;
    suspectedMedicationId: string | null;
    fibser: Fibser | null;
    urgent: boolean;
    reportedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

/** The version-1 shape, still readable through the upcaster. */
export type SideEffectReportedV1Data = {
  patientId: string;
  sideEffectId: string;
  symptom: string;
  severity: Severity;
  suspectedMedicationId: string | null;
  reportedBy: Actor;
  occurredAt: IsoDateTime;
};

export type SideEffectReviewed = {
  type: 'SideEffectReviewed';
  data: {
    patientId: string;
    sideEffectId: string;
    action: SideEffectAction;
    note: string | null;
    reviewedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type SideEffectResolved = {
  type: 'SideEffectResolved';
  data: { patientId: string; sideEffectId: string; note: string | null; recordedBy: Actor; occurredAt: IsoDateTime };
};

export type SafetyEvent = SideEffectReported | SideEffectReviewed | SideEffectResolved;
