import type { Actor } from '../shared/actor';
import type { IsoDateTime } from '../shared/time';

export type SessionKind = 'psychotherapy' | 'medication-management';
export type CancelledBy = 'patient' | 'clinician' | 'clinic';

export type SessionScheduled = {
  type: 'SessionScheduled';
  data: {
    patientId: string;
    sessionId: string;
    kind: SessionKind;
    scheduledFor: IsoDateTime;
    durationMinutes: number;
    clinicianId: string;
    scheduledBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type SessionAttended = {
  type: 'SessionAttended';
  data: { patientId: string; sessionId: string; kind: SessionKind; recordedBy: Actor; occurredAt: IsoDateTime };
};

/** A no-show. Attendance rate = attended / (attended + missed); cancellations are reported apart. */
export type SessionMissed = {
  type: 'SessionMissed';
  data: {
    patientId: string;
    sessionId: string;
    kind: SessionKind;
    reason: string | null;
    recordedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type SessionCancelled = {
  type: 'SessionCancelled';
  data: {
    patientId: string;
    sessionId: string;
    kind: SessionKind;
    cancelledBy: CancelledBy;
    reason: string;
    recordedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type SessionRescheduled = {
  type: 'SessionRescheduled';
  data: {
    patientId: string;
    sessionId: string;
    from: IsoDateTime;
    to: IsoDateTime;
    reason: string | null;
    recordedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type SessionEvent = SessionScheduled | SessionAttended | SessionMissed | SessionCancelled | SessionRescheduled;
