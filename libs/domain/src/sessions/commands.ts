import type { IsoDateTime } from '../shared/time';
import type { CancelledBy, SessionKind } from './events';

export type ScheduleSession = {
  type: 'ScheduleSession';
  data: {
    patientId: string;
    sessionId: string;
    kind: SessionKind;
    scheduledFor: IsoDateTime;
    durationMinutes: number;
    /** Defaults to the acting clinician. */
    clinicianId?: string;
  };
};

export type RecordSessionAttended = {
  type: 'RecordSessionAttended';
  data: { patientId: string; sessionId: string; occurredAt?: IsoDateTime };
};

export type RecordSessionMissed = {
  type: 'RecordSessionMissed';
  data: { patientId: string; sessionId: string; reason?: string | null; occurredAt?: IsoDateTime };
};

export type CancelSession = {
  type: 'CancelSession';
  data: { patientId: string; sessionId: string; cancelledBy: CancelledBy; reason: string };
};

export type RescheduleSession = {
  type: 'RescheduleSession';
  data: { patientId: string; sessionId: string; scheduledFor: IsoDateTime; reason?: string | null };
};

export type SessionCommand =
  ScheduleSession | RecordSessionAttended | RecordSessionMissed | CancelSession | RescheduleSession;
