import type { Instrument } from '@caretrail/domain';

/** One episode of care: a care plan from its start to its closure. */
export type EpisodeFact = {
  carePlanId: string;
  startEventId: string;
  startedAt: string;
  closeEventId: string | null;
  closedAt: string | null;
  voided: boolean;
};

export type ScoreFact = {
  eventId: string;
  position: number;
  instrument: Instrument;
  occurredAt: string;
  items: number[];
  total: number;
  voided: boolean;
};

/** One row per patient: outcome and plan facts only; PDC and urgent items come from their own models. */
export type RegistryDoc = {
  patientId: string;
  timeZone: string;
  enrolmentEventId: string | null;
  episodes: EpisodeFact[];
  /** Every PHQ-9 / GAD-7 total, in recording order. */
  scores: ScoreFact[];
};
