/**
 * Every refusal of the write side is a DomainError with a stable machine `code`
 * and a `kind` the HTTP layer maps generically:
 * forbidden -> 403, not-found -> 404, conflict -> 409, rule -> 422.
 */
export type DomainErrorKind = 'forbidden' | 'not-found' | 'conflict' | 'rule';

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;
  /** The command that was refused, set by the command table's decide: a refusal names its rule by it. */
  command?: string;
}

export interface DomainErrorClass<C extends string, K extends DomainErrorKind> {
  readonly code: C;
  readonly kind: K;
  new (message: string): DomainError & { readonly code: C; readonly kind: K };
}

/** Any domain error class, whatever its constructor's parameters (for `instanceof` and mapping tables). */
export type DomainErrorConstructor = {
  readonly code: string;
  readonly kind: DomainErrorKind;
  new (...args: never[]): DomainError;
};

/** Base class factory so each error states its code and kind once, statically and per instance. */
export function domainError<C extends string, K extends DomainErrorKind>(code: C, kind: K): DomainErrorClass<C, K> {
  return class extends DomainError {
    static readonly code = code;
    static readonly kind = kind;
    readonly code = code;
    readonly kind = kind;
    constructor(message: string) {
      super(message);
      this.name = code;
    }
  };
}

export class RoleNotPermitted extends domainError('ROLE_NOT_PERMITTED', 'forbidden') {
  constructor(role: string, command: string) {
    super(`Role ${role} may not issue ${command}.`);
  }
}

export class NotOnCareTeam extends domainError('NOT_ON_CARE_TEAM', 'forbidden') {
  constructor(userId: string, patientId: string) {
    super(`User ${userId} is not on the care team of patient ${patientId}.`);
  }
}

export class NotTeamPrescriber extends domainError('NOT_TEAM_PRESCRIBER', 'forbidden') {
  constructor(userId: string, patientId: string) {
    super(`User ${userId} is not a prescriber on the care team of patient ${patientId}.`);
  }
}

export class NotOwnRecord extends domainError('NOT_OWN_RECORD', 'forbidden') {
  constructor(userId: string, patientId: string) {
    super(`Patient user ${userId} may only record their own entries, not those of ${patientId}.`);
  }
}

export class PatientNotEnrolled extends domainError('PATIENT_NOT_ENROLLED', 'not-found') {
  constructor(patientId: string) {
    super(`Patient ${patientId} is not enrolled.`);
  }
}

export class OccurredInFuture extends domainError('OCCURRED_IN_FUTURE', 'rule') {
  constructor(field: string, at: string, now: string) {
    super(`${field} ${at} is in the future (now is ${now}).`);
  }
}

export class InvalidTimestamp extends domainError('INVALID_TIMESTAMP', 'rule') {
  constructor(field: string, value: string) {
    super(`${field} must be an ISO-8601 date-time with a zone, got "${value}".`);
  }
}

export class InvalidValue extends domainError('INVALID_VALUE', 'rule') {
  constructor(field: string, reason: string) {
    super(`${field} ${reason}.`);
  }
}
