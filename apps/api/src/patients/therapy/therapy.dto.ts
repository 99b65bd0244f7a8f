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
  @IsIntInRange(1, 31, 'Planned sessions per period.')
  sessions!: number;

  @IsOneOf(FREQUENCY_PERIODS)
  per!: (typeof FREQUENCY_PERIODS)[number];
}

export class PrescribeTherapyDto {
  @IsOneOf(MODALITIES)
  modality!: (typeof MODALITIES)[number];

  @IsOptionalText(200, 'Names the modality when it is "other" (e.g. IPT).')
  modalityDetail?: string;

  @IsNested(TherapyFrequencyDto, 'Planned frequency, e.g. 1 per week.')
  frequency!: TherapyFrequencyDto;

  @IsOptionalInstant()
  occurredAt?: string;
}

export class ChangeTherapyModalityDto {
  @IsOneOf(MODALITIES)
  modality!: (typeof MODALITIES)[number];

  @IsOptionalText(200, 'Names the modality when it is "other" (e.g. IPT).')
  modalityDetail?: string;

  @IsOptionalText(1000, 'Why the modality changes.')
  reason?: string;

  @IsOptionalInstant()
  occurredAt?: string;
}

export class ChangeTherapyFrequencyDto {
  @IsNested(TherapyFrequencyDto, 'Planned frequency, e.g. 1 per week.')
  frequency!: TherapyFrequencyDto;

  @IsOptionalInstant()
  occurredAt?: string;
}
