import { domainError } from '../shared/errors';

export class OutcomeItemsInvalid extends domainError('OUTCOME_ITEMS_INVALID', 'rule') {
  constructor(instrument: string, reason: string) {
    super(`${instrument} item answers are invalid: ${reason}.`);
  }
}

export class OutcomeTotalMismatch extends domainError('OUTCOME_TOTAL_MISMATCH', 'rule') {
  constructor(instrument: string, total: number, sum: number) {
    super(`${instrument} total ${total} does not equal the sum of its items (${sum}).`);
  }
}

export class OutcomeTotalOutOfRange extends domainError('OUTCOME_TOTAL_OUT_OF_RANGE', 'rule') {
  constructor(instrument: string, total: number, max: number) {
    super(`${instrument} total ${total} is outside 0-${max}.`);
  }
}
