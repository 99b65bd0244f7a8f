/**
 * Time travel (docs/analytics.md: what was this patient's plan, adherence and score
 * on date T?): the patient's events up to T, folded through the same pure read models the
 * projections run, then viewed as of T. Which events count as "up to T" is the caller's basis
 * (docs/analytics.md): recorded at or before T (what the clinic knew then), or occurred at or
 * before T (late reports included). The event store selects them; this module only folds.
 */
import {
  adherenceModel,
  adherenceView,
  collaborationModel,
  collaborationView,
  currentPlanModel,
  currentPlanView,
  emptyAdherenceDoc,
  emptyCollaborationDoc,
  emptyCurrentPlanDoc,
  emptyRegistryDoc,
  registryModel,
  registryView,
  type CaseReviewRow,
  type ProjectedEvent,
  type ReadModel,
} from '@caretrail/read-models';

/** Which events of the log "stood at T": see docs/analytics.md for why `recorded` is the default. */
export type AsOfBasis = 'recorded' | 'occurred';
export const AS_OF_BASES: readonly AsOfBasis[] = ['recorded', 'occurred'];
export const DEFAULT_AS_OF_BASIS: AsOfBasis = 'recorded';

/** The four views of one patient, by the name the API and the command line use. */
export type PatientViewName = 'plan' | 'adherence' | 'collaboration' | 'outcomes';
export const PATIENT_VIEWS: readonly PatientViewName[] = ['plan', 'adherence', 'collaboration', 'outcomes'];

interface PatientView<Doc, View> {
  model: ReadModel<Doc>;
  empty(patientId: string): Doc;
  view(doc: Doc, asOf: string): View;
  /** Event types the model never keeps and that are too many to read for nothing (daily doses). */
  skipTypes: readonly string[];
}

/** Daily doses: by far most of a patient's events, and only adherence keeps them. */
export const DOSE_TYPES: readonly string[] = ['DoseTaken', 'DoseMissed', 'DoseTakenLate'];

const view = <Doc, View>(v: PatientView<Doc, View>): PatientView<unknown, unknown> =>
  v as PatientView<unknown, unknown>;

const views: Record<PatientViewName, PatientView<unknown, unknown>> = {
  plan: view({ model: currentPlanModel, empty: emptyCurrentPlanDoc, view: currentPlanView, skipTypes: DOSE_TYPES }),
  adherence: view({ model: adherenceModel, empty: emptyAdherenceDoc, view: adherenceView, skipTypes: [] }),
  collaboration: view({
    model: collaborationModel,
    empty: emptyCollaborationDoc,
    view: collaborationView,
    skipTypes: DOSE_TYPES,
  }),
  outcomes: view({ model: registryModel, empty: emptyRegistryDoc, view: registryView, skipTypes: DOSE_TYPES }),
};

/** Event types the store may leave out when reading a patient for this view. */
export function typesNotNeededBy(name: PatientViewName): readonly string[] {
  return views[name].skipTypes;
}

/** Folds events (already in the global order) through a read model, as the projection host would. */
export function foldEvents<Doc>(
  model: ReadModel<Doc>,
  events: Iterable<ProjectedEvent>,
  key: string,
): { doc: Doc | undefined; position: number } {
  let doc: Doc | undefined;
  let position = 0;
  for (const e of events) {
    if (!model.keysOf(e).includes(key)) continue;
    doc = model.evolve(doc, e);
    position = e.meta.position;
  }
  return { doc, position };
}

export interface PatientAsOf {
  patientId: string;
  view: PatientViewName;
  asOf: string;
  basis: AsOfBasis;
  /** Position of the last event folded into the view; 0 when none was. */
  position: number;
  data: unknown;
}

/**
 * One view of one patient as it stood at `asOf`: `events` are that patient's events that stood
 * at `asOf` on `basis`, in the global order (EventStore.readPatient selects them).
 */
export function patientAsOf(
  name: PatientViewName,
  patientId: string,
  events: Iterable<ProjectedEvent>,
  asOf: string,
  basis: AsOfBasis,
): PatientAsOf {
  const selected = views[name];
  const { doc, position } = foldEvents(selected.model, events, patientId);
  return { patientId, view: name, asOf, basis, position, data: selected.view(doc ?? selected.empty(patientId), asOf) };
}

export interface CaseReviewRowAsOf {
  /** The patient's rows as they stood; null when the patient was not enrolled yet. */
  row: CaseReviewRow | null;
  /** User ids on the care team then: whose caseload the patient was in. */
  careTeam: string[];
  /** Position of the last event folded; 0 when none was. */
  position: number;
}

/**
 * One patient's case-review row as it stood at T (docs/analytics.md, "The registry as of a day"):
 * `events` are that patient's events that stood at T, every type, in the global order. The same
 * pure models the projections run fold them, and the care team of T says whose caseload it was in.
 */
export function caseReviewRowAsOf(patientId: string, events: readonly ProjectedEvent[]): CaseReviewRowAsOf {
  const registry = foldEvents(registryModel, events, patientId);
  const adherence = foldEvents(adherenceModel, events, patientId);
  const collaboration = foldEvents(collaborationModel, events, patientId);
  const plan = foldEvents(currentPlanModel, events, patientId);
  const position = Math.max(registry.position, adherence.position, collaboration.position, plan.position);
  return {
    row:
      registry.doc && registry.doc.enrolmentEventId !== null
        ? { registry: registry.doc, adherence: adherence.doc ?? null, collaboration: collaboration.doc ?? null }
        : null,
    careTeam: plan.doc?.plan.careTeam.map((m) => m.userId) ?? [],
    position,
  };
}
