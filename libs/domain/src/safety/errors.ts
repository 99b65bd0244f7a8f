import { domainError } from '../shared/errors';

export class SideEffectAlreadyReported extends domainError('SIDE_EFFECT_ALREADY_REPORTED', 'conflict') {
  constructor(sideEffectId: string) {
    super(`Side effect ${sideEffectId} is already reported.`);
  }
}

export class SideEffectNotFound extends domainError('SIDE_EFFECT_NOT_FOUND', 'not-found') {
  constructor(sideEffectId: string) {
    super(`Side effect ${sideEffectId} was never reported.`);
  }
}

export class SideEffectAlreadyResolved extends domainError('SIDE_EFFECT_ALREADY_RESOLVED', 'conflict') {
  constructor(sideEffectId: string) {
    super(`Side effect ${sideEffectId} is already resolved.`);
  }
}

export class FibserOutOfRange extends domainError('FIBSER_OUT_OF_RANGE', 'rule') {
  constructor(item: string, value: number) {
    super(`FIBSER ${item} must be an integer from 0 to 6, got ${value}.`);
  }
}
