import type { Actor, DomainCommand, HistoryEvent, TreatmentTrack } from '@caretrail/domain';
import * as catalog from '../catalog';
import { DAY, Zone } from '../clock';
import type { DomainWriter } from '../domain-writer';
import { IdSource, Random } from '../random';
import { ActionQueue } from './action-queue';
import type { Clinicians } from './clinicians';

export interface Schedule {
  fromDay: number;
  shape: catalog.ScheduleShape;
}

export interface Medication {
  id: string;
  drug: catalog.Drug;
  strength: number;
  startAt: number;
  stopAt: number | null;
  schedules: Schedule[];
  /** Side effects are likelier in the first weeks after a start or a change. */
  riskFromDay: number;
}

export interface Session {
  id: string;
  kind: 'psychotherapy' | 'medication-management';
  at: number;
  status: 'scheduled' | 'closed';
}

export type Trajectory = 'improving' | 'partial' | 'not-improving';
export type StopReason = 'side-effects' | 'track-change' | 'course-completed';

/**
 * One simulated patient's profile (drawn once from the seed: who cares for
 * them, how adherent they are, how they respond) and what has happened so
 * far, with the two things every planner does: plan an action at an instant
 * (`at`) and send a command through the DomainWriter (`issue`). The
 * planners of each capability (care-plan.ts, medication.ts, sessions.ts,
 * ...) read and change it.
 */
export class PatientRecord {
  readonly ids: IdSource;
  readonly patientId: string;
  readonly rng: Random;
  readonly zone: Zone;
  private readonly queue = new ActionQueue();

  // Who cares for the patient.
  readonly therapist: Actor;
  readonly prescriber: Actor | null;
  careManager: Actor | null;
  readonly patient: Actor;

  // The profile: what kind of patient this is.
  readonly enrolDay: number;
  track: TreatmentTrack;
  readonly pTake: number;
  readonly pLate: number;
  readonly pReportMissed: number;
  readonly pOffline: number;
  readonly pAttend: number;
  readonly trajectory: Trajectory;
  readonly improvement: number;
  readonly tau: number;
  readonly phqBaseline: number;
  readonly gadBaseline: number;
  readonly questionnairesStopDay: number | null;
  plannedSwitchDay: number | null;
  readonly plannedSwitchTo: TreatmentTrack | null;
  plannedCloseDay: number | null;

  // What has happened so far.
  open = false;
  planStartDay = 0;
  therapyEveryDays: number | null = null;
  readonly sessionMinutes: number;
  readonly medications = new Map<string, Medication>();
  readonly goals: Array<{ id: string; achieved: boolean }> = [];
  psychotherapy: Session | null = null;
  medicationReview: Session | null = null;
  attendedSessions = 0;
  nextOutcomeDay = 0;
  nextConsultationDay = 0;
  nextReviewDay = 0;
  nextCaseReviewDay = 0;
  switchBackDay: number | null = null;
  adjustedForResponse = false;
  augmented = false;
  holisticEventId: string | null = null;
  readonly doseStreams = new Map<string, number>();

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

  isActive(medication: Medication, at: number): boolean {
    return at >= medication.startAt && (medication.stopAt === null || at < medication.stopAt);
  }

  /** Plans `run` for instant `at`. */
  at(at: number, run: () => Promise<unknown>): void {
    this.queue.schedule(at, run);
  }

  /** The writer drops a stream of this patient's that no later command needs (see DomainWriter.forgetStream). */
  forgetStream(stream: string): void {
    this.writer.forgetStream(this.patientId, stream);
  }

  /** Runs every action due before `end`. */
  runUntil(end: number): Promise<void> {
    return this.queue.runUntil(end);
  }

  async issue(command: DomainCommand, actor: Actor, at: number): Promise<HistoryEvent[] | null> {
    const events = await this.writer.execute(command, actor, at);
    const stream = events?.[0]?.meta.streamName;
    if (stream?.startsWith('doses-')) this.doseStreams.set(stream, Math.floor(at / DAY));
    return events;
  }

  /**
   * Dose-month streams no dose has been reported to for 40 days are done with
   * (reports arrive at most 4 days late). Outcome and note streams hold a
   * year and stay: notes are written to them all year.
   */
  forgetOldStreams(day: number): void {
    if (day % 7 !== 0) return;
    for (const [name, lastDay] of this.doseStreams) {
      if (day - lastDay > 40) {
        this.writer.forgetStream(this.patientId, name);
        this.doseStreams.delete(name);
      }
    }
  }
}
