import type { Actor } from '../shared/actor';
import type { IsoDateTime } from '../shared/time';

export type TherapyModality = 'CBT' | 'DBT' | 'other';
/** Planned frequency: `sessions` per `per`, e.g. 1 per week. */
export type TherapyFrequency = { sessions: number; per: 'week' | 'month' };

export type TherapyPrescribed = {
  type: 'TherapyPrescribed';
  data: {
    patientId: string;
    carePlanId: string;
    modality: TherapyModality;
    /** Names the modality when it is `other` (e.g. "IPT"). */
    modalityDetail: string | null;
    frequency: TherapyFrequency;
    prescribedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type TherapyModalityChanged = {
  type: 'TherapyModalityChanged';
  data: {
    patientId: string;
    carePlanId: string;
    from: TherapyModality;
    to: TherapyModality;
    modalityDetail: string | null;
    reason: string | null;
    changedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type TherapyFrequencyChanged = {
  type: 'TherapyFrequencyChanged';
  data: {
    patientId: string;
    carePlanId: string;
    from: TherapyFrequency;
    to: TherapyFrequency;
    changedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type TherapyEvent = TherapyPrescribed | TherapyModalityChanged | TherapyFrequencyChanged;
