import { Client } from 'fhir-kit-client';
import type { Bundle } from '@medplum/fhirtypes';
import { useTestApi } from '../testing/harness';

/**
 * A FHIR client CareTrail did not write (fhir-kit-client) reads, searches and
 * pages the API over real HTTP, as an EHR would.
 */
describe('the FHIR API through a third-party client', () => {
  const t = useTestApi();
  let client: Client;

  beforeAll(async () => {
    await t.api.app.listen(0, '127.0.0.1');
    const url = (await t.api.app.getUrl()).replace('[::1]', '127.0.0.1');
    client = new Client({
      baseUrl: `${url}/fhir/R4`,
      customHeaders: { Authorization: t.p.therapist.auth },
    });
    for (let i = 0; i < 5; i++)
      await t.api.http
        .post(`/patients/${t.p.patientId}/outcomes`)
        .set('Authorization', t.p.patient.auth)
        .send({ instrument: 'GAD-7', items: [i % 4, 1, 1, 0, 0, 1, 0], total: (i % 4) + 3 })
        .expect(201);
  });

  it('reads the capability statement and a patient', async () => {
    const statement = (await client.capabilityStatement()) as unknown as { fhirVersion: string };
    expect(statement.fhirVersion).toBe('4.0.1');
    const patient = (await client.read({ resourceType: 'Patient', id: t.p.patientId })) as unknown as {
      name: unknown[];
    };
    expect(patient.name).toEqual([expect.objectContaining({ given: [t.p.givenName] })]);
  });

  it('searches and follows next links to the last page', async () => {
    let page = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: t.p.patientId, code: 'http://loinc.org|70274-6', _count: 2 },
    })) as unknown as Bundle;
    const seen: string[] = [];
    for (;;) {
      seen.push(...(page.entry ?? []).map((e) => e.resource!.id!));
      if (!page.link?.some((l) => l.relation === 'next')) break;
      page = (await client.nextPage({ bundle: page as never })) as unknown as Bundle;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('hears an OperationOutcome when the search is bad', async () => {
    await expect(
      client.search({ resourceType: 'Observation', searchParams: { patient: t.p.patientId, colour: 'red' } }),
    ).rejects.toMatchObject({ response: { status: 400, data: { resourceType: 'OperationOutcome' } } });
  });
});
