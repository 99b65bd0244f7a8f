import type { Instrument } from './events';

export type InstrumentDefinition = {
  readonly instrument: Instrument;
  /** LOINC code of the total score. */
  readonly loinc: string;
  readonly itemCount: number;
  readonly itemMax: number;
  readonly totalMax: number;
};

/** PHQ-9 (Kroenke et al., 2001) and GAD-7 (Spitzer et al., 2006): items scored 0-3. */
export const instruments: { readonly [I in Instrument]: InstrumentDefinition } = {
  'PHQ-9': { instrument: 'PHQ-9', loinc: '44261-6', itemCount: 9, itemMax: 3, totalMax: 27 },
  'GAD-7': { instrument: 'GAD-7', loinc: '70274-6', itemCount: 7, itemMax: 3, totalMax: 21 },
};
