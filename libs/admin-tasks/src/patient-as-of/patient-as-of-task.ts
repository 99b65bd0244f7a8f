import {
  AS_OF_BASES,
  DEFAULT_AS_OF_BASIS,
  DOSE_TYPES,
  PATIENT_VIEWS,
  patientAsOf,
  type AsOfBasis,
  type PatientViewName,
} from '@caretrail/analytics';
import { decodeDomainEvents } from '@caretrail/care-log';
import type { EventStore } from '@caretrail/event-store';
import {
  choiceOption,
  instantOption,
  isId,
  listOption,
  oneOf,
  onlyKnownOptions,
  TaskArgumentError,
  type TaskOptions,
} from '../task-options';

export const PATIENT_AS_OF_OPTIONS = ['as-of', 'by', 'view'] as const;

export interface PatientAsOfArgs {
  patientId: string;
  asOf: string;
  basis: AsOfBasis;
  views: PatientViewName[];
}

/** Checks `patient <id> --as-of`'s options (from argv or a request); throws TaskArgumentError. */
export function patientAsOfArgs(patientId: unknown, options: TaskOptions, now: number): PatientAsOfArgs {
  if (!isId(patientId))
    throw new TaskArgumentError('patient: the patient id comes first (1 to 64 letters, digits, "-" or "_")');
  onlyKnownOptions(options, PATIENT_AS_OF_OPTIONS);
  return {
    patientId,
    asOf: instantOption(options, 'as-of', { notAfter: now + 5 * 60_000 })!,
    basis: choiceOption(options, 'by', AS_OF_BASES, DEFAULT_AS_OF_BASIS),
    views: (listOption(options, 'view') ?? [...PATIENT_VIEWS]).map((v) => oneOf('view', v, PATIENT_VIEWS)),
  };
}

/**
 * Time travel for one patient (docs/analytics.md): the chosen views as they stood at the instant,
 * replayed from the patient's events through the read models. One read serves every view: the
 * doses are only left out when adherence is not asked for.
 */
export async function patientAsOfTask(
  store: EventStore,
  { patientId, asOf, basis, views }: PatientAsOfArgs,
): Promise<Record<string, unknown>> {
  const events = decodeDomainEvents(
    await store.readPatient(patientId, {
      ...(basis === 'recorded' ? { recordedUntil: asOf } : { occurredUntil: asOf }),
      ...(views.includes('adherence') ? {} : { excludeTypes: DOSE_TYPES }),
      metadata: false,
    }),
  );
  const answer: Record<string, unknown> = { patientId, asOf, asOfBasis: basis, events: events.length };
  for (const view of views) answer[view] = patientAsOf(view, patientId, events, asOf, basis).data;
  return answer;
}
