import type { Actor } from '../shared/actor';
import type { IsoDateTime } from '../shared/time';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One amended field of the target event's data, by dotted path (e.g. `strength.value`). */
export type FieldChange = { field: string; value: JsonValue };

/**
 * HIPAA's right to amend: append, never overwrite. A correction is written to the stream
 * of the event it amends and names it by event id.
 */
export type EntryCorrected = {
  type: 'EntryCorrected';
  data: {
    patientId: string;
    stream: string;
    eventId: string;
    eventType: string;
    changes: FieldChange[];
    reason: string;
    correctedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type EntryEnteredInError = {
  type: 'EntryEnteredInError';
  data: {
    patientId: string;
    stream: string;
    eventId: string;
    eventType: string;
    reason: string;
    markedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type CorrectionEvent = EntryCorrected | EntryEnteredInError;
