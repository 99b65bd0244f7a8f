import type { DomainWriter } from '../domain-writer';
import type { IdSource } from '../random';
import { planClinicalDay, planEnrolment } from './care-plan';
import type { Clinicians } from './clinicians';
import { planDoses } from './medication';
import { PatientRecord } from './patient-record';

/**
 * One simulated patient. Each day it first decides what the clinic does
 * (plan changes, prescriptions, reviews), then which doses are taken, missed
 * or reported late; everything becomes an action at an instant, and actions
 * run in time order as commands through the DomainWriter, with the acting
 * user and `now` of that instant. Only the domain decides what is recorded.
 */
export class PatientSimulation {
  private readonly record: PatientRecord;

  constructor(
    writer: DomainWriter,
    seed: string,
    index: number,
    clinicians: Clinicians,
    firstDay: number,
    lastDay: number,
  ) {
    this.record = new PatientRecord(writer, seed, index, clinicians, firstDay, lastDay);
  }

  get ids(): IdSource {
    return this.record.ids;
  }

  get patientId(): string {
    return this.record.patientId;
  }

  /** Plans the day, then runs every action due before the end of it. */
  async runDay(day: number): Promise<void> {
    const p = this.record;
    if (day >= p.enrolDay) {
      p.forgetOldStreams(day);
      if (day === p.enrolDay) planEnrolment(p, day);
      else if (p.open) planClinicalDay(p, day);
      if (p.open) planDoses(p, day);
    }
    await p.runUntil(p.zone.midnight(day + 1));
  }
}
