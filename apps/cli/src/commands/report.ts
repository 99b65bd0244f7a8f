import { writeFileSync } from 'node:fs';
import {
  effectivenessReport,
  isCalendarDate,
  PatientHistories,
  REPORT_FORMATS,
  renderReport,
  DEFAULT_MIN_COHORT,
} from '@caretrail/analytics';
import { isEventType } from '@caretrail/domain';
import { START, checkpointOf, type EventStore, type StoredEvent } from '@caretrail/event-store';
import { toProjected } from '@caretrail/projections';
import { choiceOption, guarded, openStore, parseOptions, progressLine, UsageError, type CliIo } from './cli-io';
import { loadPseudonymizer } from './pseudonyms';

export const REPORT_USAGE = `  npm run cli -- report effectiveness --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--format md|json|csv|html] [--out <file>] [--min-cohort 5]
      Treatment effectiveness over pseudonymous patients whose plan started in the period:
      cohorts by track, modality, medication and adherence band; PHQ-9 / GAD-7 change at
      weeks 4, 8, 12; response and remission with 95 % CIs; side effects; dose adjustments.
      Cohorts under --min-cohort patients are suppressed. Same log, same bytes. docs/analytics.md.`;

const READ_BATCH = 5000;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  return guarded(io, REPORT_USAGE, async () => {
    const { values, positionals } = parseOptions(
      argv,
      {
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'min-cohort': { type: 'string' },
      },
      true,
    );
    if (positionals[0] !== 'effectiveness' || positionals.length > 1) {
      throw new UsageError(
        `report: the only report is "effectiveness" (got ${positionals.length === 0 ? 'none' : JSON.stringify(positionals.join(' '))})`,
      );
    }
    const from = values.from;
    const to = values.to;
    if (from === undefined || !isCalendarDate(from))
      throw new UsageError(`--from must be a date YYYY-MM-DD (got ${JSON.stringify(from ?? null)})`);
    if (to === undefined || !isCalendarDate(to))
      throw new UsageError(`--to must be a date YYYY-MM-DD (got ${JSON.stringify(to ?? null)})`);
    if (to < from) throw new UsageError(`--to (${to}) must not be before --from (${from})`);
    const format = choiceOption('format', values.format, REPORT_FORMATS, 'md');
    const minRaw = values['min-cohort'] ?? String(DEFAULT_MIN_COHORT);
    const minCohort = Number(minRaw);
    if (!/^\d+$/.test(minRaw) || !Number.isSafeInteger(minCohort) || minCohort < 1)
      throw new UsageError(
        `--min-cohort must be a whole number of patients, 1 or more (got ${JSON.stringify(minRaw)})`,
      );

    const pseudonyms = loadPseudonymizer();
    const opened = await openStore(io, 'report');
    if (!opened) return 1;
    const { store } = opened;
    let histories: PatientHistories;
    try {
      histories = await readHistories(store, io, { from, to });
    } finally {
      await store.close();
    }
    const report = effectivenessReport(histories, {
      period: { from, to },
      minCohort,
      pseudonymOf: pseudonyms.pseudonymOf,
      pseudonymKeyId: pseudonyms.keyId,
    });
    const text = renderReport(report, format);
    if (values.out) {
      writeFileSync(values.out, text);
      io.err(
        `report: ${report.patients} patient(s), ${report.cohorts.filter((c) => c.suppressed).length} cohort(s) suppressed; written to ${values.out}`,
      );
    } else {
      io.out(text.endsWith('\n') ? text.slice(0, -1) : text);
    }
    return 0;
  });
}

/**
 * The whole log in the global order, folded into every patient's read-model docs. The next batch
 * is already being read while this one is folded.
 */
export async function readHistories(
  store: EventStore,
  io: CliIo | undefined,
  period: { from: string; to: string },
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
    for (const e of events) if (isEventType(e.type)) histories.add(toProjected(e));
    io?.progress?.(
      progressLine(
        'reading the log',
        events[events.length - 1]!.position,
        headPosition,
        Number(process.hrtime.bigint() - started) / 1e9,
      ),
    );
  }
  io?.progress?.(
    progressLine('reading the log', headPosition, headPosition, Number(process.hrtime.bigint() - started) / 1e9),
    true,
  );
  return histories;
}
