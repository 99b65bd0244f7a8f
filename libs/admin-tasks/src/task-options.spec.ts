import {
  patientAsOfArgs,
  replayTaskArgs,
  reportPeriod,
  reportTaskArgs,
  seedTaskArgs,
  TaskArgumentError,
} from './index';

const now = Date.parse('2026-11-28T10:15:42Z');

describe('admin task options: the same check for argv strings and a JSON body', () => {
  it('reads a seed from the command line (strings) and from a request (numbers, booleans) alike', () => {
    const fromArgv = seedTaskArgs({ patients: '5', days: '30', seed: 's', until: '2026-11-28' }, now);
    const fromBody = seedTaskArgs({ patients: 5, days: 30, seed: 's', until: '2026-11-28T23:59:00.000Z' }, now);
    expect(fromArgv).toEqual(fromBody);
    expect(fromArgv).toEqual({
      patients: 5,
      days: 30,
      seed: 's',
      until: Date.parse('2026-11-28T23:59:00Z'),
      concurrency: undefined,
      verify: false,
    });
    expect(seedTaskArgs({ verify: true, concurrency: 4 }, now)).toMatchObject({ verify: true, concurrency: 4 });
  });

  it('derives the number of patients from --events and the days', () => {
    const year = seedTaskArgs({ events: '1000000', days: '365' }, now);
    expect(year.patients).toBe(Math.ceil(1_000_000 / 430));
    expect(seedTaskArgs({ events: 1_000_000, days: 730 }, now).patients).toBe(Math.ceil(year.patients / 2));
    expect(seedTaskArgs({ events: 5 }, now).patients).toBe(1);
  });

  it('reads --part k/n as the k-th of n ranges of patients', () => {
    expect(seedTaskArgs({ part: '2/3' }, now).part).toEqual({ index: 1, of: 3 });
    expect(seedTaskArgs({}, now).part).toBeUndefined();
  });

  it.each([
    [{ patients: 2.5 }, '--patients must be a whole number from 1 to 1,000,000 (got 2.5)'],
    [{ patients: '07x' }, '--patients must be a whole number'],
    [{ days: 0 }, '--days must be a whole number from 1 to 3,650 (got 0)'],
    [{ seed: 42 }, '--seed must be text (got 42)'],
    [{ verify: 'yes' }, '--verify takes no value'],
    [{ until: 'soon' }, '--until must be a date (2026-11-28) or an instant with a zone'],
    [{ events: 0 }, '--events must be a whole number from 1 to 100,000,000 (got 0)'],
    [{ events: 1000, patients: 3 }, 'give --patients or --events, not both'],
    [{ part: '3/2' }, '--part must be k/n with 1 <= k <= n <= 64 (got "3/2")'],
    [{ part: '0/2' }, '--part must be k/n'],
    [{ part: 'half' }, '--part must be k/n'],
    [{ patient: 3 }, 'Unknown option --patient: the options are --patients, --days'],
  ])('refuses the seed options %j', (options, message) => {
    expect(() => seedTaskArgs(options, now)).toThrow(TaskArgumentError);
    expect(() => seedTaskArgs(options, now)).toThrow(message);
  });

  it('takes lists as a comma-separated string or an array, and instants with any offset', () => {
    const asText = replayTaskArgs({ to: '2026-03-01T01:00:00+01:00', into: 'q1', models: 'adherence, registry' }, now);
    const asArray = replayTaskArgs({ to: '2026-03-01T00:00:00Z', into: 'q1', models: ['adherence', 'registry'] }, now);
    expect(asText).toEqual(asArray);
    expect(asText).toEqual({
      to: '2026-03-01T00:00:00.000Z',
      into: 'q1',
      models: ['adherence', 'registry'],
      basis: 'recorded',
      batchSize: 2000,
    });
    expect(() => replayTaskArgs({ to: '2027-01-01T00:00:00Z', into: 'q1' }, now)).toThrow('must not be in the future');
    expect(() => replayTaskArgs({ to: '2026-01-01T00:00:00Z', into: 'q1', models: 'pdc' }, now)).toThrow(
      '--models must name read models among: current-plan, adherence, collaboration, registry (unknown: pdc)',
    );
  });

  it('checks the report period and the patient read', () => {
    expect(reportTaskArgs({ from: '2026-01-01', to: '2026-06-30', 'min-cohort': '3' })).toEqual({
      from: '2026-01-01',
      to: '2026-06-30',
      format: 'md',
      minCohort: 3,
    });
    expect(() => reportTaskArgs({ from: '2026-06-30', to: '2026-01-01' })).toThrow('must not be before --from');
    // Without --from/--to the report covers the whole log: no usage error, the bounds come from the log.
    expect(reportTaskArgs({})).toEqual({ format: 'md', minCohort: 5 });
    expect(reportTaskArgs({ to: '2026-06-30' })).toEqual({ to: '2026-06-30', format: 'md', minCohort: 5 });
    expect(() => reportTaskArgs({ from: '2026-02-30' })).toThrow('--from must be a date YYYY-MM-DD');
    expect(() => reportTaskArgs({ from: '2026-01-01', to: '2026-06-30', 'min-cohort': 0 })).toThrow(
      '--min-cohort must be a whole number 1 or more (got 0)',
    );
    expect(reportTaskArgs({ 'as-of': '2026-03-01T01:00:00+01:00', cohort: 'track:integrated' }, now)).toEqual({
      format: 'md',
      minCohort: 5,
      asOf: '2026-03-01T00:00:00.000Z',
      cohort: { dimension: 'track', value: 'integrated' },
    });
    expect(() => reportTaskArgs({ cohort: 'drug' })).toThrow('--cohort must be one of all, track, modality');
    expect(() => reportTaskArgs({ cohort: 'track:' })).toThrow('names no value');
    expect(() => reportTaskArgs({ 'as-of': 'yesterday' })).toThrow('--as-of must be an instant');
    expect(patientAsOfArgs('p-1', { 'as-of': '2026-03-01T00:00:00Z', view: 'plan,outcomes' }, now)).toEqual({
      patientId: 'p-1',
      asOf: '2026-03-01T00:00:00.000Z',
      basis: 'recorded',
      views: ['plan', 'outcomes'],
    });
    expect(() => patientAsOfArgs('../etc', { 'as-of': '2026-03-01T00:00:00Z' }, now)).toThrow('the patient id');
    expect(() => patientAsOfArgs('p-1', { 'as-of': '2026-03-01T00:00:00Z', view: 'doses' }, now)).toThrow(
      '--view must be one of: plan, adherence, collaboration, outcomes (got "doses")',
    );
  });
});

describe('the report period without --from or --to: the whole log', () => {
  // The log's earliest instant is on 5 January 2026, its latest on 20 May 2026 (UTC dates).
  const span = { first: '2026-01-05', last: '2026-05-20' };

  it.each([
    [{}, { from: '2026-01-05', to: '2026-05-20' }, 'neither: first to last day of the log'],
    [{ from: '2026-03-01' }, { from: '2026-03-01', to: '2026-05-20' }, 'from only: to the last day'],
    [{ to: '2026-02-01' }, { from: '2026-01-05', to: '2026-02-01' }, 'to only: from the first day'],
    [{ from: '2026-06-01' }, { from: '2026-06-01', to: '2026-06-01' }, 'from after the log: that one day'],
  ])('%j gives %j (%s)', (args, period, _why) => expect(reportPeriod(args, span)).toEqual(period));

  it('an empty log: the one day of the given bound, else today', () => {
    expect(reportPeriod({}, null, '2026-11-30')).toEqual({ from: '2026-11-30', to: '2026-11-30' });
    expect(reportPeriod({ to: '2026-02-01' }, null, '2026-11-30')).toEqual({ from: '2026-02-01', to: '2026-02-01' });
  });
});
