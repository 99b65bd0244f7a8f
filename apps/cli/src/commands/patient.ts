import {
  AS_OF_BASES,
  DEFAULT_AS_OF_BASIS,
  DOSE_TYPES,
  PATIENT_VIEWS,
  patientAsOf,
  type PatientViewName,
} from '@caretrail/analytics';
import { isEventType } from '@caretrail/domain';
import { toProjected } from '@caretrail/projections';
import { choiceOption, guarded, instantOption, openStore, parseOptions, UsageError, type CliIo } from './cli-io';

export const PATIENT_USAGE = `  npm run cli -- patient <patientId> --as-of <instant> [--by recorded|occurred] [--view plan,adherence,collaboration,outcomes]
      Time travel: the patient's plan, adherence, collaboration and outcomes as they stood at
      the instant, replayed from the log through the read models (JSON on stdout).
      --by recorded (default): events recorded by then, what the clinic knew; --by occurred:
      events that happened by then, late reports included. See docs/analytics.md.`;

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export async function patientCommand(argv: string[], io: CliIo, now: number = Date.now()): Promise<number> {
  return guarded(io, PATIENT_USAGE, async () => {
    const { values, positionals } = parseOptions(
      argv,
      { 'as-of': { type: 'string' }, by: { type: 'string' }, view: { type: 'string' } },
      true,
    );
    const [patientId, ...extra] = positionals;
    if (!patientId || !ID.test(patientId))
      throw new UsageError('patient: the patient id comes first (1 to 64 letters, digits, "-" or "_")');
    if (extra.length > 0) throw new UsageError(`patient: unexpected argument ${JSON.stringify(extra[0])}`);
    const asOf = instantOption('as-of', values['as-of'], { notAfter: now + 5 * 60_000 })!;
    const basis = choiceOption('by', values.by, AS_OF_BASES, DEFAULT_AS_OF_BASIS);
    const views = (values.view ?? PATIENT_VIEWS.join(','))
      .split(',')
      .map((v) => choiceOption('view', v.trim(), PATIENT_VIEWS, 'plan'));

    const opened = await openStore(io, 'patient');
    if (!opened) return 1;
    const { store } = opened;
    try {
      // One read serves every view: the doses are only left out when adherence is not asked for.
      const events = (
        await store.readPatient(patientId, {
          ...(basis === 'recorded' ? { recordedUntil: asOf } : { occurredUntil: asOf }),
          ...(views.includes('adherence') ? {} : { excludeTypes: DOSE_TYPES }),
          metadata: false,
        })
      )
        .filter((e) => isEventType(e.type))
        .map(toProjected);
      const answer: Record<string, unknown> = { patientId, asOf, asOfBasis: basis, events: events.length };
      for (const view of views as PatientViewName[])
        answer[view] = patientAsOf(view, patientId, events, asOf, basis).data;
      io.out(JSON.stringify(answer, null, 2));
      return 0;
    } finally {
      await store.close();
    }
  });
}
