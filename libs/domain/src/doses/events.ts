import type { Actor } from '../shared/actor';
import type { IsoDateTime } from '../shared/time';

export type MissedReason = 'forgot' | 'side-effects' | 'ran-out' | 'asleep' | 'other';

/**
 * `occurredAt` is the device's time of the fact (possibly reported days later, possibly retried
 * offline); `scheduledFor` is the dose slot it refers to. Recorded-at is event metadata.
 */
export type DoseTaken = {
  type: 'DoseTaken';
  data: {
    patientId: string;
    medicationId: string;
    scheduledFor: IsoDateTime;
    occurredAt: IsoDateTime;
    recordedBy: Actor;
  };
};

export type DoseMissed = {
  type: 'DoseMissed';
  data: {
    patientId: string;
    medicationId: string;
    scheduledFor: IsoDateTime;
    occurredAt: IsoDateTime;
    reason: MissedReason | null;
    reasonDetail: string | null;
    recordedBy: Actor;
  };
};

export type DoseTakenLate = {
  type: 'DoseTakenLate';
  data: {
    patientId: string;
    medicationId: string;
    scheduledFor: IsoDateTime;
    occurredAt: IsoDateTime;
    /** Event id of the DoseMissed this replaces; read models count the dose as taken (and late), not missed. */
    supersedesMissed: string | null;
    recordedBy: Actor;
  };
};

export type DoseEvent = DoseTaken | DoseMissed | DoseTakenLate;
