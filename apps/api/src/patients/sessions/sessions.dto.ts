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
import { EXAMPLE_ID } from '../../http/validation/example-ids';

export const SESSION_KINDS = enumOf<SessionKind>()(['psychotherapy', 'medication-management']);
export const CANCELLED_BY = enumOf<CancelledBy>()(['patient', 'clinician', 'clinic']);

export class ScheduleSessionDto {
  @IsOneOf(SESSION_KINDS, undefined, 'psychotherapy')
  kind!: (typeof SESSION_KINDS)[number];

  // Sessions are scheduled ahead: the example lies years ahead so that it stays valid.
  @IsInstant('When the session starts; not in the past.', '2030-01-07T10:00:00Z')
  scheduledFor!: string;

  @IsIntInRange(5, 480, 'Planned length in minutes.', 50)
  durationMinutes!: number;

  @IsOptionalRecordId('The clinician who holds the session (on the care team); defaults to the caller.', 'dr-theo')
  clinicianId?: string;
}

export class RecordSessionAttendedDto {
  @IsOptionalInstant('When the session took place, if not at its scheduled time.', '2026-01-12T10:05:00Z')
  occurredAt?: string;
}

export class RecordSessionMissedDto {
  @IsOptionalText(1000, 'Why the patient did not come, if known.', 'Unwell; called the morning after.')
  reason?: string;

  @IsOptionalInstant('When the session was missed, if not at its scheduled time.', '2026-01-19T10:00:00Z')
  occurredAt?: string;
}

export class CancelSessionDto {
  @IsOneOf(CANCELLED_BY, 'Who cancelled.', 'patient')
  cancelledBy!: (typeof CANCELLED_BY)[number];

  @IsText(1000, 'Why the session is cancelled.', 'Away on holiday that week.')
  reason!: string;
}

export class RescheduleSessionDto {
  @IsInstant('The new start; not in the past.', '2030-01-09T15:00:00Z')
  scheduledFor!: string;

  @IsOptionalText(1000, undefined, 'Clashes with a work shift.')
  reason?: string;
}

export class SessionParams {
  @IsRecordId('The patient.', EXAMPLE_ID.patient)
  patientId!: string;
  @IsRecordId('The session.', EXAMPLE_ID.session)
  sessionId!: string;
}
