import type { Resource } from '@medplum/fhirtypes';
import { fhirProblems } from '@caretrail/fhir/testing';
import { useTestApi } from '../testing/harness';
import { testUser, type TestUser } from '../testing/care-setup';

type Manifest = { transactionTime: string; output: Array<{ type: string; url: string; count: number }> };

/**
 * Bulk Data export over a seeded store on the real PostgreSQL: the async
 * pattern, who may export, pseudonymous exports, and every NDJSON line valid R4.
 */
describe('FHIR Bulk Data export', () => {
  const t = useTestApi();
  let admin: TestUser;
  let analyst: TestUser;

  beforeAll(async () => {
    admin = await testUser(t.api, 'admin');
    analyst = await testUser(t.api, 'analyst');
    await t.api.http
      .post('/admin/seed')
      .set('Authorization', admin.auth)
      .send({ patients: 3, days: 10, seed: 'fhir-export', until: '2026-11-28T18:00:00.000Z' })
      .buffer(true)
      .parse((res, done) => {
        res.on('data', () => undefined);
        res.on('end', () => done(null, ''));
      })
      .expect(200);
  });

  const kickOff = (path: string, user: TestUser) =>
    t.api.http.get(`/fhir/R4/${path}`).set('Authorization', user.auth).set('Prefer', 'respond-async');

  /** Polls the status URL until the manifest is there. */
  async function finished(location: string, user: TestUser): Promise<Manifest> {
    const path = new URL(location).pathname;
    for (let i = 0; i < 200; i++) {
      const status = await t.api.http.get(path).set('Authorization', user.auth);
      if (status.status === 200) return status.body as Manifest;
      expect(status.status).toBe(202);
      expect(status.headers['x-progress']).toMatch(/of/);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the export did not finish');
  }

  const download = async (url: string, user: TestUser): Promise<Resource[]> => {
    const file = await t.api.http
      .get(new URL(url).pathname)
      .set('Authorization', user.auth)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/^application\/fhir\+ndjson/);
    return (file.body as string)
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Resource);
  };

  it('exports every patient of the log as NDJSON that validates line by line', async () => {
    const started = await kickOff('$export', admin).expect(202);
    expect(started.headers['content-location']).toMatch(/\/fhir\/R4\/\$export-status\//);
    const manifest = await finished(started.headers['content-location']!, admin);
    const types = manifest.output.map((o) => o.type);
    expect(types).toEqual(expect.arrayContaining(['Patient', 'CarePlan', 'MedicationRequest', 'Observation']));
    for (const output of manifest.output) {
      const resources = await download(output.url, admin);
      expect([output.type, resources.length]).toEqual([output.type, output.count]);
      for (const resource of resources)
        expect([resource.resourceType, fhirProblems(resource)]).toEqual([output.type, []]);
    }
    const patients = manifest.output.find((o) => o.type === 'Patient')!;
    // The seeded patients and the harness's enrolled one.
    expect(patients.count).toBe(4);
  });

  it('narrows by _type and _since', async () => {
    const started = await kickOff('$export?_type=Observation,Patient&_since=2099-01-01T00:00:00Z', admin).expect(202);
    const manifest = await finished(started.headers['content-location']!, admin);
    expect(manifest.output).toEqual([]);
    const typed = await finished(
      (await kickOff('$export?_type=Patient', admin).expect(202)).headers['content-location']!,
      admin,
    );
    expect(typed.output.map((o) => o.type)).toEqual(['Patient']);
  });

  it('gives analysts pseudonymous patients only, the way the effectiveness report names them', async () => {
    await kickOff('$export', analyst).expect(403);
    const started = await kickOff('Group/all/$export?_pseudonymise=true', analyst).expect(202);
    const manifest = await finished(started.headers['content-location']!, analyst);
    const patients = await download(manifest.output.find((o) => o.type === 'Patient')!.url, analyst);
    expect(patients.map((p) => p.id)).toEqual(patients.map(() => expect.stringMatching(/^P-[0-9a-f]{16}$/)));
    for (const output of manifest.output) {
      const resources = await download(output.url, analyst);
      for (const resource of resources) expect(fhirProblems(resource)).toEqual([]);
      const text = JSON.stringify(resources);
      expect([output.type, text.includes(t.p.patientId), text.includes(t.p.givenName)]).toEqual([
        output.type,
        false,
        false,
      ]);
    }
  });

  it('lets nobody else export, poll or download', async () => {
    await kickOff('$export', t.p.therapist).expect(403);
    await kickOff('$export?_pseudonymise=true', t.p.patient).expect(403);
    const started = await kickOff('$export?_type=Patient', admin).expect(202);
    const path = new URL(started.headers['content-location']!).pathname;
    // Another user's export does not exist for them; clinicians may not even ask.
    await t.api.http.get(path).set('Authorization', analyst.auth).expect(404);
    await t.api.http.get(path).set('Authorization', t.p.therapist.auth).expect(403);
  });

  it('refuses a bad kick-off with an OperationOutcome naming the parameter', async () => {
    const bad = await kickOff('$export?_type=AuditEvent', admin).expect(400);
    expect(JSON.parse(bad.text)).toMatchObject({ issue: [{ expression: ['_type'] }] });
    await kickOff('$export?_since=yesterday', admin).expect(400);
    await kickOff('Group/nobody/$export', admin).expect(400);
    await t.api.http.get('/fhir/R4/$export').set('Authorization', admin.auth).expect(400);
  });

  it('cancels with DELETE: the status is gone afterwards', async () => {
    const started = await kickOff('Group/integrated/$export', admin).expect(202);
    const path = new URL(started.headers['content-location']!).pathname;
    await t.api.http.delete(path).set('Authorization', admin.auth).expect(202);
    await t.api.http.get(path).set('Authorization', admin.auth).expect(404);
  });
});
