import { writeFileSync } from 'node:fs';
import {
  loadPseudonymizer,
  REPORT_OPTIONS,
  reportTaskArgs,
  runReportTask,
  type ReportTaskResult,
} from '@caretrail/admin-tasks';
import { guarded, parseOptions, stderrProgress, UsageError, type CliIo } from './cli-io';
import { withStoreOrServer } from './local-or-server';

export const REPORT_USAGE = `  npm run cli -- report effectiveness [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--format md|json|csv|html] [--out <file>] [--min-cohort 5] [--as-of <instant>] [--cohort <dimension>[:<value>]]
      Treatment effectiveness over pseudonymous patients whose plan started in the period
      (without --from / --to: from the log's first day / to its last, so the whole log):
      cohorts by track, modality, medication and adherence band; PHQ-9 / GAD-7 change at
      weeks 4, 8, 12; response and remission with 95 % CIs; side effects; dose adjustments.
      Cohorts under --min-cohort patients are suppressed. Same log, same bytes. docs/analytics.md.
      --as-of: the log as it stood then (events recorded at or before it); --cohort: only one
      dimension (all, track, modality, medication, adherence) or one cohort (track:integrated).
      While the server holds the embedded store, the server reads the log and renders the report
      (POST /admin/reports/effectiveness, as an admin, pseudonyms under the server's key).`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  return guarded(io, REPORT_USAGE, async () => {
    const { values, positionals } = parseOptions(
      argv,
      Object.fromEntries([...REPORT_OPTIONS, 'out'].map((name) => [name, { type: 'string' as const }])),
      true,
    );
    if (positionals[0] !== 'effectiveness' || positionals.length > 1) {
      throw new UsageError(
        `report: the only report is "effectiveness" (got ${positionals.length === 0 ? 'none' : JSON.stringify(positionals.join(' '))})`,
      );
    }
    const { out, ...options } = values;
    const args = reportTaskArgs(options);
    const progress = io.progress ?? stderrProgress();
    const { result } = await withStoreOrServer(
      (store) => runReportTask(store, args, { progress, pseudonyms: loadPseudonymizer() }),
      (server) =>
        server.task<ReportTaskResult>(
          '/admin/reports/effectiveness',
          { from: args.from, to: args.to, format: args.format, 'min-cohort': args.minCohort },
          progress,
        ),
    );
    if (out) {
      writeFileSync(out, result.text);
      io.err(
        `report: ${result.patients} patient(s), ${result.suppressedCohorts} cohort(s) suppressed; written to ${out}`,
      );
    } else {
      io.out(result.text.endsWith('\n') ? result.text.slice(0, -1) : result.text);
    }
    return 0;
  });
}
