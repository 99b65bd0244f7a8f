import type { IsoDateTime } from '../shared/time';
import type { MissedReason } from './events';

export type RecordDoseTaken = {
  type: 'RecordDoseTaken';
  data: {
    patientId: string;
    medicationId: string;
    /** The dose slot; decides the stream (`doses-<patientId>-<yyyy-mm>`). */
    scheduledFor: IsoDateTime;
    /** When it was taken, by the device's clock. */
    occurredAt: IsoDateTime;
  };
};

export type RecordDoseMissed = {
  type: 'RecordDoseMissed';
  data: {
    patientId: string;
    medicationId: string;
    scheduledFor: IsoDateTime;
    /** Defaults to the scheduled time: that is when the dose was missed. */
    occurredAt?: IsoDateTime;
    reason?: MissedReason | null;
    reasonDetail?: string | null;
  };
};

export type DoseCommand = RecordDoseTaken | RecordDoseMissed;
