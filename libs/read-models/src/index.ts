/**
 * @caretrail/read-models: the four read models (docs/read-models.md) as functions over plain JSON docs.
 * No I/O, no clock, no framework. The projection runner calls `keysOf` and `evolve` in the global
 * order and stores the docs as jsonb; the query side calls the `*View` functions with the as-of
 * instant, because windows such as "PDC over 30 days" move with the day, not with the events.
 * docs/read-models.md has the row keys, doc shapes, sizes and definitions.
 */
import { adherenceModel } from './adherence/adherence';
import { collaborationModel } from './collaboration/collaboration';
import type { ReadModel } from './contract';
import { currentPlanModel } from './current-plan/current-plan';
import { registryModel } from './registry/registry';

export type { DetailRow, ProjectedEvent, ReadModel, RowLayout } from './contract';

export { currentPlanModel, emptyCurrentPlanDoc } from './current-plan/current-plan';
export {
  currentPlanView,
  type ActiveMedication,
  type CurrentPlanView,
  type UpcomingSession,
} from './current-plan/current-plan-view';
export type * from './current-plan/current-plan-doc';

export {
  ADHERENCE_DOSE_TYPES,
  ADHERENCE_EVENT_TYPES,
  adherenceModel,
  doseMonthKey,
  emptyAdherenceDoc,
  type DoseMonthRow,
} from './adherence/adherence';
export {
  adherenceView,
  type AdherenceView,
  type Attendance,
  type DoseTally,
  type MedicationAdherence,
} from './adherence/adherence-view';
export { medicationCalendar, pdcOver, type MedicationCalendar, type Pdc } from './adherence/pdc';
export type * from './adherence/adherence-doc';

export { collaborationModel, emptyCollaborationDoc } from './collaboration/collaboration';
export {
  collaborationView,
  type CollaborationView,
  type OpenConsultation,
  type SideEffectItem,
} from './collaboration/collaboration-view';
export type * from './collaboration/collaboration-doc';

export { emptyRegistryDoc, registryModel } from './registry/registry';
export { registryView, type InstrumentSummary, type RegistryView, type ScorePoint } from './registry/registry-view';
export {
  caseReviewQueue,
  type CaseReviewEntry,
  type CaseReviewReason,
  type CaseReviewRow,
} from './registry/case-review-queue';
export type * from './registry/registry-doc';

/** All four, for the projection runner. Method parameters are bivariant, so each model fits `ReadModel<unknown>`. */
export const readModels: ReadModel<unknown>[] = [currentPlanModel, adherenceModel, collaborationModel, registryModel];
