import { PATIENT_AS_OF_OPTIONS, patientAsOfArgs, patientAsOfTask } from '@caretrail/admin-tasks';
import { guarded, parseOptions, UsageError, type CliIo } from './cli-io';
import { withStoreOrServer } from './local-or-server';

export const PATIENT_USAGE = `  npm run cli -- patient <patientId> --as-of <instant> [--by recorded|occurred] [--view plan,adherence,collaboration,outcomes]
      Time travel: the patient's plan, adherence, collaboration and outcomes as they stood at
      the instant, replayed from the log through the read models (JSON on stdout).
      --by recorded (default): events recorded by then, what the clinic knew; --by occurred:
      events that happened by then, late reports included. See docs/analytics.md. While the
      server holds the embedded store, asks it (GET /admin/patients/{id}/as-of, as an admin,
      recorded in the access log).`;

export async function patientCommand(argv: string[], io: CliIo, now: number = Date.now()): Promise<number> {
  return guarded(io, PATIENT_USAGE, async () => {
    const { values, positionals } = parseOptions(
      argv,
      Object.fromEntries(PATIENT_AS_OF_OPTIONS.map((name) => [name, { type: 'string' as const }])),
      true,
    );
    const [patientId, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`patient: unexpected argument ${JSON.stringify(extra[0])}`);
    const args = patientAsOfArgs(patientId, values, now);
    const query = new URLSearchParams({ 'as-of': args.asOf, by: args.basis, view: args.views.join(',') });
    const { result } = await withStoreOrServer(
      (store) => patientAsOfTask(store, args),
      (server) => server.json('GET', `/admin/patients/${encodeURIComponent(args.patientId)}/as-of?${query.toString()}`),
    );
    io.out(JSON.stringify(result, null, 2));
    return 0;
  });
}
