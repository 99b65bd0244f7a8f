import type { CarePlanCommand } from './care-plan/commands';
import { decideCarePlan } from './care-plan/decide';
import { evolveCarePlan, initialCarePlanState, type CarePlanState, type CarePlanStreamEvent } from './care-plan/state';
import type { CollaborationNoteCommand, ConsultationCommand } from './collaboration/commands';
import {
  decideCollaborationNote,
  decideConsultation,
  type CollaborationNoteDecisionState,
  type ConsultationDecisionState,
} from './collaboration/decide';
import type { ConsultationEvent } from './collaboration/events';
import { evolveConsultation, initialConsultationState } from './collaboration/state';
import type { DomainCommand, CommandOf, CommandType } from './commands';
import type { CorrectionCommand } from './corrections/commands';
import { decideCorrection } from './corrections/decide';
import { CorrectionTargetNotFound } from './corrections/errors';
import { indexEntry, type CorrectionDecisionState } from './corrections/state';
import type { DoseCommand } from './doses/commands';
import { decideDose, type DoseDecisionState } from './doses/decide';
import type { DoseEvent } from './doses/events';
import { evolveDoseMonth, initialDoseMonthState } from './doses/state';
import { isStreamEvent, streamFor, type DomainEvent } from './events';
import type { MedicationCommand } from './medication/commands';
import { decideMedication } from './medication/decide';
import type { MedicationEvent } from './medication/events';
import type { OutcomeCommand } from './outcomes/commands';
import { decideOutcome, type OutcomeDecisionState } from './outcomes/decide';
import type { SafetyCommand } from './safety/commands';
import { decideSideEffect, type SideEffectDecisionState } from './safety/decide';
import type { SafetyEvent } from './safety/events';
import { evolveSideEffect, initialSideEffectState } from './safety/state';
import type { SessionCommand } from './sessions/commands';
import { decideSession, type SessionDecisionState } from './sessions/decide';
import type { SessionEvent } from './sessions/events';
import { evolveSession, initialSessionState } from './sessions/state';
import { careTeamRoles, type ActorRole, type CommandContext } from './shared/actor';
import { defineDecider, type CommandDecider, type CommandStreams, type EventMeta } from './shared/decider';
import { isStreamOfPatient, streamCategory, streams } from './shared/streams';
import type { CarePlanEvent } from './care-plan/events';
import type { TherapyCommand } from './therapy/commands';
import { decideTherapy } from './therapy/decide';
import type { TherapyEvent } from './therapy/events';

/** Who may issue a command at all. Care-team membership and "own record" are checked by decide. */
const CLINICIANS: readonly ActorRole[] = careTeamRoles;
const CLINICIANS_AND_PATIENT: readonly ActorRole[] = [...careTeamRoles, 'patient'];
const TREATING_CLINICIANS: readonly ActorRole[] = ['therapist', 'prescriber'];
const PRESCRIBER: readonly ActorRole[] = ['prescriber'];

const isCarePlanStreamEvent = isStreamEvent<CarePlanEvent | TherapyEvent | MedicationEvent>('careplan');
const isSessionStreamEvent = isStreamEvent<SessionEvent>('session');
const isDoseStreamEvent = isStreamEvent<DoseEvent>('doses');
const isSideEffectStreamEvent = isStreamEvent<SafetyEvent>('sideeffect');
const isConsultationStreamEvent = isStreamEvent<ConsultationEvent>('consultation');

/** Folds the care-plan stream; events of the other loaded stream pass by. */
function foldPlan(plan: CarePlanState, event: DomainEvent, meta: EventMeta): CarePlanState {
  return streamCategory(meta.streamName) === 'careplan' && isCarePlanStreamEvent(event)
    ? evolveCarePlan(plan, event satisfies CarePlanStreamEvent, meta)
    : plan;
}

function planAnd(target: string, patientId: string): CommandStreams {
  return { target, load: [streams.carePlan(patientId), target] };
}

type CarePlanStreamCommand = CarePlanCommand | TherapyCommand | MedicationCommand;

function onCarePlan<F extends CarePlanStreamCommand>(
  roles: readonly ActorRole[],
  decide: (command: F, state: CarePlanState, context: CommandContext) => DomainEvent[],
): CommandDecider<F, CarePlanState, DomainEvent> {
  return defineDecider<F, CarePlanState, DomainEvent>({
    roles,
    streams: (command) => {
      const target = streams.carePlan(command.data.patientId);
      return { target, load: [target] };
    },
    initialState: initialCarePlanState,
    evolve: foldPlan,
    decide,
  });
}

const sessionDecider = defineDecider<SessionCommand, SessionDecisionState, DomainEvent>({
  roles: CLINICIANS,
  streams: ({ data }) => planAnd(streams.session(data.patientId, data.sessionId), data.patientId),
  initialState: () => ({ plan: initialCarePlanState(), session: initialSessionState() }),
  evolve: (state, event, meta) =>
    streamCategory(meta.streamName) === 'session' && isSessionStreamEvent(event)
      ? { ...state, session: evolveSession(state.session, event) }
      : { ...state, plan: foldPlan(state.plan, event, meta) },
  decide: decideSession,
});

const doseDecider = defineDecider<DoseCommand, DoseDecisionState, DomainEvent>({
  roles: CLINICIANS_AND_PATIENT,
  streams: ({ data }) => planAnd(streams.doses(data.patientId, data.scheduledFor), data.patientId),
  initialState: () => ({ plan: initialCarePlanState(), month: initialDoseMonthState() }),
  evolve: (state, event, meta) =>
    streamCategory(meta.streamName) === 'doses' && isDoseStreamEvent(event)
      ? { ...state, month: evolveDoseMonth(state.month, event, meta) }
      : { ...state, plan: foldPlan(state.plan, event, meta) },
  decide: decideDose,
});

function onSideEffect(
  roles: readonly ActorRole[],
): CommandDecider<SafetyCommand, SideEffectDecisionState, DomainEvent> {
  return defineDecider<SafetyCommand, SideEffectDecisionState, DomainEvent>({
    roles,
    streams: ({ data }) => planAnd(streams.sideEffect(data.patientId, data.sideEffectId), data.patientId),
    initialState: () => ({ plan: initialCarePlanState(), sideEffect: initialSideEffectState() }),
    evolve: (state, event, meta) =>
      streamCategory(meta.streamName) === 'sideeffect' && isSideEffectStreamEvent(event)
        ? { ...state, sideEffect: evolveSideEffect(state.sideEffect, event) }
        : { ...state, plan: foldPlan(state.plan, event, meta) },
    decide: decideSideEffect,
  });
}

const consultationDecider = defineDecider<ConsultationCommand, ConsultationDecisionState, DomainEvent>({
  roles: CLINICIANS,
  streams: ({ data }) => planAnd(streams.consultation(data.patientId, data.consultationId), data.patientId),
  initialState: () => ({ plan: initialCarePlanState(), consultation: initialConsultationState() }),
  evolve: (state, event, meta) =>
    streamCategory(meta.streamName) === 'consultation' && isConsultationStreamEvent(event)
      ? { ...state, consultation: evolveConsultation(state.consultation, event) }
      : { ...state, plan: foldPlan(state.plan, event, meta) },
  decide: decideConsultation,
});

const collaborationNoteDecider = defineDecider<CollaborationNoteCommand, CollaborationNoteDecisionState, DomainEvent>({
  roles: CLINICIANS,
  streams: ({ data }, { now }) =>
    planAnd(streams.collaboration(data.patientId, data.occurredAt ?? now), data.patientId),
  initialState: () => ({ plan: initialCarePlanState() }),
  evolve: (state, event, meta) => ({ plan: foldPlan(state.plan, event, meta) }),
  decide: decideCollaborationNote,
});

const correctionDecider = defineDecider<CorrectionCommand, CorrectionDecisionState, DomainEvent>({
  roles: CLINICIANS_AND_PATIENT,
  streams: ({ data }) => {
    // Refuse before loading: never read another patient's stream.
    if (!isStreamOfPatient(data.stream, data.patientId)) throw new CorrectionTargetNotFound(data.eventId, data.stream);
    const carePlan = streams.carePlan(data.patientId);
    return { target: data.stream, load: data.stream === carePlan ? [carePlan] : [carePlan, data.stream] };
  },
  initialState: () => ({ plan: initialCarePlanState(), entries: {} }),
  evolve: (state, event, meta) => ({
    plan: foldPlan(state.plan, event, meta),
    entries: indexEntry(state.entries, event, meta),
  }),
  decide: decideCorrection,
});

const outcomeDecider = defineDecider<OutcomeCommand, OutcomeDecisionState, DomainEvent>({
  roles: CLINICIANS_AND_PATIENT,
  streams: ({ data }, { now }) => planAnd(streams.outcomes(data.patientId, data.occurredAt ?? now), data.patientId),
  initialState: () => ({ plan: initialCarePlanState() }),
  evolve: (state, event, meta) => ({ plan: foldPlan(state.plan, event, meta) }),
  decide: decideOutcome,
});

/**
 * The command table: one entry per command type. The write path (libs/care-log) reads `streams(command, ctx).load`,
 * folds every event with `evolve` starting from `initialState()`, calls `decide`, and appends the
 * result to `target` with the version it read from it. See docs/domain.md, "Streams".
 */
export const commandDeciders = {
  EnrolPatient: onCarePlan(CLINICIANS, decideCarePlan),
  StartCarePlan: onCarePlan(CLINICIANS, decideCarePlan),
  ChangeTreatmentTrack: onCarePlan(TREATING_CLINICIANS, decideCarePlan),
  ReviewCarePlan: onCarePlan(CLINICIANS, decideCarePlan),
  CloseCarePlan: onCarePlan(TREATING_CLINICIANS, decideCarePlan),
  AssignCareTeamMember: onCarePlan(CLINICIANS, decideCarePlan),
  RemoveCareTeamMember: onCarePlan(CLINICIANS, decideCarePlan),
  SetTreatmentGoal: onCarePlan(CLINICIANS, decideCarePlan),
  MarkGoalAchieved: onCarePlan(CLINICIANS, decideCarePlan),
  ReviseTreatmentGoal: onCarePlan(CLINICIANS, decideCarePlan),
  RecordHolisticContext: onCarePlan(CLINICIANS, decideCarePlan),
  PrescribeTherapy: onCarePlan(TREATING_CLINICIANS, decideTherapy),
  ChangeTherapyModality: onCarePlan(TREATING_CLINICIANS, decideTherapy),
  ChangeTherapyFrequency: onCarePlan(TREATING_CLINICIANS, decideTherapy),
  PrescribeMedication: onCarePlan(PRESCRIBER, decideMedication),
  AdjustDose: onCarePlan(PRESCRIBER, decideMedication),
  CancelDoseAdjustment: onCarePlan(PRESCRIBER, decideMedication),
  DiscontinueMedication: onCarePlan(PRESCRIBER, decideMedication),
  ScheduleSession: sessionDecider,
  RecordSessionAttended: sessionDecider,
  RecordSessionMissed: sessionDecider,
  CancelSession: sessionDecider,
  RescheduleSession: sessionDecider,
  RecordDoseTaken: doseDecider,
  RecordDoseMissed: doseDecider,
  ReportSideEffect: onSideEffect(CLINICIANS_AND_PATIENT),
  ReviewSideEffect: onSideEffect(PRESCRIBER),
  ResolveSideEffect: onSideEffect(CLINICIANS_AND_PATIENT),
  RecordOutcome: outcomeDecider,
  RequestConsultation: consultationDecider,
  AnswerConsultation: consultationDecider,
  ShareCollaborationNote: collaborationNoteDecider,
  HoldCaseReview: collaborationNoteDecider,
  CorrectEntry: correctionDecider,
  MarkEnteredInError: correctionDecider,
} satisfies { readonly [K in CommandType]: CommandDecider<CommandOf<K>, unknown, DomainEvent> };

/** A stored event as the write path passes it in: upcast data plus the store's id and stream. */
export type HistoryEvent = { readonly event: DomainEvent; readonly meta: EventMeta };

/** The table entry of a command, with its state type erased for generic callers. */
export function deciderFor(command: DomainCommand): CommandDecider<DomainCommand, unknown, DomainEvent> {
  // Sound because the entry is looked up by the command's own type.
  return commandDeciders[command.type];
}

export function commandStreams(command: DomainCommand, context: CommandContext): CommandStreams {
  return deciderFor(command).streams(command, context);
}

/**
 * The decision state of `command`: `history` (the events of `commandStreams(...).load`, in
 * stream order, streams in the listed order) folded from the decider's initial state.
 */
export function foldCommandState(command: DomainCommand, history: readonly HistoryEvent[]): unknown {
  const decider = deciderFor(command);
  return history.reduce((s, { event, meta }) => decider.evolve(s, event, meta), decider.initialState());
}

/**
 * Decide on a state folded for this command (by `foldCommandState` or incrementally with the
 * decider's own `evolve`). Throws a DomainError when a rule refuses, and an Error when the
 * decider returned events for another stream than the target (a decider bug).
 */
export function decideCommand(command: DomainCommand, state: unknown, context: CommandContext): DomainEvent[] {
  const decider = deciderFor(command);
  const { target } = decider.streams(command, context);
  const events = decider.decide(command, state, context);
  const stray = events.find((e) => streamFor(e) !== target);
  if (stray)
    throw new Error(`${command.type} produced ${stray.type} for ${streamFor(stray)}, not its target ${target}.`);
  return events;
}

/** Fold the loaded history and decide: `decideCommand` on `foldCommandState`. */
export function handleCommand(
  command: DomainCommand,
  history: readonly HistoryEvent[],
  context: CommandContext,
): DomainEvent[] {
  return decideCommand(command, foldCommandState(command, history), context);
}

/** The care-plan stream folded, for callers that need only the plan (who may read a record). */
export function carePlanOf(history: readonly HistoryEvent[]): CarePlanState {
  return history.reduce((state, { event, meta }) => foldPlan(state, event, meta), initialCarePlanState());
}
