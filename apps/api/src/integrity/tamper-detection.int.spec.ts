import { Logger } from '@nestjs/common';
import { withAdminClient } from '@caretrail/event-store/testing';
import { daysAgo, enrolTestPatient, testUser, type TestPatient } from '../testing/care-setup';
import { useTestApi } from '../testing/harness';
import { IntegrityMonitor } from './integrity-monitor';

/**
 * A superuser edits a dose in the store behind the running server's back
 * (docs/audit.md, "Tamper evidence"): the server must stop deciding on that
 * medication and say so.
 */
describe('a running server notices tampering', () => {
  const t = useTestApi({ enrol: false });
  const sertraline = {
    drug: { name: 'Sertraline', rxNormCode: '36437' },
    strength: { value: 50, unit: 'mg' },
    schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: ['08:00'] },
    startsAt: daysAgo(10),
  };
  const adjustment = { strength: { value: 100, unit: 'mg' }, schedule: sertraline.schedule, effectiveFrom: daysAgo(1) };

  const post = (p: TestPatient, path: string, body: object) =>
    t.api.http.post(`/patients/${p.patientId}${path}`).set('Authorization', p.prescriber.auth).send(body);

  /** Changes the prescribed strength from 50 to 500 mg, with the append-only triggers disabled. */
  const editDose = (streamId: string) =>
    withAdminClient(async (client) => {
      const events = `"${t.api.sql.schema}".events`;
      await client.query(`ALTER TABLE ${events} DISABLE TRIGGER USER`);
      await client.query(
        `UPDATE ${events} SET data = jsonb_set(data, '{strength,value}', '500')
         WHERE stream_id = $1 AND event_type = 'MedicationPrescribed'`,
        [streamId],
      );
      await client.query(`ALTER TABLE ${events} ENABLE TRIGGER USER`);
    });

  afterEach(() => jest.restoreAllMocks());

  it('refuses a write on the edited stream with 503, raises an alarm, and fails /health naming the break', async () => {
    const p = await enrolTestPatient(t.api);
    const prescribed = await post(p, '/medications', sertraline).expect(201);
    const { streamId, id, version } = prescribed.body as { streamId: string; id: string; version: number };
    await editDose(streamId);
    const alarms = jest.spyOn(Logger.prototype, 'error');

    const refused = await post(p, `/medications/${id}/adjustments`, adjustment);

    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 503, code: 'INTEGRITY_BROKEN' });
    expect(await t.api.store.streamVersion(streamId)).toBe(version);
    const alarm = alarms.mock.calls.map((call) => String(call[0])).find((line) => line.startsWith('Integrity alarm'));
    expect(alarm).toContain(streamId);
    expect(alarm).toContain('"reason":"content-changed"');
    const firstBreak = { reason: 'content-changed', streamId, streamVersion: version };

    const health = await t.api.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'error',
      error: { integrity: { status: 'down', state: 'failing', firstBreak } },
    });
    expect(health.body.error.integrity.reason).toContain(streamId);
    const admin = await testUser(t.api, 'admin');
    const status = await t.api.http.get('/admin/integrity').set('Authorization', admin.auth).expect(200);
    expect(status.body).toMatchObject({ state: 'failing', firstBreak, breaks: [firstBreak] });
    // Still refused: the break is remembered, not verified away.
    expect((await post(p, `/medications/${id}/adjustments`, adjustment)).status).toBe(503);
  });

  it('finds an edit of history it had already verified with the background sweep, then refuses writes on it', async () => {
    const p = await enrolTestPatient(t.api);
    const prescribed = await post(p, '/medications', sertraline).expect(201);
    const { streamId, id, version } = prescribed.body as { streamId: string; id: string; version: number };
    // Deciding the adjustment verified the prescription: a later load does not hash it again.
    await post(p, `/medications/${id}/adjustments`, adjustment).expect(201);
    await editDose(streamId);

    const status = await t.api.app.get(IntegrityMonitor).completePass();

    expect(status.state).toBe('failing');
    expect(status.breaks).toContainEqual(
      expect.objectContaining({ reason: 'content-changed', streamId, streamVersion: version }),
    );
    expect((await post(p, `/medications/${id}/adjustments`, adjustment)).status).toBe(503);
  });
});
