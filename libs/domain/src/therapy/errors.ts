import { domainError } from '../shared/errors';

export class MedicationOnlyTrackHasNoTherapy extends domainError('MEDICATION_ONLY_TRACK_HAS_NO_THERAPY', 'rule') {
  constructor(what: string) {
    super(`The care plan is on the medication-only track: no ${what}.`);
  }
}

export class TherapyAlreadyPrescribed extends domainError('THERAPY_ALREADY_PRESCRIBED', 'conflict') {
  constructor() {
    super('Therapy is already prescribed on this care plan; change its modality or frequency instead.');
  }
}

export class NoTherapyPrescribed extends domainError('NO_THERAPY_PRESCRIBED', 'not-found') {
  constructor() {
    super('No therapy is prescribed on this care plan.');
  }
}

export class TherapyUnchanged extends domainError('THERAPY_UNCHANGED', 'rule') {
  constructor(what: string) {
    super(`The therapy ${what} is already the one requested.`);
  }
}
