import { verifyEventChain } from '@caretrail/event-store';
import { enrolTestPatient, testUser, type TestPatient, type TestUser } from '../testing/care-setup';
import { useTestApi } from '../testing/harness';

const DAY = 86_400_000;
const at = (ms: number): string => new Date(ms).toISOString();

/**
 * GDPR Art. 17 by crypto-shredding (docs/erasure.md), on the real
 * PostgreSQL: personal data is ciphertext in the log from the start; after
 * POST /patients/{id}/erasure the patient's name is nowhere (events, read
 * models, API answers), the clinical facts remain and the chain verifies.
 */
describe('erasure by crypto-shredding', () => {
  const t = useTestApi({ enrol: false });
  let p: TestPatient;
  let admin: TestUser;
  let lastPosition = 0;
  const s = (): string => `"${t.api.sql.schema}"`;
  const family = (): string => 'Lovelace';

  const post = async (path: string, auth: string, body: unknown, status = 201): Promise<Record<string, unknown>> => {
    const response = await t.api.http
      .post(path)
      .set('Authorization', auth)
      .send(body as object);
    expect({ path, status: response.status, body: response.body }).toMatchObject({ status });
    if (typeof response.body?.position === 'number') lastPosition = Math.max(lastPosition, response.body.position);
    return response.body as Record<string, unknown>;
  };

  /** Every place the log and the read models keep text: raw, as PostgreSQL stores it. */
  const storedText = async (): Promise<{ events: string; readModels: string }> => {
    const events = await t.api.sql.query<{ t: string }>(`SELECT data::text || metadata::text AS t FROM ${s()}.events`);
    const tables = await t.api.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'rm\\_%' ORDER BY 1`,
      [t.api.sql.schema],
    );
    expect(tables.rows.length).toBeGreaterThanOrEqual(4);
    let readModels = '';
    for (const { table_name } of tables.rows) {
      const { rows } = await t.api.sql.query<{ t: string }>(`SELECT doc::text AS t FROM ${s()}."${table_name}"`);
      readModels += rows.map((r) => r.t).join('\n');
    }
    return { events: events.rows.map((r) => r.t).join('\n'), readModels };
  };

  const view = async (name: string, auth: string, minPosition = lastPosition): Promise<Record<string, unknown>> =>
    (
      await t.api.http
        .get(`/patients/${p.patientId}/${name}?minPosition=${minPosition}`)
        .set('Authorization', auth)
        .expect(200)
    ).body;

  beforeAll(async () => {
    admin = await testUser(t.api, 'admin');
    p = await enrolTestPatient(t.api);
    const name = p.givenName;
    const now = Date.now();
    const startsAt =
      Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate()) - 6 * DAY;
    await post(`/patients/${p.patientId}/goals`, p.therapist.auth, { description: `${name} walks to work` });
    await post(`/patients/${p.patientId}/holistic-context`, p.therapist.auth, {
      lifestyle: `${name} lives with her sister`,
      comorbidConditions: [{ code: 'E11', description: `${name}'s diabetes` }],
    });
    const medication = await post(`/patients/${p.patientId}/medications`, p.prescriber.auth, {
      drug: { name: 'Sertraline' },
      strength: { value: 50, unit: 'mg' },
      schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: ['08:00'] },
      startsAt: at(startsAt),
      instructions: `Remind ${name} with breakfast`,
    });
    for (let day = 0; day < 4; day++) {
      await post(`/patients/${p.patientId}/doses/taken`, p.patient.auth, {
        medicationId: medication['id'],
        scheduledFor: at(startsAt + day * DAY + 8 * 3_600_000),
        occurredAt: at(startsAt + day * DAY + 8 * 3_600_000 + 600_000),
      });
    }
    await post(`/patients/${p.patientId}/doses/missed`, p.patient.auth, {
      medicationId: medication['id'],
      scheduledFor: at(startsAt + 4 * DAY + 8 * 3_600_000),
      reasonDetail: `${name} was at her mother's`,
    });
    await post(`/patients/${p.patientId}/collaboration-notes`, p.therapist.auth, {
      body: `${name} ${family()} asked about side effects`,
    });
    await post(`/patients/${p.patientId}/outcomes`, p.patient.auth, {
      instrument: 'PHQ-9',
      items: [2, 2, 2, 1, 1, 1, 1, 1, 1],
      total: 12,
    });
  });

  it('stores names, contact details and free text as ciphertext only, even before erasure', async () => {
    const { events } = await storedText();
    expect(events).toContain('"$enc": "v1:s:');
    expect(events).not.toContain(p.givenName);
    expect(events).not.toContain(family());
    // ...and reads them back for the care team.
    const plan = await view('plan', p.therapist.auth);
    expect(JSON.stringify(plan)).toContain(`${p.givenName} walks to work`);
  });

  it('is for admins only', async () => {
    for (const user of [p.therapist, p.prescriber, p.patient, await testUser(t.api, 'analyst')]) {
      const response = await t.api.http
        .post(`/patients/${p.patientId}/erasure`)
        .set('Authorization', user.auth)
        .send({ reason: 'Art. 17' });
      expect(response.status).toBe(403);
      expect(JSON.stringify(response.body)).not.toContain(p.givenName);
    }
  });

  it('refuses a body without a bounded, real reason, and an unknown patient', async () => {
    for (const body of [
      {},
      { reason: '' },
      { reason: '   ' },
      { reason: 'x'.repeat(501) },
      { reason: 7 },
      { reason: 'Art. 17', extra: true },
    ]) {
      const response = await t.api.http
        .post(`/patients/${p.patientId}/erasure`)
        .set('Authorization', admin.auth)
        .send(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    await t.api.http
      .post('/patients/nobody-here/erasure')
      .set('Authorization', admin.auth)
      .send({ reason: 'Art. 17' })
      .expect(404);
  });

  describe('after erasure', () => {
    let erasure: Record<string, unknown>;
    let adherenceBefore: Record<string, unknown>;
    let outcomesBefore: Record<string, unknown>;

    beforeAll(async () => {
      adherenceBefore = await view('adherence', p.therapist.auth);
      outcomesBefore = await view('outcomes', p.therapist.auth);
      erasure = await post(
        `/patients/${p.patientId}/erasure`,
        admin.auth,
        { reason: 'GDPR Art. 17 request 2026-041' },
        202,
      );
    });

    it('destroys the key and records PatientDataErased in the care-plan stream, once', async () => {
      expect(erasure).toMatchObject({
        patientId: p.patientId,
        alreadyErased: false,
        streamId: `careplan-${p.patientId}`,
      });
      const { rows } = await t.api.sql.query<{ key: Buffer | null; destroyed_at: Date | null }>(
        `SELECT key, destroyed_at FROM ${s()}.patient_keys WHERE patient_id = $1`,
        [p.patientId],
      );
      expect(rows).toEqual([{ key: null, destroyed_at: expect.any(Date) }]);
      const again = await post(`/patients/${p.patientId}/erasure`, admin.auth, { reason: 'again' }, 200);
      expect(again).toEqual({ ...erasure, alreadyErased: true });
      const recorded = (await t.api.store.readStream(`careplan-${p.patientId}`)).filter(
        (e) => e.type === 'PatientDataErased',
      );
      expect(recorded).toHaveLength(1);
      expect(recorded[0]!.data).toMatchObject({
        reason: 'GDPR Art. 17 request 2026-041',
        erasedBy: { userId: admin.userId, role: 'admin' },
      });
    });

    it('leaves the name nowhere: events, every read model, plan and history', async () => {
      await view('plan', p.therapist.auth, Number(erasure['position']));
      const { events, readModels } = await storedText();
      for (const text of [events, readModels]) {
        expect(text).not.toContain(p.givenName);
        expect(text).not.toContain(family());
      }
      expect(readModels).toContain('[erased]');
      for (const name of ['plan', 'adherence', 'collaboration', 'outcomes']) {
        expect(JSON.stringify(await view(name, p.therapist.auth, Number(erasure['position'])))).not.toContain(
          p.givenName,
        );
      }
      const plan = JSON.stringify(await view('plan', p.therapist.auth));
      expect(plan).toContain('[erased]');
      for (const query of ['', '?personalData=include']) {
        const history = await t.api.http
          .get(`/patients/${p.patientId}/history${query}`)
          .set('Authorization', admin.auth)
          .expect(200);
        expect(JSON.stringify(history.body)).not.toContain(p.givenName);
        expect(JSON.stringify(history.body)).toContain('PatientDataErased');
      }
    });

    it('keeps the clinical facts: doses, PDC, scores, the medication', async () => {
      expect(adherenceBefore).toMatchObject({
        data: { medications: [{ pdc30: { coveredDays: 4 }, doses: { allTime: { taken: 4, missed: 1 } } }] },
      });
      expect(await view('adherence', p.therapist.auth, Number(erasure['position']))).toEqual({
        ...adherenceBefore,
        position: expect.any(Number),
        asOf: expect.any(String),
      });
      expect(await view('outcomes', p.therapist.auth)).toEqual({
        ...outcomesBefore,
        position: expect.any(Number),
        asOf: expect.any(String),
      });
      expect(JSON.stringify(await view('plan', p.therapist.auth))).toContain('Sertraline');
    });

    it('still verifies the hash chain: it covers the ciphertext, which did not change', async () => {
      expect(await verifyEventChain(t.api.sql, t.api.sql.schema)).toMatchObject({
        ok: true,
        firstBreak: null,
      });
    });

    it('takes clinical facts for the patient, but no new personal data', async () => {
      const refused = await t.api.http
        .post(`/patients/${p.patientId}/goals`)
        .set('Authorization', p.therapist.auth)
        .send({ description: 'New goal' });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'PATIENT_DATA_ERASED' });
      await post(`/patients/${p.patientId}/outcomes`, p.patient.auth, {
        instrument: 'GAD-7',
        items: [1, 1, 1, 1, 1, 1, 1],
        total: 7,
      });
    });
  });
});
