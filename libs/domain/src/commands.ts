import type { CarePlanCommand } from './care-plan/commands';
import type { CollaborationNoteCommand, ConsultationCommand } from './collaboration/commands';
import type { CorrectionCommand } from './corrections/commands';
import type { DoseCommand } from './doses/commands';
import type { MedicationCommand } from './medication/commands';
import type { OutcomeCommand } from './outcomes/commands';
import type { SafetyCommand } from './safety/commands';
import type { SessionCommand } from './sessions/commands';
import type { TherapyCommand } from './therapy/commands';

export type DomainCommand =
  | CarePlanCommand
  | TherapyCommand
  | MedicationCommand
  | SessionCommand
  | DoseCommand
  | SafetyCommand
  | OutcomeCommand
  | ConsultationCommand
  | CollaborationNoteCommand
  | CorrectionCommand;

export type CommandType = DomainCommand['type'];
export type CommandOf<T extends CommandType> = Extract<DomainCommand, { type: T }>;
