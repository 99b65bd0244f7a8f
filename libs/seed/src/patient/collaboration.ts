import { streams } from '@caretrail/domain';
import * as catalog from '../catalog';
import { HOUR } from '../clock';
import type { PatientRecord } from './patient-record';

export function planConsultation(p: PatientRecord, day: number): void {
  if (!p.prescriber) return;
  const pid = p.patientId;
  const consultationId = p.ids.next();
  const toPrescriber = p.rng.chance(0.75);
  const [from, to] = toPrescriber ? [p.therapist, p.prescriber] : [p.prescriber, p.therapist];
  const topic = p.rng.pick(
    toPrescriber ? catalog.consultationTopics.toPrescriber : catalog.consultationTopics.toTherapist,
  );
  const urgency = p.rng.chance(0.15) ? 'urgent' : 'routine';
  const at = p.zone.at(day, p.rng.int(9 * 60, 18 * 60));
  const stream = streams.consultation(pid, consultationId);
  p.at(at, () =>
    p.issue(
      {
        type: 'RequestConsultation',
        data: {
          patientId: pid,
          consultationId,
          requestedRole: toPrescriber ? 'prescriber' : 'therapist',
          topic,
          urgency,
        },
      },
      from,
      at,
    ),
  );
  if (p.rng.chance(0.9)) {
    const answerAt = at + (urgency === 'urgent' ? p.rng.between(1, 8) * HOUR : p.rng.between(4, 120) * HOUR);
    const answer = p.rng.pick(catalog.answers);
    p.at(answerAt, async () => {
      await p.issue({ type: 'AnswerConsultation', data: { patientId: pid, consultationId, answer } }, to, answerAt);
      p.forgetStream(stream);
    });
  }
}

export function planCaseReview(p: PatientRecord, day: number): void {
  if (!p.prescriber) return;
  const at = p.zone.at(day, 13 * 60);
  const attendees = [p.therapist, p.prescriber, ...(p.careManager ? [p.careManager] : [])].map((a) => ({
    userId: a.userId,
    role: a.role,
  }));
  const decisions =
    p.trajectory === 'not-improving'
      ? ['Consider augmentation.', 'Increase therapy to weekly.']
      : ['Continue the current plan.'];
  const caseReviewId = p.ids.next();
  p.at(at, () =>
    p.issue(
      { type: 'HoldCaseReview', data: { patientId: p.patientId, caseReviewId, attendees, decisions } },
      p.therapist,
      at,
    ),
  );
}
