import { domainError } from '../shared/errors';

export class MedicationNotActive extends domainError('MEDICATION_NOT_ACTIVE', 'rule') {
  constructor(medicationId: string, at: string) {
    super(`Medication ${medicationId} is not active at ${at}.`);
  }
}

export class DoseAlreadyRecorded extends domainError('DOSE_ALREADY_RECORDED', 'conflict') {
  constructor(medicationId: string, scheduledFor: string, as: string) {
    super(`The ${scheduledFor} dose of ${medicationId} is already recorded as ${as}.`);
  }
}

export class DoseNotYetDue extends domainError('DOSE_NOT_YET_DUE', 'rule') {
  constructor(scheduledFor: string) {
    super(`A dose scheduled for ${scheduledFor} cannot be missed yet.`);
  }
}
