import * as carePlan from './care-plan/errors';
import * as collaboration from './collaboration/errors';
import * as corrections from './corrections/errors';
import * as doses from './doses/errors';
import * as medication from './medication/errors';
import * as outcomes from './outcomes/errors';
import * as safety from './safety/errors';
import * as sessions from './sessions/errors';
import * as calendar from './shared/calendar';
import * as shared from './shared/errors';
import * as therapy from './therapy/errors';

const { DomainError: _base, domainError: _factory, ...sharedErrors } = shared;

/** Every domain error class, for the HTTP mapping, the docs and the uniqueness test. */
export const domainErrors = [
  ...Object.values(sharedErrors),
  calendar.UnknownTimeZone,
  ...Object.values(carePlan),
  ...Object.values(therapy),
  ...Object.values(medication),
  ...Object.values(doses),
  ...Object.values(sessions),
  ...Object.values(safety),
  ...Object.values(outcomes),
  ...Object.values(collaboration),
  ...Object.values(corrections),
];

export type DomainErrorCode = (typeof domainErrors)[number]['code'];
