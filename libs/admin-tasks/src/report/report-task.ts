import {
  DEFAULT_MIN_COHORT,
  effectivenessReport,
  parseCohortFilter,
  PatientHistories,
  selectCohorts,
  type CohortFilter,
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
  instantOption,
  onlyKnownOptions,
  stringOption,
  TaskArgumentError,
  wholeNumberOption,
  type TaskOptions,
} from '../task-options';
import type { Pseudonymizer } from './pseudonyms';

export const REPORT_OPTIONS = ['from', 'to', 'format', 'min-cohort', 'as-of', 'cohort'] as const;

const READ_BATCH = 5000;

export interface ReportTaskArgs {
  /** Without it, the date of the log's first event: the report covers the whole log. */
  from?: string;
  /** Without it, the date of the log's last event. */
  to?: string;
  format: ReportFormat;
  minCohort: number;
  /** The log as it stood then: only events recorded at or before this instant. */
  asOf?: string;
  /** Only this dimension, or one cohort of it. */
  cohort?: CohortFilter;
}

/** The rendered report and what the command line says about it. */
export interface ReportTaskResult {
  text: string;
  patients: number;
  suppressedCohorts: number;
}

/** Checks `report effectiveness`'s options (from argv or a request body); throws TaskArgumentError. */
export function reportTaskArgs(options: TaskOptions, now = Date.now()): ReportTaskArgs {
  onlyKnownOptions(options, REPORT_OPTIONS);
  const from = stringOption(options, 'from');
  const to = stringOption(options, 'to');
  if (from !== undefined && !isCalendarDate(from))
    throw new TaskArgumentError(`--from must be a date YYYY-MM-DD (got ${JSON.stringify(from)})`);
  if (to !== undefined && !isCalendarDate(to))
    throw new TaskArgumentError(`--to must be a date YYYY-MM-DD (got ${JSON.stringify(to)})`);
  if (from !== undefined && to !== undefined && to < from)
    throw new TaskArgumentError(`--to (${to}) must not be before --from (${from})`);
  const asOf = instantOption(options, 'as-of', { required: false, notAfter: now });
  const cohort = cohortOption(stringOption(options, 'cohort'));
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    format: choiceOption(options, 'format', REPORT_FORMATS, 'md'),
    minCohort: wholeNumberOption(options, 'min-cohort', { fallback: DEFAULT_MIN_COHORT, min: 1 }),
    ...(asOf === undefined ? {} : { asOf }),
    ...(cohort === undefined ? {} : { cohort }),
  };
}

function cohortOption(text: string | undefined): CohortFilter | undefined {
  if (text === undefined) return undefined;
  try {
    return parseCohortFilter(text);
  } catch (error) {
    throw new TaskArgumentError(`--${(error as Error).message}`);
  }
}

/** The treatment-effectiveness report over the whole log, with pseudonymous patients (docs/analytics.md). */
export async function runReportTask(
  store: EventStore,
  args: ReportTaskArgs,
  { progress, pseudonyms }: { progress?: Progress; pseudonyms: Pseudonymizer },
): Promise<ReportTaskResult> {
  const given = args.from !== undefined && args.to !== undefined ? { from: args.from, to: args.to } : undefined;
  const histories = await readHistories(store, given, progress, READ_BATCH, args.asOf);
  const period = given ?? reportPeriod(args, histories.span());
  const whole = effectivenessReport(histories, {
    period,
    minCohort: args.minCohort,
    pseudonymOf: pseudonyms.pseudonymOf,
    pseudonymKeyId: pseudonyms.keyId,
  });
  const report = args.cohort ? selectCohorts(whole, args.cohort) : whole;
  return {
    text: renderReport(report, args.format),
    patients: report.patients,
    suppressedCohorts: report.cohorts.filter((c) => c.suppressed).length,
  };
}

/**
 * A bound left out covers the whole log on that side: from the UTC date of its earliest instant, to
 * that of its latest (docs/analytics.md, "Treatment-effectiveness report"). An empty log reports on
 * the one day of the other bound, or of today.
 */
export function reportPeriod(
  args: Pick<ReportTaskArgs, 'from' | 'to'>,
  span: { first: string; last: string } | null,
  today = new Date().toISOString().slice(0, 10),
): { from: string; to: string } {
  // A derived bound never crosses a given one: the period then shrinks to that given day.
  const to = args.to ?? maxDate(span ? span.last : (args.from ?? today), args.from);
  const from = args.from ?? minDate(span ? span.first : to, to);
  return { from, to };
}

const maxDate = (a: string, b: string | undefined): string => (b !== undefined && b > a ? b : a);
const minDate = (a: string, b: string): string => (b < a ? b : a);

/**
 * The whole log in the global order, folded into every patient's read-model docs. The next batch
 * is already being read while this one is folded.
 */
export async function readHistories(
  store: EventStore,
  period: { from: string; to: string } | undefined,
  progress?: Progress,
  batch = READ_BATCH,
  asOf?: string,
): Promise<PatientHistories> {
  const until = asOf === undefined ? Infinity : Date.parse(asOf);
  const histories = new PatientHistories(period ? { period } : {});
  const { headPosition } = await store.status();
  const started = process.hrtime.bigint();
  let pending: Promise<StoredEvent[]> = store.readAll({ after: START, limit: batch });
  for (;;) {
    const events = await pending;
    if (events.length === 0) break;
    pending = store.readAll({ after: checkpointOf(events[events.length - 1]!), limit: batch });
    // With asOf, the log as it stood then: what was recorded later is left out (docs/analytics.md).
    for (const e of events)
      if (isDomainEvent(e) && Date.parse(e.recordedAt) <= until) histories.add(decodeStoredEvent(e));
    progress?.(
      progressLine('reading the log', events[events.length - 1]!.position, headPosition, secondsSince(started)),
    );
  }
  progress?.(progressLine('reading the log', headPosition, headPosition, secondsSince(started)), true);
  return histories;
}
