import type { Severity, SideEffectAction } from '@caretrail/domain';
import {
  enumOf,
  IsIntInRange,
  IsOneOf,
  IsOptionalInstant,
  IsOptionalNested,
  IsOptionalRecordId,
  IsOptionalText,
  IsRecordId,
  IsText,
} from '../../http/validation/decorators';
import { EXAMPLE_ID } from '../../http/validation/example-ids';

export const SEVERITIES = enumOf<Severity>()(['mild', 'moderate', 'severe']);
export const SIDE_EFFECT_ACTIONS = enumOf<SideEffectAction>()([
  'continue',
  'monitor',
  'dose-adjusted',
  'discontinued',
  'other',
]);

/** Frequency, Intensity and Burden of Side Effects Rating: each item 0-6 (Wisniewski et al., 2006). */
export class FibserDto {
  @IsIntInRange(0, 6, 'How often: 0 none to 6 all the time.', 3)
  frequency!: number;

  @IsIntInRange(0, 6, 'How intense: 0 none to 6 intolerable.', 2)
  intensity!: number;

  @IsIntInRange(0, 6, 'How much it impairs functioning: 0 none to 6 unable to function; 5 or more is urgent.', 2)
  burden!: number;
}

export class ReportSideEffectDto {
  @IsText(500, 'What the patient notices, e.g. nausea.', 'Nausea')
  symptom!: string;

  @IsOneOf(SEVERITIES, 'Severe opens an urgent item for the prescriber.')
  severity!: (typeof SEVERITIES)[number];

  @IsOptionalRecordId('The medication suspected of causing it.', EXAMPLE_ID.medication)
  suspectedMedicationId?: string;

  @IsOptionalNested(FibserDto, 'FIBSER ratings, when asked.')
  fibser?: FibserDto;

  @IsOptionalInstant(undefined, '2026-01-07T20:00:00Z')
  occurredAt?: string;
}

export class ReviewSideEffectDto {
  @IsOneOf(SIDE_EFFECT_ACTIONS, 'What the prescriber decided.', 'monitor')
  action!: (typeof SIDE_EFFECT_ACTIONS)[number];

  @IsOptionalText(4000, undefined, 'Usual in the first weeks; take with food and report if it lasts.')
  note?: string;
}

export class ResolveSideEffectDto {
  @IsOptionalText(4000, undefined, 'Gone since taking the dose with breakfast.')
  note?: string;

  @IsOptionalInstant('When it resolved, if not now.', '2026-01-14T09:00:00Z')
  occurredAt?: string;
}

export class SideEffectParams {
  @IsRecordId('The patient.', EXAMPLE_ID.patient)
  patientId!: string;
  @IsRecordId('The side-effect report.', EXAMPLE_ID.sideEffect)
  sideEffectId!: string;
}
