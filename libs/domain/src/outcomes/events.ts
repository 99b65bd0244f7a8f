import type { Actor } from '../shared/actor';
import type { IsoDateTime } from '../shared/time';

export type Instrument = 'PHQ-9' | 'GAD-7';

export type OutcomeMeasured = {
  type: 'OutcomeMeasured';
  data: {
    patientId: string;
    instrument: Instrument;
    /** LOINC code of the total score: PHQ-9 44261-6, GAD-7 70274-6. */
    loinc: string;
    /** Item answers in questionnaire order, each 0-3. */
    items: number[];
    total: number;
    administeredBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type OutcomeEvent = OutcomeMeasured;
