import { domainError } from '../shared/errors';

export class TherapyOnlyTrackHasNoMedication extends domainError('THERAPY_ONLY_TRACK_HAS_NO_MEDICATION', 'rule') {
  constructor(medicationIds: readonly string[]) {
    super(
      medicationIds.length > 0
        ? `A therapy-only track has no active medications; discontinue ${medicationIds.join(', ')} first.`
        : 'The care plan is on the therapy-only track: no medication may be prescribed.',
    );
  }
}

export class MedicationAlreadyPrescribed extends domainError('MEDICATION_ALREADY_PRESCRIBED', 'conflict') {
  constructor(medicationId: string) {
    super(`Medication ${medicationId} is already prescribed.`);
  }
}

export class MedicationNotFound extends domainError('MEDICATION_NOT_FOUND', 'not-found') {
  constructor(medicationId: string) {
    super(`Medication ${medicationId} is not on the patient's record.`);
  }
}

export class MedicationAlreadyDiscontinued extends domainError('MEDICATION_ALREADY_DISCONTINUED', 'conflict') {
  constructor(medicationId: string, stoppedAt: string) {
    super(`Medication ${medicationId} was discontinued at ${stoppedAt}.`);
  }
}

export class InvalidDoseSchedule extends domainError('INVALID_DOSE_SCHEDULE', 'rule') {
  constructor(reason: string) {
    super(`Invalid dose schedule: ${reason}.`);
  }
}

export class DateBeforeMedicationStart extends domainError('DATE_BEFORE_MEDICATION_START', 'rule') {
  constructor(field: string, value: string, startsAt: string) {
    super(`${field} ${value} is before the medication starts (${startsAt}).`);
  }
}

export class AdjustmentNotFound extends domainError('ADJUSTMENT_NOT_FOUND', 'not-found') {
  constructor(medicationId: string, adjustmentId: string) {
    super(`Medication ${medicationId} has no dose adjustment ${adjustmentId}.`);
  }
}

export class AdjustmentNotPending extends domainError('ADJUSTMENT_NOT_PENDING', 'conflict') {
  constructor(adjustmentId: string, why: string) {
    super(`Dose adjustment ${adjustmentId} ${why}; only a pending adjustment can be cancelled.`);
  }
}

export class PendingAdjustmentsDecisionRequired extends domainError(
  'PENDING_ADJUSTMENTS_DECISION_REQUIRED',
  'conflict',
) {
  constructor(adjustmentIds: readonly string[]) {
    super(
      `Adjustments ${adjustmentIds.join(', ')} take effect later and are still pending: ` +
        'say whether they stand (pendingAdjustments "keep") or are cancelled ("cancel").',
    );
  }
}
