import { UNAUTHENTICATED_CATEGORY, verifyAccessChain, type AccessRecord } from '@caretrail/access-log';
import { withAdminClient } from '@caretrail/event-store/testing';
import {
  enrolTestPatient,
  expectForbidden,
  expectProblem,
  testUser,
  type TestPatient,
  type TestUser,
} from '../testing/care-setup';
import { useTestApi } from '../testing/harness';
import { AccessAudit } from './access-audit';
import { AuditRoutes } from './audit-routes';

describe('the access log and the audit views', () => {
  const t = useTestApi({ enrol: false });
  let p: TestPatient;
  let admin: TestUser;

  beforeAll(async () => {
    p = await enrolTestPatient(t.api);
    admin = await testUser(t.api, 'admin');
  });

  /** The records of one request, by the correlation id it was sent with. */
  const recordsOf = async (correlationId: string): Promise<AccessRecord[]> => {
    const { rows } = await t.api.sql.query<{ id: string }>(
      `SELECT id FROM "${t.api.sql.schema}".access_log WHERE correlation_id = $1 ORDER BY id`,
      [correlationId],
    );
    // Through the API, newest first: the records as GET /audit shows them.
    const page = await t.api.http.get(`/audit?limit=1000`).set('Authorization', admin.auth).expect(200);
    const ids = new Set(rows.map((r) => Number(r.id)));
    return (page.body.items as AccessRecord[]).filter((r) => ids.has(r.id)).reverse();
  };
  let n = 0;
  const correlation = () => `audit-test-${Date.now()}-${n++}`;

  it('declares a data category on every route under /patients, /registry, /admin, /audit and /fhir', () => {
    const routes = t.api.app.get(AuditRoutes);
    expect(routes.undeclared().map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(routes.all().filter((r) => r.audit).length).toBeGreaterThanOrEqual(40);
  });

  it('records a write before answering: who, which patient, what data, from where, under which correlation id', async () => {
    const id = correlation();
    await t.api.http
      .post(`/patients/${p.patientId}/outcomes`)
      .set({ Authorization: p.patient.auth, 'X-Correlation-Id': id })
      .send({ instrument: 'GAD-7', items: [1, 1, 1, 1, 1, 1, 1], total: 7 })
      .expect(201);
    expect(await recordsOf(id)).toEqual([
      expect.objectContaining({
        userId: p.patientId,
        role: 'patient',
        patientId: p.patientId,
        category: 'outcomes',
        action: 'create',
        outcome: 'allowed',
        status: 201,
        method: 'POST',
        route: '/patients/:patientId/outcomes',
        clientAddress: expect.stringMatching(/127\.0\.0\.1/),
        correlationId: id,
        recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      }),
    ]);
  });

  it('records reads, and denials with the caller who was refused', async () => {
    const allowed = correlation();
    await t.api.http
      .get(`/patients/${p.patientId}/adherence`)
      .set({ Authorization: p.therapist.auth, 'X-Correlation-Id': allowed })
      .expect(200);
    expect(await recordsOf(allowed)).toEqual([
      expect.objectContaining({
        userId: p.therapist.userId,
        category: 'adherence',
        action: 'read',
        outcome: 'allowed',
        status: 200,
      }),
    ]);

    const outsider = await testUser(t.api, 'prescriber');
    const denied = correlation();
    const response = await t.api.http
      .get(`/patients/${p.patientId}/plan`)
      .set({ Authorization: outsider.auth, 'X-Correlation-Id': denied });
    expectForbidden(response, p);
    expect(await recordsOf(denied)).toEqual([
      expect.objectContaining({
        userId: outsider.userId,
        role: 'prescriber',
        patientId: p.patientId,
        category: 'care plan',
        action: 'read',
        outcome: 'denied',
        status: 403,
      }),
    ]);

    const deniedWrite = correlation();
    await t.api.http
      .post(`/patients/${p.patientId}/medications/any/discontinuation`)
      .set({ Authorization: p.therapist.auth, 'X-Correlation-Id': deniedWrite })
      .send({ reason: 'patient-choice' })
      .expect(403);
    expect(await recordsOf(deniedWrite)).toEqual([
      expect.objectContaining({
        userId: p.therapist.userId,
        category: 'medication list',
        action: 'create',
        outcome: 'denied',
        status: 403,
      }),
    ]);
  });

  it('sums up requests without a valid token per address and minute in one denied record with a count', async () => {
    const audit = t.api.app.get(AccessAudit);
    await audit.closeUnauthenticatedWindows(true);
    const first = correlation();
    const later = [correlation(), correlation()];
    const eightThousand = 'x'.repeat(8000);
    await t.api.http
      .get(`/patients/${p.patientId}/plan`)
      .set({ Authorization: 'Bearer nonsense', 'X-Correlation-Id': first })
      .expect(401);
    await t.api.http.get(`/patients/${eightThousand}/plan`).set('X-Correlation-Id', later[0]!).expect(401);
    await t.api.http.post(`/patients/${p.patientId}/goals`).set('X-Correlation-Id', later[1]!).send({}).expect(401);
    expect(await recordsOf(first)).toEqual([]);

    await audit.closeUnauthenticatedWindows(true);
    expect(await recordsOf(later[0]!)).toEqual([]);
    expect(await recordsOf(later[1]!)).toEqual([]);
    const [summary, ...others] = await recordsOf(first);
    expect(others).toEqual([]);
    expect(summary).toMatchObject({
      userId: null,
      role: null,
      patientId: null,
      category: UNAUTHENTICATED_CATEGORY,
      outcome: 'denied',
      status: 401,
      route: '/patients/:patientId/plan',
      detail: {
        attempts: 3,
        byStatus: { 401: 3 },
        byRoute: { 'GET /patients/:patientId/plan': 2, 'POST /patients/:patientId/goals': 1 },
      },
    });
    expect(JSON.stringify(summary)).not.toContain('xxxxxxxx');
  });

  it('stores only a well-formed patient id, whoever asks', async () => {
    const id = correlation();
    await t.api.http
      .get(`/patients/${'x'.repeat(8000)}/plan`)
      .set({ Authorization: p.therapist.auth, 'X-Correlation-Id': id })
      .expect(400);
    expect(await recordsOf(id)).toEqual([expect.objectContaining({ userId: p.therapist.userId, patientId: null })]);
  });

  it('records the patient an enrolment created, and the patients a caseload showed', async () => {
    const id = correlation();
    const enrolled = await t.api.http
      .post('/patients')
      .set({ Authorization: p.therapist.auth, 'X-Correlation-Id': id })
      .send({ name: { given: 'Nell', family: 'Gwynne' } })
      .expect(201);
    expect(await recordsOf(id)).toEqual([
      expect.objectContaining({ patientId: enrolled.body.id, category: 'care plan', action: 'create' }),
    ]);

    const caseload = correlation();
    await t.api.http
      .get('/registry')
      .set({ Authorization: p.therapist.auth, 'X-Correlation-Id': caseload })
      .expect(200);
    const [record] = await recordsOf(caseload);
    expect(record).toMatchObject({ category: 'registry', action: 'query', patientId: null, outcome: 'allowed' });
    expect(record!.detail).toEqual({ patientIds: expect.any(Array) });
  });

  it('answers 503 rather than serve a request it could not record', async () => {
    const s = `"${t.api.sql.schema}"`;
    await withAdminClient((c) =>
      c.query(`ALTER TABLE ${s}.access_log ADD CONSTRAINT refuse_all CHECK (false) NOT VALID`),
    );
    try {
      const read = await t.api.http.get(`/patients/${p.patientId}/plan`).set('Authorization', p.therapist.auth);
      expectProblem(read, 503, 'ACCESS_LOG_UNAVAILABLE');
      expect(read.headers['retry-after']).toBe('1');
      expect(JSON.stringify(read.body)).not.toContain(p.givenName);
      const denied = await t.api.http
        .get(`/patients/${p.patientId}/plan`)
        .set('Authorization', (await testUser(t.api, 'therapist')).auth);
      expectProblem(denied, 503, 'ACCESS_LOG_UNAVAILABLE');
    } finally {
      await withAdminClient((c) => c.query(`ALTER TABLE ${s}.access_log DROP CONSTRAINT refuse_all`));
    }
    await t.api.http.get(`/patients/${p.patientId}/plan`).set('Authorization', p.therapist.auth).expect(200);
  });

  it('writes the record of a write in the transaction of its events: without the record, no events', async () => {
    const s = `"${t.api.sql.schema}"`;
    const outcomes = async (): Promise<number> => {
      const { rows } = await t.api.sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${s}.events WHERE stream_id LIKE $1`,
        [`outcomes-${p.patientId}-%`],
      );
      return Number(rows[0]!.n);
    };
    const send = (id: string) =>
      t.api.http
        .post(`/patients/${p.patientId}/outcomes`)
        .set({ Authorization: p.patient.auth, 'X-Correlation-Id': id })
        .send({ instrument: 'GAD-7', items: [0, 1, 0, 1, 0, 1, 0], total: 3 });
    const before = await outcomes();
    await withAdminClient((c) =>
      c.query(`ALTER TABLE ${s}.access_log ADD CONSTRAINT refuse_outcomes CHECK (category <> 'outcomes') NOT VALID`),
    );
    try {
      expectProblem(await send(correlation()), 503, 'ACCESS_LOG_UNAVAILABLE');
      expect(await outcomes()).toBe(before);
    } finally {
      await withAdminClient((c) => c.query(`ALTER TABLE ${s}.access_log DROP CONSTRAINT refuse_outcomes`));
    }
    const id = correlation();
    const written = await send(id).expect(201);
    expect(await outcomes()).toBe(before + 1);
    // One record, in the same transaction as the event it is about.
    const { rows } = await t.api.sql.query<{ same: boolean }>(
      `SELECT a.xmin = e.xmin AS same FROM ${s}.access_log a, ${s}.events e
       WHERE a.correlation_id = $1 AND e.event_id = $2`,
      [id, (written.body as { eventIds: string[] }).eventIds[0]],
    );
    expect(rows).toEqual([{ same: true }]);
    expect(await recordsOf(id)).toEqual([expect.objectContaining({ status: 201, category: 'outcomes' })]);
  });

  describe('GET /audit', () => {
    it('is for admins only, and a refused attempt is itself recorded', async () => {
      const id = correlation();
      await t.api.http.get('/audit').set({ Authorization: p.therapist.auth, 'X-Correlation-Id': id }).expect(403);
      expect(await recordsOf(id)).toEqual([
        expect.objectContaining({
          category: 'access log',
          action: 'query',
          outcome: 'denied',
          userId: p.therapist.userId,
        }),
      ]);
      await t.api.http.get('/audit?format=csv').set({ Authorization: p.patient.auth }).expect(403);
    });

    it('filters by patient, user, action, outcome and time, newest first, in pages linked by a cursor', async () => {
      const get = (query: string) => t.api.http.get(`/audit?${query}`).set('Authorization', admin.auth).expect(200);
      const denials = await get(`patient=${p.patientId}&outcome=denied`);
      expect(denials.body.items.length).toBeGreaterThanOrEqual(2);
      expect(denials.body.items.every((r: AccessRecord) => r.patientId === p.patientId && r.outcome === 'denied')).toBe(
        true,
      );
      const ids = denials.body.items.map((r: AccessRecord) => r.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));

      const first = await get(`patient=${p.patientId}&limit=2&order=asc`);
      const second = await get(`patient=${p.patientId}&limit=2&order=asc&cursor=${first.body.nextCursor}`);
      expect(second.body.items[0].id).toBeGreaterThan(first.body.items[1].id);

      const byUser = await get(`user=${p.patientId}&action=create`);
      expect(byUser.body.items.length).toBeGreaterThanOrEqual(1);
      expect(byUser.body.items.every((r: AccessRecord) => r.userId === p.patientId && r.action === 'create')).toBe(
        true,
      );

      const future = await get(`from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
      expect(future.body).toMatchObject({ items: [], nextCursor: null });

      const query = correlation();
      await t.api.http
        .get(`/audit?patient=${p.patientId}`)
        .set({ Authorization: admin.auth, 'X-Correlation-Id': query })
        .expect(200);
      expect((await recordsOf(query))[0]).toMatchObject({
        category: 'access log',
        action: 'query',
        patientId: p.patientId,
        detail: { filters: { patient: p.patientId } },
      });
    });

    it('refuses malformed filters naming the field', async () => {
      for (const [query, field] of [
        ['action=delete', 'action'],
        ['from=yesterday', 'from'],
        ['limit=5000', 'limit'],
        ['cursor=abc', 'cursor'],
        ['format=xml', 'format'],
      ]) {
        const response = await t.api.http.get(`/audit?${query}`).set('Authorization', admin.auth);
        expect({
          query,
          status: response.status,
          fields: [...new Set(response.body.errors?.map((e: { field: string }) => e.field))],
        }).toEqual({
          query,
          status: 400,
          fields: [field],
        });
      }
    });

    it('exports CSV (Accept: text/csv) and NDJSON (?format=ndjson), recording the export before it streams', async () => {
      const csvId = correlation();
      const csv = await t.api.http
        .get(`/audit?patient=${p.patientId}&order=asc`)
        .set({ Authorization: admin.auth, Accept: 'text/csv', 'X-Correlation-Id': csvId })
        .expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.text.trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'id,recordedAt,userId,role,patientId,category,action,outcome,status,method,route,clientAddress,correlationId,detail,previousHash,hash',
      );
      // The export's own record comes last: it was written before the first byte.
      expect(lines[lines.length - 1]).toContain(csvId);
      expect(await recordsOf(csvId)).toEqual([
        expect.objectContaining({
          action: 'export',
          outcome: 'allowed',
          detail: { filters: { patient: p.patientId, order: 'asc' } },
        }),
      ]);

      const ndjson = await t.api.http
        .get(`/audit?patient=${p.patientId}&format=ndjson`)
        .set('Authorization', admin.auth)
        .expect(200);
      expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const records = ndjson.text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as AccessRecord);
      expect(records.length).toBe(lines.length); // one more: the NDJSON export's own record
      expect(records.every((r) => r.patientId === p.patientId)).toBe(true);
    });
  });

  describe('GET /patients/{id}/history', () => {
    it('shows the full trail in global order with who, when, why, and corrections linked both ways', async () => {
      const recorded = await t.api.http
        .post(`/patients/${p.patientId}/outcomes`)
        .set('Authorization', p.patient.auth)
        .send({ instrument: 'PHQ-9', items: [1, 1, 1, 1, 1, 1, 1, 1, 1], total: 9 })
        .expect(201);
      const target = recorded.body.eventIds[0];
      const corrected = await t.api.http
        .post(`/patients/${p.patientId}/entries/${target}/corrections`)
        .set('Authorization', p.patient.auth)
        .send({
          stream: recorded.body.streamId,
          changes: [{ field: 'items', value: [1, 1, 1, 1, 1, 1, 1, 1, 2] }],
          reason: 'Tapped the wrong answer.',
        })
        .expect(201);

      const id = correlation();
      const history = await t.api.http
        .get(`/patients/${p.patientId}/history`)
        .set({ Authorization: admin.auth, 'X-Correlation-Id': id })
        .expect(200);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are inspected freely in tests
      const events = history.body.events as Array<Record<string, any>>;
      expect(events[0]).toMatchObject({
        type: 'PatientEnrolled',
        actor: { userId: p.therapist.userId, role: 'therapist' },
        command: 'EnrolPatient',
      });
      expect(events.map((e) => e.position)).toEqual([...events.map((e) => e.position)].sort((a, b) => a - b));
      expect(new Set(events.map((e) => e.streamId.split('-')[0]))).toEqual(new Set(['careplan', 'outcomes']));
      const original = events.find((e) => e.eventId === target)!;
      const correction = events.find((e) => e.eventId === corrected.body.eventIds[0])!;
      expect(correction).toMatchObject({
        type: 'EntryCorrected',
        amends: { eventId: target, type: 'OutcomeMeasured', kind: 'correction' },
      });
      expect(original.amendedBy).toEqual([
        { eventId: correction.eventId, type: 'EntryCorrected', position: correction.position, kind: 'correction' },
      ]);
      expect(correction.correlationId).toEqual(expect.any(String));
      expect(correction.causationId).toEqual(expect.any(String));

      // Personal data are redacted unless asked for, and asking is recorded.
      expect(history.body.personalData).toBe('redacted');
      expect(JSON.stringify(history.body)).not.toContain(p.givenName);
      expect(correction.data.reason).toBeNull();
      expect(await recordsOf(id)).toEqual([
        expect.objectContaining({ category: 'history', action: 'query', patientId: p.patientId, detail: {} }),
      ]);

      const included = correlation();
      const full = await t.api.http
        .get(`/patients/${p.patientId}/history?personalData=include`)
        .set({ Authorization: admin.auth, 'X-Correlation-Id': included })
        .expect(200);
      expect(full.body.events[0].data.name.given).toBe(p.givenName);
      expect((await recordsOf(included))[0]).toMatchObject({ detail: { personalData: 'included' } });
    });

    it('is refused to everyone but admins, the care team included', async () => {
      for (const caller of [p.therapist, p.prescriber, p.patient, await testUser(t.api, 'analyst')]) {
        const response = await t.api.http.get(`/patients/${p.patientId}/history`).set('Authorization', caller.auth);
        expect(response.status).toBe(403);
        expect(JSON.stringify(response.body)).not.toContain(p.givenName);
      }
      expectProblem(
        await t.api.http.get('/patients/nobody-here/history').set('Authorization', admin.auth),
        404,
        'UNKNOWN_PATIENT',
      );
    });
  });

  it('leaves an access chain that verifies', async () => {
    await expect(verifyAccessChain(t.api.sql)).resolves.toMatchObject({ ok: true, firstBreak: null });
  });
});

describe('client addresses behind a proxy the API trusts', () => {
  const t = useTestApi({ env: { TRUST_PROXY: 'true' } });

  it('records and counts only an IP address, whatever X-Forwarded-For says', async () => {
    const forged = 'x'.repeat(8000);
    await t.api.http
      .get(`/patients/${t.p.patientId}/plan`)
      .set({ Authorization: t.p.therapist.auth, 'X-Forwarded-For': forged, 'X-Correlation-Id': 'proxy-forged-1' })
      .expect(200);
    await t.api.http
      .get(`/patients/${t.p.patientId}/plan`)
      .set({ Authorization: t.p.therapist.auth, 'X-Forwarded-For': '203.0.113.7', 'X-Correlation-Id': 'proxy-real-1' })
      .expect(200);
    const { rows } = await t.api.sql.query<{ correlation_id: string; client_address: string | null }>(
      `SELECT correlation_id, client_address FROM "${t.api.sql.schema}".access_log
        WHERE correlation_id IN ('proxy-forged-1', 'proxy-real-1') ORDER BY id`,
    );
    expect(rows).toEqual([
      { correlation_id: 'proxy-forged-1', client_address: null },
      { correlation_id: 'proxy-real-1', client_address: '203.0.113.7' },
    ]);
  });
});
