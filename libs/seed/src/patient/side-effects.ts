import { streams, type Severity, type SideEffectAction } from '@caretrail/domain';
import * as catalog from '../catalog';
import { DAY, HOUR, MINUTE } from '../clock';
import { planPrescription, planAdjustment, discontinue } from './medication';
import type { PatientRecord, Medication } from './patient-record';

export function planSideEffect(p: PatientRecord, day: number, medication: Medication): void {
  const pid = p.patientId;
  const sideEffectId = p.ids.next();
  const severity: Severity = p.rng.weighted([
    ['mild', 55],
    ['moderate', 33],
    ['severe', 12],
  ] as const);
  const burden = severity === 'mild' ? p.rng.int(0, 2) : severity === 'moderate' ? p.rng.int(2, 5) : p.rng.int(4, 6);
  const fibser = p.rng.chance(0.75)
    ? { frequency: p.rng.int(1, 6), intensity: Math.min(6, burden + p.rng.int(0, 1)), burden }
    : null;
  const urgent = severity === 'severe' || (fibser !== null && fibser.burden >= 5);
  const symptom = p.rng.pick(catalog.symptoms[severity]);
  const reportAt = p.zone.at(day, p.rng.int(9 * 60, 22 * 60));
  const stream = streams.sideEffect(pid, sideEffectId);
  let reportEventId: string | undefined;
  p.at(reportAt, async () => {
    reportEventId = (
      await p.issue(
        {
          type: 'ReportSideEffect',
          data: { patientId: pid, sideEffectId, symptom, severity, suspectedMedicationId: medication.id, fibser },
        },
        p.patient,
        reportAt,
      )
    )?.[0]?.meta.eventId;
  });
  const reviewed = urgent || p.rng.chance(0.9);
  if (reviewed && p.prescriber) {
    const prescriber = p.prescriber;
    const reviewAt = reportAt + (urgent ? p.rng.between(2, 12) * HOUR : p.rng.between(1, 6) * DAY);
    const action: SideEffectAction =
      severity === 'severe'
        ? p.rng.weighted([
            ['discontinued', 50],
            ['dose-adjusted', 30],
            ['monitor', 20],
          ] as const)
        : severity === 'moderate'
          ? p.rng.weighted([
              ['dose-adjusted', 25],
              ['monitor', 50],
              ['continue', 25],
            ] as const)
          : p.rng.weighted([
              ['continue', 60],
              ['monitor', 40],
            ] as const);
    const correct = p.rng.chance(0.05);
    p.at(reviewAt, async () => {
      if (!reportEventId) return;
      const reviewDay = p.zone.dayOf(reviewAt);
      const stillTaking = medication.stopAt === null;
      if (action === 'discontinued' && stillTaking && p.open) {
        medication.stopAt = p.zone.midnight(reviewDay + 1);
        await discontinue(p, medication, reviewAt, medication.stopAt, 'side-effects');
        if (![...p.medications.values()].some((m) => m.stopAt === null))
          planPrescription(p, reviewDay, reviewAt + 5 * MINUTE, medication.drug);
      } else if (action === 'dose-adjusted' && stillTaking && p.open) {
        planAdjustment(p, reviewDay, 'step-down', medication, reviewAt + 5 * MINUTE);
      }
      await p.issue(
        { type: 'ReviewSideEffect', data: { patientId: pid, sideEffectId, action, note: null } },
        prescriber,
        reviewAt + 10 * MINUTE,
      );
      if (correct) {
        await p.issue(
          {
            type: 'CorrectEntry',
            data: {
              patientId: pid,
              stream,
              eventId: reportEventId,
              changes: [{ field: 'symptom', value: `${symptom} Started after the evening dose.` }],
              reason: 'Clarified with the patient.',
            },
          },
          prescriber,
          reviewAt + 12 * MINUTE,
        );
      }
    });
  }
  if (p.rng.chance(0.7)) {
    const resolveAt = reportAt + p.rng.between(3, 21) * DAY;
    p.at(resolveAt, async () => {
      if (!reportEventId) return;
      await p.issue(
        { type: 'ResolveSideEffect', data: { patientId: pid, sideEffectId, note: 'Gone.' } },
        p.patient,
        resolveAt,
      );
    });
  }
}
