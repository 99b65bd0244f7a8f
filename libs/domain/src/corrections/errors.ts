import { domainError } from '../shared/errors';

export class CorrectionTargetNotFound extends domainError('CORRECTION_TARGET_NOT_FOUND', 'not-found') {
  constructor(eventId: string, stream: string) {
    super(`No event ${eventId} of this patient in stream ${stream}.`);
  }
}

export class CorrectionTargetNotCorrectable extends domainError('CORRECTION_TARGET_NOT_CORRECTABLE', 'rule') {
  constructor(eventType: string) {
    super(`A ${eventType} cannot itself be amended; amend the original entry.`);
  }
}

export class EntryAlreadyEnteredInError extends domainError('ENTRY_ALREADY_ENTERED_IN_ERROR', 'conflict') {
  constructor(eventId: string) {
    super(`Event ${eventId} is already marked as entered in error.`);
  }
}
