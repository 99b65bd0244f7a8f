import type { IsoDateTime } from '../shared/time';
import type { Fibser, Severity, SideEffectAction } from './events';

export type ReportSideEffect = {
  type: 'ReportSideEffect';
  data: {
    patientId: string;
    sideEffectId: string;
    symptom: string;
    severity: Severity;
    suspectedMedicationId?: string | null;
    fibser?: Fibser | null;
    occurredAt?: IsoDateTime;
  };
};

export type ReviewSideEffect = {
  type: 'ReviewSideEffect';
  data: { patientId: string; sideEffectId: string; action: SideEffectAction; note?: string | null };
};

export type ResolveSideEffect = {
  type: 'ResolveSideEffect';
  data: { patientId: string; sideEffectId: string; note?: string | null; occurredAt?: IsoDateTime };
};

export type SafetyCommand = ReportSideEffect | ReviewSideEffect | ResolveSideEffect;
