import type { MissedReason } from '@caretrail/domain';
import {
  enumOf,
  IsInstant,
  IsOptionalInstant,
  IsOptionalOneOf,
  IsOptionalText,
  IsRecordId,
} from '../../http/validation/decorators';
import { EXAMPLE_ID } from '../../http/validation/example-ids';

export const MISSED_REASONS = enumOf<MissedReason>()(['forgot', 'side-effects', 'ran-out', 'asleep', 'other']);

export class RecordDoseTakenDto {
  @IsRecordId('The medication the dose belongs to (the id the prescription answered).', EXAMPLE_ID.medication)
  medicationId!: string;

  @IsInstant('The dose slot, e.g. 2026-03-01T08:00:00+01:00.', '2026-01-06T08:00:00Z')
  scheduledFor!: string;

  @IsInstant("When it was taken, by the device's clock.", '2026-01-06T08:10:00Z')
  occurredAt!: string;
}

export class RecordDoseMissedDto {
  @IsRecordId('The medication the dose belongs to.', EXAMPLE_ID.medication)
  medicationId!: string;

  @IsInstant('The dose slot that was missed.', '2026-01-07T08:00:00Z')
  scheduledFor!: string;

  @IsOptionalInstant('When it was missed; defaults to the scheduled time.', '2026-01-07T08:00:00Z')
  occurredAt?: string;

  @IsOptionalOneOf(MISSED_REASONS, undefined, 'forgot')
  reason?: (typeof MISSED_REASONS)[number];

  @IsOptionalText(1000, 'More about why.', 'Left the pills at home.')
  reasonDetail?: string;
}
