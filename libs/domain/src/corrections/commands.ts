import type { IsoDateTime } from '../shared/time';
import type { FieldChange } from './events';

/** Corrections are written to the stream of the event they amend, named by the caller. */
export type CorrectEntry = {
  type: 'CorrectEntry';
  data: {
    patientId: string;
    stream: string;
    eventId: string;
    changes: FieldChange[];
    reason: string;
    occurredAt?: IsoDateTime;
  };
};

export type MarkEnteredInError = {
  type: 'MarkEnteredInError';
  data: { patientId: string; stream: string; eventId: string; reason: string; occurredAt?: IsoDateTime };
};

export type CorrectionCommand = CorrectEntry | MarkEnteredInError;
