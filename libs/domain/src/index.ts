/**
 * @caretrail/domain: the pure write-side model of CareTrail. No framework, no I/O, no clock,
 * no random ids: time and the acting user come in a CommandContext, new entity ids in commands.
 *
 * How the write path uses it (`executeCommand` in libs/care-log; docs/domain.md has the why):
 *
 *   const { target, load } = commandStreams(command, context);        // which streams to read
 *   const history = await readAll(load);                               // HistoryEvent[]: { event: upcast(...), meta: { eventId, streamName } }
 *   const events = handleCommand(command, history, context);           // pure; throws DomainError
 *   await append(target, events, { expectedVersion: versionOf(target) });
 *
 * `commandDeciders[type]` exposes the same pieces one by one (roles, streams, initialState,
 * evolve, decide) for callers that fold themselves, e.g. time travel or snapshots.
 * Map errors by `error.kind`: forbidden 403, not-found 404, conflict 409, rule 422.
 */

// The command table and the generic entry points
export {
  carePlanOf,
  commandDeciders,
  commandStreams,
  decideCommand,
  foldCommandState,
  handleCommand,
  deciderFor,
  type HistoryEvent,
} from './command-deciders';
export type { CommandDecider, CommandStreams, EventMeta } from './shared/decider';
export type { CommandOf, CommandType, DomainCommand } from './commands';
export type { Actor, ActorRole, CareTeamRole, CommandContext } from './shared/actor';
export { actorRoles, careTeamRoles, isActorRole } from './shared/actor';
export { assertNever } from './shared/assert-never';

// Events, their registry, stream names, upcasting, personal data
export {
  eventSchemas,
  eventTypes,
  isEventType,
  streamFor,
  type DomainEvent,
  type EventOf,
  type EventSchema,
  type EventType,
} from './events';
export { streams, streamCategories, streamCategory, isStreamOfPatient, type StreamCategory } from './shared/streams';
export { upcast, currentSchemaVersion, sideEffectReportedV1toV2, UpcastError } from './upcasting';
export { personalDataFields, redactPersonalData, type RedactedEvent } from './personal-data';
export { CLOCK_SKEW_TOLERANCE_MS, ISO_INSTANT, utcMonth, utcYear, type IsoDate, type IsoDateTime } from './shared/time';

// Errors
export { domainErrors, type DomainErrorCode } from './errors';
export { whoMayIssue } from './who-may-issue';
// DomainError (base class with `code` and `kind`), DomainErrorKind, and the shared errors
export * from './shared/errors';
export * from './care-plan/errors';
export * from './therapy/errors';
export * from './medication/errors';
export * from './doses/errors';
export * from './sessions/errors';
export * from './safety/errors';
export * from './outcomes/errors';
export * from './collaboration/errors';
export * from './corrections/errors';

// Capabilities: events, commands, states and the pieces read models reuse
export type * from './care-plan/events';
export type * from './care-plan/commands';
export type { CarePlanState, EnrolledPatient, OpenCarePlan, MedicationState, CareTeamMember } from './care-plan/state';
export { evolveCarePlan, initialCarePlanState } from './care-plan/state';
export { canReadRecord, careTeamGaps } from './care-plan/access';
export type * from './therapy/events';
export type * from './therapy/commands';
export type * from './medication/events';
export type * from './medication/commands';
export { isActiveAt } from './medication/activity';
export { changeInEffect, pendingChanges, type RegimenChange } from './medication/regimen';
export {
  addDays,
  DEFAULT_TIME_ZONE,
  daysBetween,
  epochDay,
  fromEpochDay,
  isCalendarDate,
  isValidTimeZone,
  localDate,
  UnknownTimeZone,
  weekday,
  weekdayOfEpochDay,
  type LocalDate,
} from './shared/calendar';
export type * from './doses/events';
export type * from './doses/commands';
export { LATE_DOSE_AFTER_MS } from './doses/decide';
export type * from './sessions/events';
export type * from './sessions/commands';
export type * from './safety/events';
export type * from './safety/commands';
export { isUrgent, URGENT_FIBSER_BURDEN } from './safety/decide';
export type * from './outcomes/events';
export type * from './outcomes/commands';
export { instruments, type InstrumentDefinition } from './outcomes/instruments';
export type * from './collaboration/events';
export type * from './collaboration/commands';
export type * from './corrections/events';
export type * from './corrections/commands';
