import type { IsoDateTime } from '../shared/time';
import type { DiscontinuationReason, DoseSchedule, Strength } from './events';

export type DoseScheduleInput = {
  timesPerDay: number;
  daysOfWeek: DoseSchedule['daysOfWeek'];
  times?: string[] | null;
};

export type PrescribeMedication = {
  type: 'PrescribeMedication';
  data: {
    patientId: string;
    medicationId: string;
    drug: { name: string; rxNormCode?: string | null };
    strength: Strength;
    schedule: DoseScheduleInput;
    startsAt: IsoDateTime;
    instructions?: string | null;
    occurredAt?: IsoDateTime;
  };
};

export type AdjustDose = {
  type: 'AdjustDose';
  data: {
    patientId: string;
    medicationId: string;
    strength: Strength;
    schedule: DoseScheduleInput;
    effectiveFrom: IsoDateTime;
    reason?: string | null;
    /**
     * Adjustments still pending with a later effective date: do they stand (`keep`) or are they
     * withdrawn (`cancel`)? Required when there are any, so none disappears silently.
     */
    pendingAdjustments?: PendingAdjustmentsDecision;
    occurredAt?: IsoDateTime;
  };
};

export type PendingAdjustmentsDecision = 'keep' | 'cancel';

export type CancelDoseAdjustment = {
  type: 'CancelDoseAdjustment';
  data: {
    patientId: string;
    medicationId: string;
    /** Event id of the pending DoseAdjusted. */
    adjustmentId: string;
    reason?: string | null;
    occurredAt?: IsoDateTime;
  };
};

export type DiscontinueMedication = {
  type: 'DiscontinueMedication';
  data: {
    patientId: string;
    medicationId: string;
    /** Defaults to the decision time. */
    stoppedAt?: IsoDateTime;
    reason: DiscontinuationReason;
    reasonDetail?: string | null;
    occurredAt?: IsoDateTime;
  };
};

export type MedicationCommand = PrescribeMedication | AdjustDose | CancelDoseAdjustment | DiscontinueMedication;
