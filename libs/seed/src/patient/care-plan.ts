import { fromEpochDay, streams, type TreatmentTrack } from '@caretrail/domain';
import * as catalog from '../catalog';
import { DAY, MINUTE } from '../clock';
import { planConsultation, planCaseReview } from './collaboration';
import { planPrescription, planAdjustment, planDiscontinuation } from './medication';
import { planOutcomes } from './outcomes';
import { planPsychotherapy, planMedicationReview, cancelSession } from './sessions';
import type { PatientRecord } from './patient-record';

export function planEnrolment(p: PatientRecord, day: number): void {
  const t = p.zone.at(day, p.rng.int(9 * 60, 15 * 60));
  const pid = p.patientId;
  const given = p.rng.pick(catalog.givenNames);
  const family = p.rng.pick(catalog.familyNames);
  p.at(t, async () => {
    await p.issue(
      {
        type: 'EnrolPatient',
        data: {
          patientId: pid,
          name: { given, family },
          contact: {
            email: `${given}.${family}@example.org`.toLowerCase(),
            phone: p.rng.chance(0.7) ? `+44 20 7946 0${String(p.rng.int(0, 999)).padStart(3, '0')}` : null,
          },
          timeZone: p.zone.name,
        },
      },
      p.therapist,
      t,
    );
  });
  if (p.prescriber) {
    const prescriber = p.prescriber;
    p.at(t + 5 * MINUTE, () =>
      p.issue(
        {
          type: 'AssignCareTeamMember',
          data: {
            patientId: pid,
            userId: prescriber.userId,
            role: 'prescriber',
            chosenByPatient: p.rng.chance(0.7),
          },
        },
        p.therapist,
        t + 5 * MINUTE,
      ),
    );
  }
  if (p.careManager) {
    const manager = p.careManager;
    p.at(t + 6 * MINUTE, () =>
      p.issue(
        {
          type: 'AssignCareTeamMember',
          data: { patientId: pid, userId: manager.userId, role: 'care-manager', chosenByPatient: false },
        },
        p.therapist,
        t + 6 * MINUTE,
      ),
    );
  }
  const carePlanId = p.ids.next();
  const track = p.track;
  p.at(t + 10 * MINUTE, () =>
    p.issue({ type: 'StartCarePlan', data: { patientId: pid, carePlanId, track } }, p.therapist, t + 10 * MINUTE),
  );
  p.open = true;
  p.planStartDay = day;
  if (p.rng.chance(0.7)) {
    const lifestyle = p.rng.pick(catalog.lifestyles);
    const supportSystem = p.rng.pick(catalog.supportSystems);
    const comorbidConditions = p.rng.chance(0.4) ? [{ ...p.rng.pick(catalog.comorbidities) }] : [];
    p.at(t + 12 * MINUTE, async () => {
      const events = await p.issue(
        { type: 'RecordHolisticContext', data: { patientId: pid, lifestyle, supportSystem, comorbidConditions } },
        p.therapist,
        t + 12 * MINUTE,
      );
      p.holisticEventId = events?.[0]?.meta.eventId ?? null;
    });
    if (p.rng.chance(0.08)) {
      // A correction a week later: the therapist amends the lifestyle note (append, never overwrite).
      const at = t + 7 * DAY;
      const value = p.rng.pick(catalog.lifestyles);
      p.at(at, async () => {
        if (p.holisticEventId === null || !p.open) return;
        await p.issue(
          {
            type: 'CorrectEntry',
            data: {
              patientId: pid,
              stream: streams.carePlan(pid),
              eventId: p.holisticEventId,
              changes: [{ field: 'lifestyle', value }],
              reason: 'Patient clarified their routine.',
            },
          },
          p.therapist,
          at,
        );
      });
    }
  }
  const goalCount = p.rng.int(1, 3);
  for (let i = 0; i < goalCount; i++) {
    const goal = { id: p.ids.next(), achieved: false };
    p.goals.push(goal);
    const description = catalog.goals[(p.rng.int(0, catalog.goals.length - 1) + i) % catalog.goals.length]!;
    const targetDate = fromEpochDay(day + p.rng.int(8, 26) * 7);
    p.at(t + (15 + i) * MINUTE, () =>
      p.issue(
        { type: 'SetTreatmentGoal', data: { patientId: pid, goalId: goal.id, description, targetDate } },
        p.therapist,
        t + (15 + i) * MINUTE,
      ),
    );
  }
  if (p.track !== 'medication-only') planTherapy(p, day, t + 20 * MINUTE);
  planOutcomes(p, day, t + 30 * MINUTE, p.therapist);
  if (p.track !== 'therapy-only' && p.prescriber) {
    planPrescription(p, day, t + 60 * MINUTE, null);
    if (p.rng.chance(0.15)) planPrescription(p, day, t + 62 * MINUTE, null);
    planMedicationReview(p, t + 65 * MINUTE, p.zone.at(day + 28, 15 * 60));
  }
  p.nextOutcomeDay = day + p.rng.int(14, 28);
  p.nextConsultationDay = day + p.rng.int(10, 40);
  p.nextReviewDay = day + 84;
  p.nextCaseReviewDay = day + 56;
}

export function planTherapy(p: PatientRecord, day: number, at: number): void {
  const modality = p.rng.weighted(catalog.modalities);
  const modalityDetail = modality === 'other' ? p.rng.pick(catalog.otherModalities) : null;
  const weekly = p.rng.chance(0.8);
  p.therapyEveryDays = weekly ? 7 : 14;
  const frequency = weekly ? { sessions: 1, per: 'week' as const } : { sessions: 2, per: 'month' as const };
  p.at(at, () =>
    p.issue(
      { type: 'PrescribeTherapy', data: { patientId: p.patientId, modality, modalityDetail, frequency } },
      p.therapist,
      at,
    ),
  );
  planPsychotherapy(p, at + 2 * MINUTE, p.zone.at(day + p.rng.int(3, 8), p.sessionMinutes));
}

export function planClinicalDay(p: PatientRecord, day: number): void {
  const week = (day - p.planStartDay) / 7;
  const pid = p.patientId;

  // A medication that starts tomorrow is current: stopping it today is not possible, so wait a day.
  const startsLater = [...p.medications.values()].some((m) => m.stopAt === null && m.startAt > p.zone.at(day, 7 * 60));
  if (day === p.plannedCloseDay) {
    if (!startsLater) return planClosure(p, day);
    p.plannedCloseDay++;
  }
  if (day === p.plannedSwitchDay && p.plannedSwitchTo) {
    if (startsLater) p.plannedSwitchDay++;
    else planTrackSwitch(p, day, p.plannedSwitchTo);
  } else if (day === p.switchBackDay) planTrackSwitch(p, day, 'integrated');

  // Questionnaires every 2-4 weeks, unless the patient stopped filling them in.
  if (day >= p.nextOutcomeDay && (p.questionnairesStopDay === null || day < p.questionnairesStopDay)) {
    const byPatient = p.rng.chance(0.7);
    planOutcomes(p, day, p.zone.at(day, p.rng.int(8 * 60, 21 * 60)), byPatient ? p.patient : p.therapist);
    p.nextOutcomeDay = day + p.rng.int(14, 28);
  }

  // Care-plan reviews every 12 weeks.
  if (day >= p.nextReviewDay) {
    const at = p.zone.at(day, p.rng.int(9 * 60, 17 * 60));
    const nextReviewDue = fromEpochDay(day + 84);
    const summary =
      p.trajectory === 'improving' ? 'Improving; continue the plan.' : 'Limited progress; discussed options.';
    p.at(at, () =>
      p.issue({ type: 'ReviewCarePlan', data: { patientId: pid, summary, nextReviewDue } }, p.therapist, at),
    );
    p.nextReviewDay = day + 84;
  }

  // Goals: revised at week 6 for some, achieved by improving patients after week 10.
  if (
    Math.floor(week) === 6 &&
    day === p.planStartDay + 42 &&
    p.goals[0] &&
    !p.goals[0].achieved &&
    p.rng.chance(0.2)
  ) {
    const goal = p.goals[0];
    const at = p.zone.at(day, 11 * 60);
    const description = p.rng.pick(catalog.goals);
    p.at(at, () =>
      p.issue(
        {
          type: 'ReviseTreatmentGoal',
          data: { patientId: pid, goalId: goal.id, description, reason: 'Made more specific.' },
        },
        p.therapist,
        at,
      ),
    );
  }
  if (week >= 10 && p.trajectory === 'improving' && p.rng.chance(0.02)) {
    const goal = p.goals.find((g) => !g.achieved);
    if (goal) {
      goal.achieved = true;
      const at = p.zone.at(day, 12 * 60);
      p.at(at, () => p.issue({ type: 'MarkGoalAchieved', data: { patientId: pid, goalId: goal.id } }, p.therapist, at));
    }
  }

  // The care manager leaves some teams.
  if (p.careManager && week >= 8 && p.rng.chance(0.004)) {
    const manager = p.careManager;
    p.careManager = null;
    const at = p.zone.at(day, 10 * 60);
    p.at(at, () =>
      p.issue(
        {
          type: 'RemoveCareTeamMember',
          data: { patientId: pid, userId: manager.userId, reason: 'Housing support completed.' },
        },
        p.therapist,
        at,
      ),
    );
  }

  // Consultations between therapist and prescriber.
  if (p.prescriber && day >= p.nextConsultationDay) {
    planConsultation(p, day);
    p.nextConsultationDay = day + p.rng.int(21, 70);
  }

  // Case reviews for patients who are not doing well.
  if (p.prescriber && day >= p.nextCaseReviewDay) {
    if (p.trajectory !== 'improving' || p.pTake < 0.8) planCaseReview(p, day);
    p.nextCaseReviewDay = day + 84;
  }

  // Medication changes when the response is poor.
  if (p.prescriber && p.track !== 'therapy-only') {
    if (!p.adjustedForResponse && week >= 5 && p.trajectory !== 'improving') {
      p.adjustedForResponse = true;
      if (p.rng.chance(0.6)) planAdjustment(p, day, 'step-up');
    } else if (!p.adjustedForResponse && week >= 5) {
      p.adjustedForResponse = true;
      if (p.rng.chance(0.15)) planAdjustment(p, day, 'split');
    }
    if (!p.augmented && week >= 10 && p.trajectory === 'not-improving') {
      p.augmented = true;
      if (p.rng.chance(0.25)) planPrescription(p, day, p.zone.at(day, 15 * 60), null);
    }
  }
}

export function planTrackSwitch(p: PatientRecord, day: number, to: TreatmentTrack): void {
  if (to === p.track) return;
  const pid = p.patientId;
  const at = p.zone.at(day, 7 * 60);
  if (to === 'therapy-only') {
    // The medications stop first: a therapy-only plan has none current.
    for (const medication of p.medications.values())
      if (medication.stopAt === null) planDiscontinuation(p, medication, at, at, 'track-change');
    cancelSession(p, p.medicationReview, at + MINUTE, 'Treatment track changed to therapy only.');
    p.medicationReview = null;
  }
  if (to === 'medication-only') {
    cancelSession(p, p.psychotherapy, at + MINUTE, 'Treatment track changed to medication only.');
    p.psychotherapy = null;
    p.therapyEveryDays = null;
    if (p.rng.chance(0.35)) p.switchBackDay = day + p.rng.int(6, 12) * 7;
  }
  const from = p.track;
  p.track = to;
  const reason =
    to === 'medication-only'
      ? 'Therapy goals met; continuing medication.'
      : to === 'therapy-only'
        ? 'Patient prefers to stop medication.'
        : 'Symptoms returned; restarting therapy.';
  p.at(at + 5 * MINUTE, () =>
    p.issue(
      { type: 'ChangeTreatmentTrack', data: { patientId: pid, track: to, reason } },
      p.therapist,
      at + 5 * MINUTE,
    ),
  );
  if (to === 'integrated' && from === 'medication-only' && p.therapyEveryDays === null)
    planTherapy(p, day, at + 10 * MINUTE);
}

export function planClosure(p: PatientRecord, day: number): void {
  const at = p.zone.at(day, 10 * 60);
  for (const medication of p.medications.values())
    if (medication.stopAt === null) planDiscontinuation(p, medication, at, at, 'course-completed');
  cancelSession(p, p.psychotherapy, at + MINUTE, 'Care plan completed.');
  cancelSession(p, p.medicationReview, at + MINUTE, 'Care plan completed.');
  p.psychotherapy = null;
  p.medicationReview = null;
  p.open = false;
  p.at(at + 5 * MINUTE, () =>
    p.issue(
      {
        type: 'CloseCarePlan',
        data: {
          patientId: p.patientId,
          reason: 'completed',
          note: 'Remission sustained; discharged to primary care.',
        },
      },
      p.therapist,
      at + 5 * MINUTE,
    ),
  );
}
