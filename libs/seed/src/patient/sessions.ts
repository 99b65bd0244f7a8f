import { streams, type Actor, type CancelledBy } from '@caretrail/domain';
import * as catalog from '../catalog';
import { DAY, HOUR, MINUTE } from '../clock';
import type { PatientRecord, Session } from './patient-record';

export function planPsychotherapy(p: PatientRecord, scheduleAt: number, sessionAt: number): void {
  const session: Session = { id: p.ids.next(), kind: 'psychotherapy', at: sessionAt, status: 'scheduled' };
  p.psychotherapy = session;
  planSession(p, session, p.therapist, scheduleAt, () => {
    if (p.psychotherapy === session && p.open && p.therapyEveryDays !== null && p.track !== 'medication-only') {
      return session.at + p.therapyEveryDays * DAY;
    }
    return null;
  });
}

export function planMedicationReview(p: PatientRecord, scheduleAt: number, sessionAt: number): void {
  if (!p.prescriber) return;
  const session: Session = { id: p.ids.next(), kind: 'medication-management', at: sessionAt, status: 'scheduled' };
  p.medicationReview = session;
  planSession(p, session, p.prescriber, scheduleAt, () =>
    p.medicationReview === session && p.open && p.track !== 'therapy-only' ? session.at + 28 * DAY : null,
  );
}

/** Schedules a session and decides its fate; when it is over, `next` says when the following one is. */
export function planSession(
  p: PatientRecord,
  session: Session,
  clinician: Actor,
  scheduleAt: number,
  next: () => number | null,
): void {
  const pid = p.patientId;
  const { id: sessionId, kind } = session;
  const stream = streams.session(pid, sessionId);
  const scheduledFor = new Date(session.at).toISOString();
  p.at(scheduleAt, async () => {
    if (session.status !== 'scheduled') return;
    await p.issue(
      {
        type: 'ScheduleSession',
        data: { patientId: pid, sessionId, kind, scheduledFor, durationMinutes: kind === 'psychotherapy' ? 50 : 20 },
      },
      clinician,
      scheduleAt,
    );
  });
  const followUp = (after: number) => {
    const nextAt = next();
    if (nextAt === null) return;
    if (kind === 'psychotherapy') planPsychotherapy(p, after + 5 * MINUTE, nextAt);
    else planMedicationReview(p, after + 5 * MINUTE, nextAt);
  };
  const fate = p.rng.next();
  if (fate < 0.08) {
    const cancelledBy: CancelledBy = p.rng.weighted([
      ['patient', 60],
      ['clinician', 25],
      ['clinic', 15],
    ] as const);
    const cancelAt = Math.max(scheduleAt + MINUTE, session.at - p.rng.between(2, 48) * HOUR);
    const reason = p.rng.pick(catalog.cancellationReasons[cancelledBy]);
    p.at(cancelAt, async () => {
      if (session.status !== 'scheduled') return;
      session.status = 'closed';
      await p.issue(
        { type: 'CancelSession', data: { patientId: pid, sessionId, cancelledBy, reason } },
        clinician,
        cancelAt,
      );
      p.forgetStream(stream);
      followUp(cancelAt);
    });
    return;
  }
  if (fate < 0.12 && session.at - 24 * HOUR > scheduleAt + MINUTE) {
    const rescheduleAt =
      session.at - p.rng.between(24, Math.max(24, Math.min(72, (session.at - scheduleAt) / HOUR - 1))) * HOUR;
    const to = session.at + p.rng.int(1, 3) * DAY;
    p.at(rescheduleAt, async () => {
      if (session.status !== 'scheduled') return;
      await p.issue(
        {
          type: 'RescheduleSession',
          data: {
            patientId: pid,
            sessionId,
            scheduledFor: new Date(to).toISOString(),
            reason: 'Patient asked to move it.',
          },
        },
        clinician,
        rescheduleAt,
      );
      session.at = to;
      planOutcomeOfSession(p, session, clinician, stream, followUp);
    });
    return;
  }
  planOutcomeOfSession(p, session, clinician, stream, followUp);
}

export function planOutcomeOfSession(
  p: PatientRecord,
  session: Session,
  clinician: Actor,
  stream: string,
  followUp: (after: number) => void,
): void {
  const pid = p.patientId;
  const at = session.at + p.rng.int(50, 70) * MINUTE;
  const attended = p.rng.chance(p.pAttend);
  p.at(at, async () => {
    if (session.status !== 'scheduled') return;
    session.status = 'closed';
    if (attended) {
      await p.issue({ type: 'RecordSessionAttended', data: { patientId: pid, sessionId: session.id } }, clinician, at);
      if (session.kind === 'psychotherapy' && ++p.attendedSessions % 3 === 0) {
        const noteAt = at + 2 * HOUR;
        const body = p.rng.pick(catalog.notes);
        p.at(noteAt, () =>
          p.issue(
            {
              type: 'ShareCollaborationNote',
              data: { patientId: pid, noteId: p.ids.next(), body, audience: ['therapist', 'prescriber'] },
            },
            p.therapist,
            noteAt,
          ),
        );
      }
    } else {
      await p.issue(
        {
          type: 'RecordSessionMissed',
          data: {
            patientId: pid,
            sessionId: session.id,
            reason: p.rng.chance(0.5) ? 'No-show; did not answer the phone.' : null,
          },
        },
        clinician,
        at,
      );
    }
    p.forgetStream(stream);
    followUp(at);
  });
}

export function cancelSession(p: PatientRecord, session: Session | null, at: number, reason: string): void {
  if (!session || session.status !== 'scheduled') return;
  session.status = 'closed';
  const clinician = session.kind === 'psychotherapy' ? p.therapist : (p.prescriber ?? p.therapist);
  p.at(at, () =>
    p.issue(
      {
        type: 'CancelSession',
        data: { patientId: p.patientId, sessionId: session.id, cancelledBy: 'clinic', reason },
      },
      clinician,
      at,
    ),
  );
}
