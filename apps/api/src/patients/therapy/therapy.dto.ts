import type { TherapyFrequency, TherapyModality } from '@caretrail/domain';
import {
  enumOf,
  IsIntInRange,
  IsNested,
  IsOneOf,
  IsOptionalInstant,
  IsOptionalText,
} from '../../http/validation/decorators';

export const MODALITIES = enumOf<TherapyModality>()(['CBT', 'DBT', 'other']);
export const FREQUENCY_PERIODS = enumOf<TherapyFrequency['per']>()(['week', 'month']);

export class TherapyFrequencyDto {
  @IsIntInRange(1, 31, 'Planned sessions per period.', 1)
  sessions!: number;

  @IsOneOf(FREQUENCY_PERIODS, undefined, 'week')
  per!: (typeof FREQUENCY_PERIODS)[number];
}

export class PrescribeTherapyDto {
  @IsOneOf(MODALITIES, undefined, 'CBT')
  modality!: (typeof MODALITIES)[number];

  @IsOptionalText(200, 'Names the modality when it is "other" (e.g. IPT).', 'CBT for insomnia (CBT-I)')
  modalityDetail?: string;

  @IsNested(TherapyFrequencyDto, 'Planned frequency, e.g. 1 per week.')
  frequency!: TherapyFrequencyDto;

  @IsOptionalInstant(undefined, '2026-01-05T09:40:00Z')
  occurredAt?: string;
}

export class ChangeTherapyModalityDto {
  @IsOneOf(MODALITIES, undefined, 'other')
  modality!: (typeof MODALITIES)[number];

  @IsOptionalText(200, 'Names the modality when it is "other" (e.g. IPT).', 'IPT')
  modalityDetail?: string;

  @IsOptionalText(1000, 'Why the modality changes.', 'Low mood follows a role transition at work.')
  reason?: string;

  @IsOptionalInstant(undefined, '2026-01-15T10:00:00Z')
  occurredAt?: string;
}

export class ChangeTherapyFrequencyDto {
  @IsNested(TherapyFrequencyDto, 'Planned frequency, e.g. 1 per week.', { sessions: 2, per: 'month' })
  frequency!: TherapyFrequencyDto;

  @IsOptionalInstant(undefined, '2026-01-16T10:00:00Z')
  occurredAt?: string;
}
