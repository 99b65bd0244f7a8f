import type { MissedReason } from '@caretrail/domain';
import {
  enumOf,
  IsInstant,
  IsOptionalInstant,
  IsOptionalOneOf,
  IsOptionalText,
  IsRecordId,
} from '../../http/validation/decorators';

export const MISSED_REASONS = enumOf<MissedReason>()(['forgot', 'side-effects', 'ran-out', 'asleep', 'other']);

export class RecordDoseTakenDto {
  @IsRecordId('The medication the dose belongs to.')
  medicationId!: string;

  @IsInstant('The dose slot, e.g. 2026-03-01T08:00:00+01:00.')
  scheduledFor!: string;

  @IsInstant("When it was taken, by the device's clock.")
  occurredAt!: string;
}

export class RecordDoseMissedDto {
  @IsRecordId('The medication the dose belongs to.')
  medicationId!: string;

  @IsInstant('The dose slot that was missed.')
  scheduledFor!: string;

  @IsOptionalInstant('When it was missed; defaults to the scheduled time.')
  occurredAt?: string;

  @IsOptionalOneOf(MISSED_REASONS)
  reason?: (typeof MISSED_REASONS)[number];

  @IsOptionalText(1000)
  reasonDetail?: string;
}
