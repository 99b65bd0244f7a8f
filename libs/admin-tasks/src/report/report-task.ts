import {
  DEFAULT_MIN_COHORT,
  effectivenessReport,
  PatientHistories,
  REPORT_FORMATS,
  renderReport,
  type ReportFormat,
} from '@caretrail/analytics';
import { decodeStoredEvent, isDomainEvent } from '@caretrail/care-log';
import { isCalendarDate } from '@caretrail/domain';
import { START, checkpointOf, type EventStore, type StoredEvent } from '@caretrail/event-store';
import { progressLine, secondsSince, type Progress } from '../progress';
import {
  choiceOption,
  onlyKnownOptions,
  stringOption,
  TaskArgumentError,
  wholeNumberOption,
  type TaskOptions,
} from '../task-options';
import type { Pseudonymizer } from './pseudonyms';

export const REPORT_OPTIONS = ['from', 'to', 'format', 'min-cohort'] as const;

const READ_BATCH = 5000;

export interface ReportTaskArgs {
  from: string;
  to: string;
  format: ReportFormat;
  minCohort: number;
}

/** The rendered report and what the command line says about it. */
export interface ReportTaskResult {
  text: string;
  patients: number;
  suppressedCohorts: number;
}

/** Checks `report effectiveness`'s options (from argv or a request body); throws TaskArgumentError. */
export function reportTaskArgs(options: TaskOptions): ReportTaskArgs {
  onlyKnownOptions(options, REPORT_OPTIONS);
  const from = stringOption(options, 'from');
  const to = stringOption(options, 'to');
  if (from === undefined || !isCalendarDate(from))
    throw new TaskArgumentError(`--from must be a date YYYY-MM-DD (got ${JSON.stringify(from ?? null)})`);
  if (to === undefined || !isCalendarDate(to))
    throw new TaskArgumentError(`--to must be a date YYYY-MM-DD (got ${JSON.stringify(to ?? null)})`);
  if (to < from) throw new TaskArgumentError(`--to (${to}) must not be before --from (${from})`);
  return {
    from,
    to,
    format: choiceOption(options, 'format', REPORT_FORMATS, 'md'),
    minCohort: wholeNumberOption(options, 'min-cohort', { fallback: DEFAULT_MIN_COHORT, min: 1 }),
  };
}

/** The treatment-effectiveness report over the whole log, with pseudonymous patients (docs/analytics.md). */
export async function runReportTask(
  store: EventStore,
  args: ReportTaskArgs,
  { progress, pseudonyms }: { progress?: Progress; pseudonyms: Pseudonymizer },
): Promise<ReportTaskResult> {
  const period = { from: args.from, to: args.to };
  const histories = await readHistories(store, period, progress);
  const report = effectivenessReport(histories, {
    period,
    minCohort: args.minCohort,
    pseudonymOf: pseudonyms.pseudonymOf,
    pseudonymKeyId: pseudonyms.keyId,
  });
  return {
    text: renderReport(report, args.format),
    patients: report.patients,
    suppressedCohorts: report.cohorts.filter((c) => c.suppressed).length,
  };
}

/**
 * The whole log in the global order, folded into every patient's read-model docs. The next batch
 * is already being read while this one is folded.
 */
export async function readHistories(
  store: EventStore,
  period: { from: string; to: string },
  progress?: Progress,
  batch = READ_BATCH,
): Promise<PatientHistories> {
  const histories = new PatientHistories({ period });
  const { headPosition } = await store.status();
  const started = process.hrtime.bigint();
  let pending: Promise<StoredEvent[]> = store.readAll({ after: START, limit: batch });
  for (;;) {
    const events = await pending;
    if (events.length === 0) break;
    pending = store.readAll({ after: checkpointOf(events[events.length - 1]!), limit: batch });
    for (const e of events) if (isDomainEvent(e)) histories.add(decodeStoredEvent(e));
    progress?.(
      progressLine('reading the log', events[events.length - 1]!.position, headPosition, secondsSince(started)),
    );
  }
  progress?.(progressLine('reading the log', headPosition, headPosition, secondsSince(started)), true);
  return histories;
}
