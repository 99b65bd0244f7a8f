import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { fhirProblems } from '@caretrail/fhir/testing';
import { useTestApi } from '../testing/harness';
import { enrolTestPatient, testUser } from '../testing/care-setup';

/**
 * The FHIR R4 API on the real PostgreSQL: resources folded from the log, checked
 * by Medplum's R4 validator; access, audit and errors as OperationOutcome.
 */
describe('FHIR R4 API', () => {
  const t = useTestApi();
  const base = '/fhir/R4';

  const get = async (path: string, auth: string, status = 200): Promise<Record<string, unknown>> => {
    const response = await t.api.http.get(`${base}/${path}`).set('Authorization', auth);
    expect([path, response.status]).toEqual([path, status]);
    expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
    return JSON.parse(response.text) as Record<string, unknown>;
  };
  const entries = (bundle: Record<string, unknown>): Resource[] =>
    ((bundle as unknown as Bundle).entry ?? []).map((e) => e.resource!);

  beforeAll(async () => {
    const { patientId, prescriber, patient } = t.p;
    const write = (path: string, auth: string, body: object) =>
      t.api.http.post(`/patients/${patientId}/${path}`).set('Authorization', auth).send(body).expect(201);
    const med = await write('medications', prescriber.auth, {
      drug: { name: 'Sertraline', rxNormCode: '36437' },
      strength: { value: 50, unit: 'mg' },
      schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
      startsAt: '2026-01-01T08:00:00Z',
    });
    const medicationId = String(med.body.id ?? med.body.medicationId);
    await write('doses/missed', patient.auth, {
      medicationId,
      scheduledFor: '2026-01-02T08:00:00Z',
      reason: 'forgot',
    });
    await write('outcomes', patient.auth, { instrument: 'PHQ-9', items: [1, 2, 1, 0, 3, 1, 2, 0, 0], total: 10 });
    await write('side-effects', patient.auth, {
      symptom: 'Nausea',
      severity: 'mild',
      suspectedMedicationId: medicationId,
      fibser: { frequency: 2, intensity: 2, burden: 1 },
    });
  });

  it('states what it serves in a valid CapabilityStatement', async () => {
    const statement = await get('metadata', t.p.therapist.auth);
    expect(fhirProblems(statement as unknown as Resource)).toEqual([]);
  });

  it("serves every type of a patient's record as valid R4, to the care team and the patient", async () => {
    const types = ['Patient', 'CareTeam', 'CarePlan', 'MedicationRequest', 'MedicationAdministration'];
    for (const type of [...types, 'Observation', 'QuestionnaireResponse', 'AdverseEvent', 'Provenance']) {
      for (const user of [t.p.therapist, t.p.patient]) {
        const bundle = await get(`${type}?${type === 'Patient' ? '_id' : 'patient'}=${t.p.patientId}`, user.auth);
        expect(fhirProblems(bundle as unknown as Resource)).toEqual([]);
        expect([type, entries(bundle).length > 0]).toEqual([type, true]);
        for (const resource of entries(bundle)) expect(fhirProblems(resource)).toEqual([]);
      }
    }
  });

  it('records a missed dose as not-done with its reason', async () => {
    const bundle = await get(`MedicationAdministration?patient=${t.p.patientId}&status=not-done`, t.p.therapist.auth);
    expect(entries(bundle)).toEqual([
      expect.objectContaining({ status: 'not-done', statusReason: [expect.objectContaining({ text: 'forgot' })] }),
    ]);
  });

  it('reads, vreads and lists the history of a resource, one version per event', async () => {
    const plans = entries(await get(`CarePlan?patient=${t.p.patientId}`, t.p.therapist.auth));
    const plan = plans[0]!;
    const history = (await get(`CarePlan/${plan.id}/_history`, t.p.therapist.auth)) as unknown as Bundle;
    expect(history.entry?.map((e) => e.resource?.meta?.versionId)).toEqual(['2', '1']);
    const first = await get(`CarePlan/${plan.id}/_history/1`, t.p.therapist.auth);
    expect(first).toMatchObject({ meta: { versionId: '1' }, status: 'active' });
    expect(fhirProblems(history as unknown as Resource)).toEqual([]);
    await get(`CarePlan/${plan.id}/_history/9`, t.p.therapist.auth, 404);
  });

  it('refuses others without revealing whether the patient exists', async () => {
    const outsider = await testUser(t.api, 'therapist');
    const other = await get(`Patient/${t.p.patientId}`, outsider.auth, 403);
    const unknown = await get('Patient/no-such-patient', outsider.auth, 403);
    expect(other).toEqual(unknown);
    expect((other as unknown as OperationOutcome).issue[0]?.code).toBe('forbidden');
    await get(`Observation?patient=${t.p.patientId}`, (await testUser(t.api, 'admin')).auth, 403);
    await get(`AuditEvent`, t.p.therapist.auth, 403);
  });

  it('answers bad requests with an OperationOutcome naming the parameter', async () => {
    const outcome = (await get(
      `Observation?patient=${t.p.patientId}&colour=red`,
      t.p.therapist.auth,
      400,
    )) as unknown as OperationOutcome;
    expect(outcome.issue[0]?.expression).toEqual(['colour']);
    expect(fhirProblems(outcome)).toEqual([]);
    await get(`Observation?patient=${t.p.patientId}&date=yesterday`, t.p.therapist.auth, 400);
    await get('Observation', t.p.therapist.auth, 400);
    await get('Basic', t.p.therapist.auth, 404);
    await get(`Observation/${t.p.patientId}.999999`, t.p.therapist.auth, 404);
    await get('Observation/not_an_id', t.p.therapist.auth, 404);
  });

  it('audits every read, and shows the access log to admins as AuditEvents', async () => {
    await get(`Patient/${t.p.patientId}`, t.p.therapist.auth);
    const admin = await testUser(t.api, 'admin');
    const bundle = await get(`AuditEvent?patient=${t.p.patientId}&_count=5`, admin.auth);
    const events = entries(bundle);
    expect(events[0]).toMatchObject({ resourceType: 'AuditEvent', subtype: [{ code: 'fhir' }], action: 'R' });
    for (const event of events) expect(fhirProblems(event)).toEqual([]);
    const one = await get(`AuditEvent/${events[0]!.id}`, admin.auth);
    expect(one).toEqual(events[0]);
  });

  it('answers 410 Gone with no personal data for an erased patient', async () => {
    const erased = await enrolTestPatient(t.api);
    const admin = await testUser(t.api, 'admin');
    await t.api.http
      .post(`/patients/${erased.patientId}/erasure`)
      .set('Authorization', admin.auth)
      .send({ reason: 'Art. 17' })
      .expect((r) => expect(r.status).toBeLessThan(300));
    const response = await t.api.http
      .get(`${base}/Patient/${erased.patientId}`)
      .set('Authorization', erased.therapist.auth);
    expect(response.status).toBe(410);
    expect(response.text).not.toContain(erased.givenName);
    const search = await get(`Patient?_id=${erased.patientId}`, erased.therapist.auth);
    expect(entries(search)).toEqual([]);
  });
});
