import {
  instruments,
  streams,
  type Actor,
  type CancelledBy,
  type DomainCommand,
  type Instrument,
  type MissedReason,
  type RecordedEvent,
  type Severity,
  type SideEffectAction,
  type TreatmentTrack,
} from '@caretrail/domain';
import * as catalog from './catalog';
import { DAY, HOUR, isoDate, MINUTE, weekdayOf, Zone } from './clock';
import type { DomainWriter } from './domain-writer';
import { IdSource, Random } from './random';

/** The clinic's staff, shared by all patients of a run. */
export interface Clinicians {
  therapists: string[];
  prescribers: string[];
  careManagers: string[];
}

export function cliniciansFor(patients: number): Clinicians {
  const list = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')}`);
  return {
    therapists: list('therapist', Math.max(2, Math.ceil(patients / 30))),
    prescribers: list('prescriber', Math.max(2, Math.ceil(patients / 60))),
    careManagers: list('care-manager', Math.max(1, Math.ceil(patients / 100))),
  };
}

/** Something the patient or a clinician does at an instant. */
interface Action {
  at: number;
  seq: number;
  run: () => void;
}

interface Schedule {
  fromDay: number;
  shape: catalog.ScheduleShape;
}

interface Medication {
  id: string;
  drug: catalog.Drug;
  strength: number;
  startAt: number;
  stopAt: number | null;
  schedules: Schedule[];
  /** Side effects are likelier in the first weeks after a start or a change. */
  riskFromDay: number;
}

interface Session {
  id: string;
  kind: 'psychotherapy' | 'medication-management';
  at: number;
  status: 'scheduled' | 'closed';
}

type Trajectory = 'improving' | 'partial' | 'not-improving';
type StopReason = 'side-effects' | 'track-change' | 'course-completed';

/**
 * One simulated patient. Each day it first decides what the clinic does
 * (plan changes, prescriptions, reviews), then which doses are taken, missed
 * or reported late; everything becomes an action at an instant, and actions
 * run in time order as commands through the DomainWriter, with the acting
 * user and `now` of that instant. Only the domain decides what is recorded.
 */
export class PatientSimulation {
  readonly ids: IdSource;
  readonly patientId: string;
  private readonly rng: Random;
  private readonly zone: Zone;
  private readonly queue: Action[] = [];
  private seq = 0;

  // Who cares for the patient.
  private readonly therapist: Actor;
  private readonly prescriber: Actor | null;
  private careManager: Actor | null;
  private readonly patient: Actor;

  // The profile: what kind of patient this is.
  private readonly enrolDay: number;
  private track: TreatmentTrack;
  private readonly pTake: number;
  private readonly pLate: number;
  private readonly pReportMissed: number;
  private readonly pOffline: number;
  private readonly pAttend: number;
  private readonly trajectory: Trajectory;
  private readonly improvement: number;
  private readonly tau: number;
  private readonly phqBaseline: number;
  private readonly gadBaseline: number;
  private readonly questionnairesStopDay: number | null;
  private plannedSwitchDay: number | null;
  private readonly plannedSwitchTo: TreatmentTrack | null;
  private plannedCloseDay: number | null;

  // What has happened so far.
  private open = false;
  private planStartDay = 0;
  private therapyEveryDays: number | null = null;
  private readonly sessionMinutes: number;
  private readonly medications = new Map<string, Medication>();
  private readonly goals: Array<{ id: string; achieved: boolean }> = [];
  private psychotherapy: Session | null = null;
  private medicationReview: Session | null = null;
  private attendedSessions = 0;
  private nextOutcomeDay = 0;
  private nextConsultationDay = 0;
  private nextReviewDay = 0;
  private nextCaseReviewDay = 0;
  private switchBackDay: number | null = null;
  private adjustedForResponse = false;
  private augmented = false;
  private holisticEventId: string | null = null;
  private readonly doseStreams = new Map<string, number>();

  constructor(
    private readonly writer: DomainWriter,
    seed: string,
    index: number,
    clinicians: Clinicians,
    firstDay: number,
    lastDay: number,
  ) {
    this.ids = new IdSource(seed, index);
    this.patientId = this.ids.patientId;
    const rng = (this.rng = new Random(`caretrail-seed\u0000${seed}\u0000profile\u0000${index}`));
    this.zone = Zone.of(rng.weighted(catalog.timeZones));
    this.patient = { userId: this.patientId, role: 'patient' };
    this.therapist = { userId: rng.pick(clinicians.therapists), role: 'therapist' };
    this.track = rng.weighted<TreatmentTrack>([
      ['integrated', 60],
      ['medication-only', 20],
      ['therapy-only', 20],
    ]);
    this.prescriber =
      this.track !== 'therapy-only' || rng.chance(0.5)
        ? { userId: rng.pick(clinicians.prescribers), role: 'prescriber' }
        : null;
    this.careManager = rng.chance(0.2) ? { userId: rng.pick(clinicians.careManagers), role: 'care-manager' } : null;

    const days = lastDay - firstDay;
    this.enrolDay =
      days < 14
        ? firstDay
        : rng.chance(0.85)
          ? firstDay + rng.int(0, Math.floor(days * 0.6))
          : firstDay + rng.int(Math.floor(days * 0.6), days - 7);

    const adherence = rng.weighted([
      ['high', 40],
      ['moderate', 30],
      ['low', 30],
    ] as const);
    this.pTake =
      adherence === 'high'
        ? rng.between(0.95, 0.995)
        : adherence === 'moderate'
          ? rng.between(0.85, 0.94)
          : rng.between(0.5, 0.8);
    this.pLate = rng.between(0.02, 0.12);
    this.pReportMissed = rng.between(0.4, 0.9);
    this.pOffline = rng.between(0.01, 0.08);
    this.pAttend = rng.between(0.6, 0.97);
    this.sessionMinutes = rng.pick([9 * 60, 10 * 60, 11 * 60, 14 * 60, 16 * 60, 17 * 60 + 30]);

    this.trajectory = rng.weighted<Trajectory>([
      ['improving', 50],
      ['partial', 20],
      ['not-improving', 30],
    ]);
    const lowAdherence = adherence === 'low' && this.track !== 'therapy-only' ? 0.6 : 1;
    this.improvement =
      lowAdherence *
      (this.trajectory === 'improving'
        ? rng.between(0.55, 0.9)
        : this.trajectory === 'partial'
          ? rng.between(0.3, 0.5)
          : rng.between(-0.1, 0.25));
    this.tau = rng.between(3, 7);
    this.phqBaseline = rng.int(10, 24);
    this.gadBaseline = Math.min(21, Math.max(5, Math.round(this.phqBaseline * 0.75 + rng.normal() * 2)));
    this.questionnairesStopDay = rng.chance(0.15) ? this.enrolDay + rng.int(6, 20) * 7 : null;

    const switchRoll = rng.next();
    if (this.track === 'integrated' && switchRoll < 0.06)
      [this.plannedSwitchTo, this.plannedSwitchDay] = ['medication-only', this.enrolDay + rng.int(8, 20) * 7];
    else if (this.track === 'integrated' && switchRoll < 0.09)
      [this.plannedSwitchTo, this.plannedSwitchDay] = ['therapy-only', this.enrolDay + rng.int(8, 20) * 7];
    else if (this.track === 'medication-only' && switchRoll < 0.1)
      [this.plannedSwitchTo, this.plannedSwitchDay] = ['integrated', this.enrolDay + rng.int(6, 16) * 7];
    else [this.plannedSwitchTo, this.plannedSwitchDay] = [null, null];
    this.plannedCloseDay =
      this.trajectory === 'improving' && rng.chance(0.08) ? this.enrolDay + rng.int(20, 40) * 7 : null;
  }

  /** Plans the day, then runs every action due before the end of it. */
  runDay(day: number): void {
    if (day >= this.enrolDay) {
      this.forgetOldStreams(day);
      if (day === this.enrolDay) this.planEnrolment(day);
      else if (this.open) this.planClinicalDay(day);
      if (this.open) this.planDoses(day);
    }
    const end = this.zone.midnight(day + 1);
    while (this.queue.length > 0 && this.queue[0]!.at < end) this.pop().run();
  }

  // --- planning -----------------------------------------------------------

  private planEnrolment(day: number): void {
    const t = this.zone.at(day, this.rng.int(9 * 60, 15 * 60));
    const pid = this.patientId;
    const given = this.rng.pick(catalog.givenNames);
    const family = this.rng.pick(catalog.familyNames);
    this.at(t, () => {
      this.issue(
        {
          type: 'EnrolPatient',
          data: {
            patientId: pid,
            name: { given, family },
            contact: {
              email: `${given}.${family}@example.org`.toLowerCase(),
              phone: this.rng.chance(0.7) ? `+44 20 7946 0${String(this.rng.int(0, 999)).padStart(3, '0')}` : null,
            },
            timeZone: this.zone.name,
          },
        },
        this.therapist,
        t,
      );
    });
    if (this.prescriber) {
      const prescriber = this.prescriber;
      this.at(t + 5 * MINUTE, () =>
        this.issue(
          {
            type: 'AssignCareTeamMember',
            data: {
              patientId: pid,
              userId: prescriber.userId,
              role: 'prescriber',
              chosenByPatient: this.rng.chance(0.7),
            },
          },
          this.therapist,
          t + 5 * MINUTE,
        ),
      );
    }
    if (this.careManager) {
      const manager = this.careManager;
      this.at(t + 6 * MINUTE, () =>
        this.issue(
          {
            type: 'AssignCareTeamMember',
            data: { patientId: pid, userId: manager.userId, role: 'care-manager', chosenByPatient: false },
          },
          this.therapist,
          t + 6 * MINUTE,
        ),
      );
    }
    const carePlanId = this.ids.next();
    const track = this.track;
    this.at(t + 10 * MINUTE, () =>
      this.issue(
        { type: 'StartCarePlan', data: { patientId: pid, carePlanId, track } },
        this.therapist,
        t + 10 * MINUTE,
      ),
    );
    this.open = true;
    this.planStartDay = day;
    if (this.rng.chance(0.7)) {
      const lifestyle = this.rng.pick(catalog.lifestyles);
      const supportSystem = this.rng.pick(catalog.supportSystems);
      const comorbidConditions = this.rng.chance(0.4) ? [{ ...this.rng.pick(catalog.comorbidities) }] : [];
      this.at(t + 12 * MINUTE, () => {
        const events = this.issue(
          { type: 'RecordHolisticContext', data: { patientId: pid, lifestyle, supportSystem, comorbidConditions } },
          this.therapist,
          t + 12 * MINUTE,
        );
        this.holisticEventId = events?.[0]?.meta.eventId ?? null;
      });
      if (this.rng.chance(0.08)) {
        // A correction a week later: the therapist amends the lifestyle note (append, never overwrite).
        const at = t + 7 * DAY;
        const value = this.rng.pick(catalog.lifestyles);
        this.at(at, () => {
          if (this.holisticEventId === null || !this.open) return;
          this.issue(
            {
              type: 'CorrectEntry',
              data: {
                patientId: pid,
                stream: streams.carePlan(pid),
                eventId: this.holisticEventId,
                changes: [{ field: 'lifestyle', value }],
                reason: 'Patient clarified their routine.',
              },
            },
            this.therapist,
            at,
          );
        });
      }
    }
    const goalCount = this.rng.int(1, 3);
    for (let i = 0; i < goalCount; i++) {
      const goal = { id: this.ids.next(), achieved: false };
      this.goals.push(goal);
      const description = catalog.goals[(this.rng.int(0, catalog.goals.length - 1) + i) % catalog.goals.length]!;
      const targetDate = isoDate(day + this.rng.int(8, 26) * 7);
      this.at(t + (15 + i) * MINUTE, () =>
        this.issue(
          { type: 'SetTreatmentGoal', data: { patientId: pid, goalId: goal.id, description, targetDate } },
          this.therapist,
          t + (15 + i) * MINUTE,
        ),
      );
    }
    if (this.track !== 'medication-only') this.planTherapy(day, t + 20 * MINUTE);
    this.planOutcomes(day, t + 30 * MINUTE, this.therapist);
    if (this.track !== 'therapy-only' && this.prescriber) {
      this.planPrescription(day, t + 60 * MINUTE, null);
      if (this.rng.chance(0.15)) this.planPrescription(day, t + 62 * MINUTE, null);
      this.planMedicationReview(t + 65 * MINUTE, this.zone.at(day + 28, 15 * 60));
    }
    this.nextOutcomeDay = day + this.rng.int(14, 28);
    this.nextConsultationDay = day + this.rng.int(10, 40);
    this.nextReviewDay = day + 84;
    this.nextCaseReviewDay = day + 56;
  }

  private planTherapy(day: number, at: number): void {
    const modality = this.rng.weighted(catalog.modalities);
    const modalityDetail = modality === 'other' ? this.rng.pick(catalog.otherModalities) : null;
    const weekly = this.rng.chance(0.8);
    this.therapyEveryDays = weekly ? 7 : 14;
    const frequency = weekly ? { sessions: 1, per: 'week' as const } : { sessions: 2, per: 'month' as const };
    this.at(at, () =>
      this.issue(
        { type: 'PrescribeTherapy', data: { patientId: this.patientId, modality, modalityDetail, frequency } },
        this.therapist,
        at,
      ),
    );
    this.planPsychotherapy(at + 2 * MINUTE, this.zone.at(day + this.rng.int(3, 8), this.sessionMinutes));
  }

  private planClinicalDay(day: number): void {
    const week = (day - this.planStartDay) / 7;
    const pid = this.patientId;

    // A medication that starts tomorrow is current: stopping it today is not possible, so wait a day.
    const startsLater = [...this.medications.values()].some(
      (m) => m.stopAt === null && m.startAt > this.zone.at(day, 7 * 60),
    );
    if (day === this.plannedCloseDay) {
      if (!startsLater) return this.planClosure(day);
      this.plannedCloseDay++;
    }
    if (day === this.plannedSwitchDay && this.plannedSwitchTo) {
      if (startsLater) this.plannedSwitchDay++;
      else this.planTrackSwitch(day, this.plannedSwitchTo);
    } else if (day === this.switchBackDay) this.planTrackSwitch(day, 'integrated');

    // Questionnaires every 2-4 weeks, unless the patient stopped filling them in.
    if (day >= this.nextOutcomeDay && (this.questionnairesStopDay === null || day < this.questionnairesStopDay)) {
      const byPatient = this.rng.chance(0.7);
      this.planOutcomes(
        day,
        this.zone.at(day, this.rng.int(8 * 60, 21 * 60)),
        byPatient ? this.patient : this.therapist,
      );
      this.nextOutcomeDay = day + this.rng.int(14, 28);
    }

    // Care-plan reviews every 12 weeks.
    if (day >= this.nextReviewDay) {
      const at = this.zone.at(day, this.rng.int(9 * 60, 17 * 60));
      const nextReviewDue = isoDate(day + 84);
      const summary =
        this.trajectory === 'improving' ? 'Improving; continue the plan.' : 'Limited progress; discussed options.';
      this.at(at, () =>
        this.issue({ type: 'ReviewCarePlan', data: { patientId: pid, summary, nextReviewDue } }, this.therapist, at),
      );
      this.nextReviewDay = day + 84;
    }

    // Goals: revised at week 6 for some, achieved by improving patients after week 10.
    if (
      Math.floor(week) === 6 &&
      day === this.planStartDay + 42 &&
      this.goals[0] &&
      !this.goals[0].achieved &&
      this.rng.chance(0.2)
    ) {
      const goal = this.goals[0];
      const at = this.zone.at(day, 11 * 60);
      const description = this.rng.pick(catalog.goals);
      this.at(at, () =>
        this.issue(
          {
            type: 'ReviseTreatmentGoal',
            data: { patientId: pid, goalId: goal.id, description, reason: 'Made more specific.' },
          },
          this.therapist,
          at,
        ),
      );
    }
    if (week >= 10 && this.trajectory === 'improving' && this.rng.chance(0.02)) {
      const goal = this.goals.find((g) => !g.achieved);
      if (goal) {
        goal.achieved = true;
        const at = this.zone.at(day, 12 * 60);
        this.at(at, () =>
          this.issue({ type: 'MarkGoalAchieved', data: { patientId: pid, goalId: goal.id } }, this.therapist, at),
        );
      }
    }

    // The care manager leaves some teams.
    if (this.careManager && week >= 8 && this.rng.chance(0.004)) {
      const manager = this.careManager;
      this.careManager = null;
      const at = this.zone.at(day, 10 * 60);
      this.at(at, () =>
        this.issue(
          {
            type: 'RemoveCareTeamMember',
            data: { patientId: pid, userId: manager.userId, reason: 'Housing support completed.' },
          },
          this.therapist,
          at,
        ),
      );
    }

    // Consultations between therapist and prescriber.
    if (this.prescriber && day >= this.nextConsultationDay) {
      this.planConsultation(day);
      this.nextConsultationDay = day + this.rng.int(21, 70);
    }

    // Case reviews for patients who are not doing well.
    if (this.prescriber && day >= this.nextCaseReviewDay) {
      if (this.trajectory !== 'improving' || this.pTake < 0.8) this.planCaseReview(day);
      this.nextCaseReviewDay = day + 84;
    }

    // Medication changes when the response is poor.
    if (this.prescriber && this.track !== 'therapy-only') {
      if (!this.adjustedForResponse && week >= 5 && this.trajectory !== 'improving') {
        this.adjustedForResponse = true;
        if (this.rng.chance(0.6)) this.planAdjustment(day, 'step-up');
      } else if (!this.adjustedForResponse && week >= 5) {
        this.adjustedForResponse = true;
        if (this.rng.chance(0.15)) this.planAdjustment(day, 'split');
      }
      if (!this.augmented && week >= 10 && this.trajectory === 'not-improving') {
        this.augmented = true;
        if (this.rng.chance(0.25)) this.planPrescription(day, this.zone.at(day, 15 * 60), null);
      }
    }
  }

  private planDoses(day: number): void {
    const weekday = weekdayOf(day);
    const weekend = weekday === 'sat' || weekday === 'sun';
    for (const medication of this.medications.values()) {
      const schedule = [...medication.schedules].reverse().find((s) => s.fromDay <= day);
      if (!schedule || !schedule.shape.daysOfWeek.includes(weekday)) continue;
      // Side effects: likelier in the first six weeks after a start or change.
      if (this.isActive(medication, this.zone.at(day, 12 * 60))) {
        const risk = day - medication.riskFromDay < 42 ? 0.01 : 0.0015;
        if (this.rng.chance(risk)) this.planSideEffect(day, medication);
      }
      for (const time of schedule.shape.times) {
        const slot = this.zone.at(day, Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)));
        if (!this.isActive(medication, slot)) continue;
        this.planDose(medication, slot, weekend ? this.pTake - 0.03 : this.pTake);
      }
    }
  }

  private planDose(medication: Medication, slot: number, pTake: number): void {
    const pid = this.patientId;
    const scheduledFor = new Date(slot).toISOString();
    const base = { patientId: pid, medicationId: medication.id, scheduledFor };
    if (this.rng.chance(pTake)) {
      let takenAt = this.rng.chance(this.pLate)
        ? slot + this.rng.between(2.2, 6) * HOUR
        : slot + this.rng.between(-15, 90) * MINUTE;
      if (!this.isActive(medication, takenAt)) takenAt = slot;
      takenAt = Math.round(takenAt / 1000) * 1000;
      // Some phones were offline: the report arrives days later, its occurredAt unchanged.
      const reportAt = this.rng.chance(this.pOffline)
        ? takenAt + this.rng.between(1, 4) * DAY
        : takenAt + this.rng.between(1, 10) * MINUTE;
      const voidIt = this.rng.chance(0.002);
      const occurredAt = new Date(takenAt).toISOString();
      this.at(reportAt, () => {
        // A stop decided after this dose was planned may fall before it was taken.
        if (!this.isActive(medication, takenAt)) return;
        const events = this.issue({ type: 'RecordDoseTaken', data: { ...base, occurredAt } }, this.patient, reportAt);
        const eventId = events?.[0]?.meta.eventId;
        if (!voidIt || !eventId) return;
        // The patient tapped "taken" by mistake: they mark it entered in error and record the miss.
        const fixAt = reportAt + 10 * MINUTE;
        this.at(fixAt, () => {
          this.issue(
            {
              type: 'MarkEnteredInError',
              data: {
                patientId: pid,
                stream: streams.doses(pid, scheduledFor),
                eventId,
                reason: 'Tapped taken by mistake.',
              },
            },
            this.patient,
            fixAt,
          );
          this.issue({ type: 'RecordDoseMissed', data: { ...base, reason: 'forgot' } }, this.patient, fixAt + MINUTE);
        });
      });
      return;
    }
    const roll = this.rng.next();
    if (roll < 0.15) {
      // Reported missed, then taken late after all: the domain records DoseTakenLate superseding the miss.
      const missedAt = slot + this.rng.between(1.5, 3) * HOUR;
      const takenAt = Math.round((missedAt + this.rng.between(0.5, 4) * HOUR) / 1000) * 1000;
      this.at(missedAt, () =>
        this.issue({ type: 'RecordDoseMissed', data: { ...base, reason: 'forgot' } }, this.patient, missedAt),
      );
      if (this.isActive(medication, takenAt)) {
        const occurredAt = new Date(takenAt).toISOString();
        this.at(takenAt + 2 * MINUTE, () => {
          if (this.isActive(medication, takenAt))
            this.issue({ type: 'RecordDoseTaken', data: { ...base, occurredAt } }, this.patient, takenAt + 2 * MINUTE);
        });
      }
    } else if (roll < 0.15 + 0.85 * this.pReportMissed) {
      const reason: MissedReason = this.rng.weighted(catalog.missedReasons);
      const at = slot + this.rng.between(1, 14) * HOUR;
      this.at(at, () => this.issue({ type: 'RecordDoseMissed', data: { ...base, reason } }, this.patient, at));
    }
    // Otherwise nothing is reported: the slot stays empty.
  }

  private planPrescription(day: number, at: number, replacing: catalog.Drug | null): void {
    if (!this.prescriber) return;
    const prescriber = this.prescriber;
    const inUse = new Set([...this.medications.values()].filter((m) => m.stopAt === null).map((m) => m.drug.name));
    const choices = catalog.drugs.filter((d) => !inUse.has(d.name) && d !== replacing);
    const drug = this.rng.pick(choices.length > 0 ? choices : catalog.drugs);
    const shape = this.rng.weighted(catalog.scheduleShapes);
    const medication: Medication = {
      id: this.ids.next(),
      drug,
      strength: drug.start,
      startAt: this.zone.midnight(day + 1),
      stopAt: null,
      schedules: [{ fromDay: day + 1, shape }],
      riskFromDay: day + 1,
    };
    this.medications.set(medication.id, medication);
    const startsAt = new Date(medication.startAt).toISOString();
    this.at(at, () =>
      this.issue(
        {
          type: 'PrescribeMedication',
          data: {
            patientId: this.patientId,
            medicationId: medication.id,
            drug: { name: drug.name, rxNormCode: drug.rxNormCode },
            strength: { value: drug.start, unit: drug.unit },
            schedule: { timesPerDay: shape.timesPerDay, daysOfWeek: [...shape.daysOfWeek], times: [...shape.times] },
            startsAt,
            instructions: shape.times.length > 1 ? 'Take with food.' : null,
          },
        },
        prescriber,
        at,
      ),
    );
  }

  private planAdjustment(
    day: number,
    kind: 'step-up' | 'step-down' | 'split',
    only?: Medication,
    decidedAt?: number,
  ): void {
    if (!this.prescriber) return;
    const prescriber = this.prescriber;
    const medication =
      only ?? [...this.medications.values()].find((m) => m.stopAt === null && m.startAt <= this.zone.midnight(day));
    if (!medication) return;
    const current = medication.schedules[medication.schedules.length - 1]!.shape;
    let strength = medication.strength;
    let shape = current;
    if (kind === 'step-up') strength = Math.min(medication.drug.max, strength + medication.drug.step);
    if (kind === 'step-down') strength = Math.max(medication.drug.start / 2, strength - medication.drug.step);
    if (kind === 'split' || strength === medication.strength) {
      shape =
        current.timesPerDay === 1
          ? { timesPerDay: 2, daysOfWeek: catalog.EVERY_DAY, times: ['08:00', '20:00'] }
          : { timesPerDay: 1, daysOfWeek: catalog.EVERY_DAY, times: ['08:00'] };
    }
    medication.strength = strength;
    medication.schedules.push({ fromDay: day + 1, shape });
    medication.riskFromDay = day + 1;
    const at = decidedAt ?? this.zone.at(day, this.rng.int(9 * 60, 17 * 60));
    const effectiveFrom = new Date(this.zone.midnight(day + 1)).toISOString();
    const reason =
      kind === 'step-up'
        ? 'Partial response; increasing.'
        : kind === 'step-down'
          ? 'Side effects; reducing.'
          : 'Splitting the dose to ease side effects.';
    this.at(at, () =>
      this.issue(
        {
          type: 'AdjustDose',
          data: {
            patientId: this.patientId,
            medicationId: medication.id,
            strength: { value: strength, unit: medication.drug.unit },
            schedule: { timesPerDay: shape.timesPerDay, daysOfWeek: [...shape.daysOfWeek], times: [...shape.times] },
            effectiveFrom,
            reason,
          },
        },
        prescriber,
        at,
      ),
    );
  }

  /** Stops a medication at `stopAt` (a decision taken at `at`). */
  private planDiscontinuation(medication: Medication, at: number, stopAt: number, reason: StopReason): void {
    medication.stopAt = stopAt;
    this.at(at, () => this.discontinue(medication, at, stopAt, reason));
  }

  private discontinue(medication: Medication, at: number, stopAt: number, reason: StopReason): void {
    if (!this.prescriber) return;
    this.issue(
      {
        type: 'DiscontinueMedication',
        data: {
          patientId: this.patientId,
          medicationId: medication.id,
          stoppedAt: new Date(stopAt).toISOString(),
          reason,
        },
      },
      this.prescriber,
      at,
    );
  }

  private planSideEffect(day: number, medication: Medication): void {
    const pid = this.patientId;
    const sideEffectId = this.ids.next();
    const severity: Severity = this.rng.weighted([
      ['mild', 55],
      ['moderate', 33],
      ['severe', 12],
    ] as const);
    const burden =
      severity === 'mild' ? this.rng.int(0, 2) : severity === 'moderate' ? this.rng.int(2, 5) : this.rng.int(4, 6);
    const fibser = this.rng.chance(0.75)
      ? { frequency: this.rng.int(1, 6), intensity: Math.min(6, burden + this.rng.int(0, 1)), burden }
      : null;
    const urgent = severity === 'severe' || (fibser !== null && fibser.burden >= 5);
    const symptom = this.rng.pick(catalog.symptoms[severity]);
    const reportAt = this.zone.at(day, this.rng.int(9 * 60, 22 * 60));
    const stream = streams.sideEffect(pid, sideEffectId);
    let reportEventId: string | undefined;
    this.at(reportAt, () => {
      reportEventId = this.issue(
        {
          type: 'ReportSideEffect',
          data: { patientId: pid, sideEffectId, symptom, severity, suspectedMedicationId: medication.id, fibser },
        },
        this.patient,
        reportAt,
      )?.[0]?.meta.eventId;
    });
    const reviewed = urgent || this.rng.chance(0.9);
    if (reviewed && this.prescriber) {
      const prescriber = this.prescriber;
      const reviewAt = reportAt + (urgent ? this.rng.between(2, 12) * HOUR : this.rng.between(1, 6) * DAY);
      const action: SideEffectAction =
        severity === 'severe'
          ? this.rng.weighted([
              ['discontinued', 50],
              ['dose-adjusted', 30],
              ['monitor', 20],
            ] as const)
          : severity === 'moderate'
            ? this.rng.weighted([
                ['dose-adjusted', 25],
                ['monitor', 50],
                ['continue', 25],
              ] as const)
            : this.rng.weighted([
                ['continue', 60],
                ['monitor', 40],
              ] as const);
      const correct = this.rng.chance(0.05);
      this.at(reviewAt, () => {
        if (!reportEventId) return;
        const reviewDay = this.zone.dayOf(reviewAt);
        const stillTaking = medication.stopAt === null;
        if (action === 'discontinued' && stillTaking && this.open) {
          medication.stopAt = this.zone.midnight(reviewDay + 1);
          this.discontinue(medication, reviewAt, medication.stopAt, 'side-effects');
          if (![...this.medications.values()].some((m) => m.stopAt === null))
            this.planPrescription(reviewDay, reviewAt + 5 * MINUTE, medication.drug);
        } else if (action === 'dose-adjusted' && stillTaking && this.open) {
          this.planAdjustment(reviewDay, 'step-down', medication, reviewAt + 5 * MINUTE);
        }
        this.issue(
          { type: 'ReviewSideEffect', data: { patientId: pid, sideEffectId, action, note: null } },
          prescriber,
          reviewAt + 10 * MINUTE,
        );
        if (correct) {
          this.issue(
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
    if (this.rng.chance(0.7)) {
      const resolveAt = reportAt + this.rng.between(3, 21) * DAY;
      this.at(resolveAt, () => {
        if (!reportEventId) return;
        this.issue(
          { type: 'ResolveSideEffect', data: { patientId: pid, sideEffectId, note: 'Gone.' } },
          this.patient,
          resolveAt,
        );
      });
    }
  }

  private planOutcomes(day: number, at: number, by: Actor): void {
    this.planOutcome(day, at, 'PHQ-9', by);
    if (this.rng.chance(0.85)) this.planOutcome(day, at + 4 * MINUTE, 'GAD-7', by);
  }

  private planOutcome(day: number, at: number, instrument: Instrument, by: Actor): void {
    const pid = this.patientId;
    const definition = instruments[instrument];
    const weeks = (day - this.planStartDay) / 7;
    const baseline = instrument === 'PHQ-9' ? this.phqBaseline : this.gadBaseline;
    const expected = baseline * (1 - this.improvement * (1 - Math.exp(-weeks / this.tau)));
    const total = Math.max(0, Math.min(definition.totalMax, Math.round(expected + this.rng.normal() * 1.5)));
    const items = this.itemsFor(total, definition.itemCount, definition.itemMax);
    const mistake = this.rng.chance(0.02);
    this.at(at, () => {
      if (!mistake) {
        this.issue({ type: 'RecordOutcome', data: { patientId: pid, instrument, items, total } }, by, at);
        return;
      }
      // Entered with the answers shifted; the therapist voids it and records the right one.
      const wrong = [...items.slice(1), items[0]!];
      const eventId = this.issue(
        { type: 'RecordOutcome', data: { patientId: pid, instrument, items: wrong, total } },
        by,
        at,
      )?.[0]?.meta.eventId;
      if (!eventId) return;
      const stream = streams.outcomes(pid, new Date(at).toISOString());
      this.issue(
        {
          type: 'MarkEnteredInError',
          data: { patientId: pid, stream, eventId, reason: 'Answers entered in the wrong order.' },
        },
        this.therapist,
        at + 20 * MINUTE,
      );
      this.issue(
        {
          type: 'RecordOutcome',
          data: { patientId: pid, instrument, items, total, occurredAt: new Date(at).toISOString() },
        },
        this.therapist,
        at + 21 * MINUTE,
      );
    });
  }

  /** Item answers (0..itemMax each) that add up to the total. */
  private itemsFor(total: number, count: number, max: number): number[] {
    const items = new Array<number>(count).fill(0);
    for (let left = total; left > 0; left--) {
      let i = this.rng.int(0, count - 1);
      while (items[i]! >= max) i = (i + 1) % count;
      items[i]!++;
    }
    return items;
  }

  private planConsultation(day: number): void {
    if (!this.prescriber) return;
    const pid = this.patientId;
    const consultationId = this.ids.next();
    const toPrescriber = this.rng.chance(0.75);
    const [from, to] = toPrescriber ? [this.therapist, this.prescriber] : [this.prescriber, this.therapist];
    const topic = this.rng.pick(
      toPrescriber ? catalog.consultationTopics.toPrescriber : catalog.consultationTopics.toTherapist,
    );
    const urgency = this.rng.chance(0.15) ? 'urgent' : 'routine';
    const at = this.zone.at(day, this.rng.int(9 * 60, 18 * 60));
    const stream = streams.consultation(pid, consultationId);
    this.at(at, () =>
      this.issue(
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
    if (this.rng.chance(0.9)) {
      const answerAt = at + (urgency === 'urgent' ? this.rng.between(1, 8) * HOUR : this.rng.between(4, 120) * HOUR);
      const answer = this.rng.pick(catalog.answers);
      this.at(answerAt, () => {
        this.issue({ type: 'AnswerConsultation', data: { patientId: pid, consultationId, answer } }, to, answerAt);
        this.writer.forgetStream(pid, stream);
      });
    }
  }

  private planCaseReview(day: number): void {
    if (!this.prescriber) return;
    const at = this.zone.at(day, 13 * 60);
    const attendees = [this.therapist, this.prescriber, ...(this.careManager ? [this.careManager] : [])].map((a) => ({
      userId: a.userId,
      role: a.role,
    }));
    const decisions =
      this.trajectory === 'not-improving'
        ? ['Consider augmentation.', 'Increase therapy to weekly.']
        : ['Continue the current plan.'];
    const caseReviewId = this.ids.next();
    this.at(at, () =>
      this.issue(
        { type: 'HoldCaseReview', data: { patientId: this.patientId, caseReviewId, attendees, decisions } },
        this.therapist,
        at,
      ),
    );
  }

  private planTrackSwitch(day: number, to: TreatmentTrack): void {
    if (to === this.track) return;
    const pid = this.patientId;
    const at = this.zone.at(day, 7 * 60);
    if (to === 'therapy-only') {
      // The medications stop first: a therapy-only plan has none current.
      for (const medication of this.medications.values())
        if (medication.stopAt === null) this.planDiscontinuation(medication, at, at, 'track-change');
      this.cancelSession(this.medicationReview, at + MINUTE, 'Treatment track changed to therapy only.');
      this.medicationReview = null;
    }
    if (to === 'medication-only') {
      this.cancelSession(this.psychotherapy, at + MINUTE, 'Treatment track changed to medication only.');
      this.psychotherapy = null;
      this.therapyEveryDays = null;
      if (this.rng.chance(0.35)) this.switchBackDay = day + this.rng.int(6, 12) * 7;
    }
    const from = this.track;
    this.track = to;
    const reason =
      to === 'medication-only'
        ? 'Therapy goals met; continuing medication.'
        : to === 'therapy-only'
          ? 'Patient prefers to stop medication.'
          : 'Symptoms returned; restarting therapy.';
    this.at(at + 5 * MINUTE, () =>
      this.issue(
        { type: 'ChangeTreatmentTrack', data: { patientId: pid, track: to, reason } },
        this.therapist,
        at + 5 * MINUTE,
      ),
    );
    if (to === 'integrated' && from === 'medication-only' && this.therapyEveryDays === null)
      this.planTherapy(day, at + 10 * MINUTE);
  }

  private planClosure(day: number): void {
    const at = this.zone.at(day, 10 * 60);
    for (const medication of this.medications.values())
      if (medication.stopAt === null) this.planDiscontinuation(medication, at, at, 'course-completed');
    this.cancelSession(this.psychotherapy, at + MINUTE, 'Care plan completed.');
    this.cancelSession(this.medicationReview, at + MINUTE, 'Care plan completed.');
    this.psychotherapy = null;
    this.medicationReview = null;
    this.open = false;
    this.at(at + 5 * MINUTE, () =>
      this.issue(
        {
          type: 'CloseCarePlan',
          data: {
            patientId: this.patientId,
            reason: 'completed',
            note: 'Remission sustained; discharged to primary care.',
          },
        },
        this.therapist,
        at + 5 * MINUTE,
      ),
    );
  }

  // --- sessions -----------------------------------------------------------

  private planPsychotherapy(scheduleAt: number, sessionAt: number): void {
    const session: Session = { id: this.ids.next(), kind: 'psychotherapy', at: sessionAt, status: 'scheduled' };
    this.psychotherapy = session;
    this.planSession(session, this.therapist, scheduleAt, () => {
      if (
        this.psychotherapy === session &&
        this.open &&
        this.therapyEveryDays !== null &&
        this.track !== 'medication-only'
      ) {
        return session.at + this.therapyEveryDays * DAY;
      }
      return null;
    });
  }

  private planMedicationReview(scheduleAt: number, sessionAt: number): void {
    if (!this.prescriber) return;
    const session: Session = { id: this.ids.next(), kind: 'medication-management', at: sessionAt, status: 'scheduled' };
    this.medicationReview = session;
    this.planSession(session, this.prescriber, scheduleAt, () =>
      this.medicationReview === session && this.open && this.track !== 'therapy-only' ? session.at + 28 * DAY : null,
    );
  }

  /** Schedules a session and decides its fate; when it is over, `next` says when the following one is. */
  private planSession(session: Session, clinician: Actor, scheduleAt: number, next: () => number | null): void {
    const pid = this.patientId;
    const { id: sessionId, kind } = session;
    const stream = streams.session(pid, sessionId);
    const scheduledFor = new Date(session.at).toISOString();
    this.at(scheduleAt, () => {
      if (session.status !== 'scheduled') return;
      this.issue(
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
      if (kind === 'psychotherapy') this.planPsychotherapy(after + 5 * MINUTE, nextAt);
      else this.planMedicationReview(after + 5 * MINUTE, nextAt);
    };
    const fate = this.rng.next();
    if (fate < 0.08) {
      const cancelledBy: CancelledBy = this.rng.weighted([
        ['patient', 60],
        ['clinician', 25],
        ['clinic', 15],
      ] as const);
      const cancelAt = Math.max(scheduleAt + MINUTE, session.at - this.rng.between(2, 48) * HOUR);
      const reason = this.rng.pick(catalog.cancellationReasons[cancelledBy]);
      this.at(cancelAt, () => {
        if (session.status !== 'scheduled') return;
        session.status = 'closed';
        this.issue(
          { type: 'CancelSession', data: { patientId: pid, sessionId, cancelledBy, reason } },
          clinician,
          cancelAt,
        );
        this.writer.forgetStream(pid, stream);
        followUp(cancelAt);
      });
      return;
    }
    if (fate < 0.12 && session.at - 24 * HOUR > scheduleAt + MINUTE) {
      const rescheduleAt =
        session.at - this.rng.between(24, Math.max(24, Math.min(72, (session.at - scheduleAt) / HOUR - 1))) * HOUR;
      const to = session.at + this.rng.int(1, 3) * DAY;
      this.at(rescheduleAt, () => {
        if (session.status !== 'scheduled') return;
        this.issue(
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
        this.planOutcomeOfSession(session, clinician, stream, followUp);
      });
      return;
    }
    this.planOutcomeOfSession(session, clinician, stream, followUp);
  }

  private planOutcomeOfSession(
    session: Session,
    clinician: Actor,
    stream: string,
    followUp: (after: number) => void,
  ): void {
    const pid = this.patientId;
    const at = session.at + this.rng.int(50, 70) * MINUTE;
    const attended = this.rng.chance(this.pAttend);
    this.at(at, () => {
      if (session.status !== 'scheduled') return;
      session.status = 'closed';
      if (attended) {
        this.issue({ type: 'RecordSessionAttended', data: { patientId: pid, sessionId: session.id } }, clinician, at);
        if (session.kind === 'psychotherapy' && ++this.attendedSessions % 3 === 0) {
          const noteAt = at + 2 * HOUR;
          const body = this.rng.pick(catalog.notes);
          this.at(noteAt, () =>
            this.issue(
              {
                type: 'ShareCollaborationNote',
                data: { patientId: pid, noteId: this.ids.next(), body, audience: ['therapist', 'prescriber'] },
              },
              this.therapist,
              noteAt,
            ),
          );
        }
      } else {
        this.issue(
          {
            type: 'RecordSessionMissed',
            data: {
              patientId: pid,
              sessionId: session.id,
              reason: this.rng.chance(0.5) ? 'No-show; did not answer the phone.' : null,
            },
          },
          clinician,
          at,
        );
      }
      this.writer.forgetStream(pid, stream);
      followUp(at);
    });
  }

  private cancelSession(session: Session | null, at: number, reason: string): void {
    if (!session || session.status !== 'scheduled') return;
    session.status = 'closed';
    const clinician = session.kind === 'psychotherapy' ? this.therapist : (this.prescriber ?? this.therapist);
    this.at(at, () =>
      this.issue(
        {
          type: 'CancelSession',
          data: { patientId: this.patientId, sessionId: session.id, cancelledBy: 'clinic', reason },
        },
        clinician,
        at,
      ),
    );
  }

  // --- plumbing -----------------------------------------------------------

  private isActive(medication: Medication, at: number): boolean {
    return at >= medication.startAt && (medication.stopAt === null || at < medication.stopAt);
  }

  /**
   * Dose-month streams no dose has been reported to for 40 days are done with
   * (reports arrive at most 4 days late). Outcome and note streams hold a
   * year and stay: notes are written to them all year.
   */
  private forgetOldStreams(day: number): void {
    if (day % 7 !== 0) return;
    for (const [name, lastDay] of this.doseStreams) {
      if (day - lastDay > 40) {
        this.writer.forgetStream(this.patientId, name);
        this.doseStreams.delete(name);
      }
    }
  }

  private issue(command: DomainCommand, actor: Actor, at: number): RecordedEvent[] | null {
    const events = this.writer.execute(command, actor, at);
    const stream = events?.[0]?.meta.streamName;
    if (stream?.startsWith('doses-')) this.doseStreams.set(stream, Math.floor(at / DAY));
    return events;
  }

  private at(at: number, run: () => void): void {
    const action = { at, seq: this.seq++, run };
    const queue = this.queue;
    queue.push(action);
    let i = queue.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(action, queue[parent]!)) break;
      queue[i] = queue[parent]!;
      i = parent;
    }
    queue[i] = action;
  }

  private pop(): Action {
    const queue = this.queue;
    const top = queue[0]!;
    const last = queue.pop()!;
    if (queue.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= queue.length) break;
        const right = left + 1;
        const child = right < queue.length && before(queue[right]!, queue[left]!) ? right : left;
        if (!before(queue[child]!, last)) break;
        queue[i] = queue[child]!;
        i = child;
      }
      queue[i] = last;
    }
    return top;
  }
}

function before(a: Action, b: Action): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
