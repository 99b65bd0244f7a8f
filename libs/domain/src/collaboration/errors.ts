import { domainError } from '../shared/errors';

export class ConsultationAlreadyRequested extends domainError('CONSULTATION_ALREADY_REQUESTED', 'conflict') {
  constructor(consultationId: string) {
    super(`Consultation ${consultationId} already exists.`);
  }
}

export class ConsultationNotFound extends domainError('CONSULTATION_NOT_FOUND', 'not-found') {
  constructor(consultationId: string) {
    super(`Consultation ${consultationId} was never requested.`);
  }
}

export class ConsultationAlreadyAnswered extends domainError('CONSULTATION_ALREADY_ANSWERED', 'conflict') {
  constructor(consultationId: string) {
    super(`Consultation ${consultationId} is already answered.`);
  }
}

export class ConsultationAddresseeNotOnTeam extends domainError('CONSULTATION_ADDRESSEE_NOT_ON_TEAM', 'rule') {
  constructor(role: string) {
    super(`Nobody else on the care team holds the ${role} role.`);
  }
}

export class NotConsultationAddressee extends domainError('NOT_CONSULTATION_ADDRESSEE', 'forbidden') {
  constructor(userId: string, role: string) {
    super(`User ${userId} is not the ${role} this consultation was addressed to.`);
  }
}
