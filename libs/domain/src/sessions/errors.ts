import { domainError } from '../shared/errors';

export class SessionAlreadyScheduled extends domainError('SESSION_ALREADY_SCHEDULED', 'conflict') {
  constructor(sessionId: string) {
    super(`Session ${sessionId} already exists.`);
  }
}

export class SessionNotFound extends domainError('SESSION_NOT_FOUND', 'not-found') {
  constructor(sessionId: string) {
    super(`Session ${sessionId} was never scheduled.`);
  }
}

export class SessionAlreadyClosed extends domainError('SESSION_ALREADY_CLOSED', 'conflict') {
  constructor(sessionId: string, status: string) {
    super(`Session ${sessionId} is already ${status}.`);
  }
}

export class SessionNotYetDue extends domainError('SESSION_NOT_YET_DUE', 'rule') {
  constructor(sessionId: string, scheduledFor: string) {
    super(`Session ${sessionId} is scheduled for ${scheduledFor}; it cannot be attended or missed before then.`);
  }
}

export class SessionInPast extends domainError('SESSION_IN_PAST', 'rule') {
  constructor(scheduledFor: string) {
    super(`A session cannot be scheduled in the past (${scheduledFor}).`);
  }
}
