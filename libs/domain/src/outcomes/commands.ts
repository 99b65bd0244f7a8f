import type { IsoDateTime } from '../shared/time';
import type { Instrument } from './events';

export type RecordOutcome = {
  type: 'RecordOutcome';
  data: { patientId: string; instrument: Instrument; items: number[]; total: number; occurredAt?: IsoDateTime };
};

export type OutcomeCommand = RecordOutcome;
