import type { IsoDateTime } from '../shared/time';
import type { TherapyFrequency, TherapyModality } from './events';

export type PrescribeTherapy = {
  type: 'PrescribeTherapy';
  data: {
    patientId: string;
    modality: TherapyModality;
    modalityDetail?: string | null;
    frequency: TherapyFrequency;
    occurredAt?: IsoDateTime;
  };
};

export type ChangeTherapyModality = {
  type: 'ChangeTherapyModality';
  data: {
    patientId: string;
    modality: TherapyModality;
    modalityDetail?: string | null;
    reason?: string | null;
    occurredAt?: IsoDateTime;
  };
};

export type ChangeTherapyFrequency = {
  type: 'ChangeTherapyFrequency';
  data: { patientId: string; frequency: TherapyFrequency; occurredAt?: IsoDateTime };
};

export type TherapyCommand = PrescribeTherapy | ChangeTherapyModality | ChangeTherapyFrequency;
