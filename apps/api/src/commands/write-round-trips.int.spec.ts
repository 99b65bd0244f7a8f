import { daysAgo, enrolTestPatient, prescribeTestMedication, type TestPatient } from '../testing/care-setup';
import { useTestApi } from '../testing/harness';

/** 08:00 UTC, `days` days ago: a dose slot. */
const slot = (days: number): string => `${daysAgo(days).slice(0, 10)}T08:00:00Z`;

/**
 * The write path's cost in statements (docs/performance.md, "Write path"):
 * a dose command on streams this process wrote lately reads nothing and, in
 * one statement, checks the streams' hash chains and writes its event and
 * its access record.
 */
describe('the statements of a dose command', () => {
  // The read models run elsewhere (a projector process): their reads of the patient's events are
  // not the command's.
  const t = useTestApi({ enrol: false, env: { RUN_PROJECTIONS: 'false' } });
  let p: TestPatient;
  let medicationId: string;

  beforeAll(async () => {
    p = await enrolTestPatient(t.api);
    medicationId = await prescribeTestMedication(t.api, p, daysAgo(20), ['08:00']);
  });

  /** The statements on the log, the streams and the access log that name this patient, while `send` runs. */
  const statementsOf = async (send: () => PromiseLike<unknown>): Promise<string[]> => {
    const seen: string[] = [];
    const sql = t.api.sql;
    const query = sql.query.bind(sql);
    const spy = jest.spyOn(sql, 'query').mockImplementation((text: string, params?: unknown[]) => {
      if (
        /\.(events|streams|access_log|append_access_chain)\b/.test(text) &&
        JSON.stringify(params ?? []).includes(p.patientId)
      )
        seen.push(text.replace(/\s+/g, ' ').slice(0, 80));
      return query(text, params) as never;
    });
    try {
      await send();
    } finally {
      spy.mockRestore();
    }
    return seen;
  };

  const taken = (days: number) =>
    t.api.http
      .post(`/patients/${p.patientId}/doses/taken`)
      .set('Authorization', p.patient.auth)
      .send({
        medicationId,
        scheduledFor: slot(days),
        occurredAt: new Date(Date.parse(slot(days)) + 600_000).toISOString(),
      });

  it('reads both streams once; then checks their chains and appends the event with its access record in one statement', async () => {
    const reads = (statements: string[]) => statements.filter((text) => /^SELECT position, transaction_id/.test(text));
    const cold = await statementsOf(() => taken(3).expect(201));
    expect(reads(cold)).toHaveLength(2);
    const warm = await statementsOf(() => taken(2).expect(201));
    expect(reads(warm)).toEqual([]);
    // One statement: it checks both streams' chains (docs/audit.md, "Tamper evidence") and writes.
    expect(warm.filter((text) => /^SELECT g\.stream_id/.test(text))).toEqual([]);
    expect(warm.filter((text) => /^WITH chain AS/.test(text))).toHaveLength(1);
    expect(warm).toHaveLength(1);
    // The record is there, in the same transaction as the event.
    const { rows } = await t.api.sql.query<{ records: string }>(
      `SELECT count(*) AS records FROM "${t.api.sql.schema}".access_log a
       JOIN "${t.api.sql.schema}".events e ON e.xmin = a.xmin
       WHERE a.patient_id = $1 AND a.route = '/patients/:patientId/doses/taken'`,
      [p.patientId],
    );
    expect(Number(rows[0]!.records)).toBe(2);
  });
});
