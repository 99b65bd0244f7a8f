import type { ActorRef } from '../shared/actor';
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
    scheduledBy: ActorRef;
    occurredAt: IsoDateTime;
  };
};

export type SessionAttended = {
  type: 'SessionAttended';
  data: { patientId: string; sessionId: string; kind: SessionKind; recordedBy: ActorRef; occurredAt: IsoDateTime };
};

/** A no-show. Attendance rate = attended / (attended + missed); cancellations are reported apart. */
export type SessionMissed = {
  type: 'SessionMissed';
  data: {
    patientId: string;
    sessionId: string;
    kind: SessionKind;
    reason: string | null;
    recordedBy: ActorRef;
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
    recordedBy: ActorRef;
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
    recordedBy: ActorRef;
    occurredAt: IsoDateTime;
  };
};

export type SessionEvent = SessionScheduled | SessionAttended | SessionMissed | SessionCancelled | SessionRescheduled;
