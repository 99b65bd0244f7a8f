import type { CancelledBy, SessionKind } from '@caretrail/domain';
import {
  enumOf,
  IsInstant,
  IsIntInRange,
  IsOneOf,
  IsOptionalInstant,
  IsOptionalRecordId,
  IsOptionalText,
  IsRecordId,
  IsText,
} from '../../http/validation/decorators';

export const SESSION_KINDS = enumOf<SessionKind>()(['psychotherapy', 'medication-management']);
export const CANCELLED_BY = enumOf<CancelledBy>()(['patient', 'clinician', 'clinic']);

export class ScheduleSessionDto {
  @IsOneOf(SESSION_KINDS)
  kind!: (typeof SESSION_KINDS)[number];

  @IsInstant('When the session starts; not in the past.')
  scheduledFor!: string;

  @IsIntInRange(5, 480, 'Planned length in minutes.')
  durationMinutes!: number;

  @IsOptionalRecordId('The clinician who holds the session (on the care team); defaults to the caller.')
  clinicianId?: string;
}

export class RecordSessionAttendedDto {
  @IsOptionalInstant('When the session took place, if not at its scheduled time.')
  occurredAt?: string;
}

export class RecordSessionMissedDto {
  @IsOptionalText(1000, 'Why the patient did not come, if known.')
  reason?: string;

  @IsOptionalInstant('When the session was missed, if not at its scheduled time.')
  occurredAt?: string;
}

export class CancelSessionDto {
  @IsOneOf(CANCELLED_BY, 'Who cancelled.')
  cancelledBy!: (typeof CANCELLED_BY)[number];

  @IsText(1000, 'Why the session is cancelled.')
  reason!: string;
}

export class RescheduleSessionDto {
  @IsInstant('The new start; not in the past.')
  scheduledFor!: string;

  @IsOptionalText(1000)
  reason?: string;
}

export class SessionParams {
  @IsRecordId('The patient.')
  patientId!: string;
  @IsRecordId('The session.')
  sessionId!: string;
}
