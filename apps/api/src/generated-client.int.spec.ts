import type { AddressInfo } from 'node:net';
import createClient, { type Client } from 'openapi-fetch';
import type { ActorRole } from '@caretrail/domain';
import type { paths } from './testing/api-types.generated';
import { useTestApi } from './testing/harness';

/**
 * A client generated from the OpenAPI document (openapi-typescript types, openapi-fetch) against
 * the running API: what an integrator's generated client sees, typed, including the version,
 * position, ETag and problem bodies. openapi-contract.int.spec.ts keeps the types current.
 */
describe('a client generated from the OpenAPI document', () => {
  const t = useTestApi({ enrol: false });
  let baseUrl: string;
  const as = async (userId: string, role: ActorRole): Promise<Client<paths>> =>
    createClient<paths>({ baseUrl, headers: { Authorization: await t.api.bearer(userId, role) } });

  beforeAll(async () => {
    await t.api.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.api.app.getHttpServer().address() as AddressInfo).port}`;
  });

  it('enrols, writes with If-Match, reads its own write, hears 412 and removes a member', async () => {
    const therapist = await as('client-therapist', 'therapist');
    const enrolled = await therapist.POST('/patients', {
      body: { name: { given: 'Ada', family: 'Lovelace' }, timeZone: 'Europe/London' },
    });
    expect(enrolled.response.status).toBe(201);
    const patientId = enrolled.data!.id!;
    const params = { path: { patientId } };

    await therapist.POST('/patients/{patientId}/care-team', {
      params,
      body: { userId: 'client-care-manager', role: 'care-manager', chosenByPatient: false },
    });
    const started = await therapist.POST('/patients/{patientId}/care-plan', { params, body: { track: 'integrated' } });
    expect(started.data).toMatchObject({ version: expect.any(Number), position: expect.any(Number) });

    // Following Location, or asking for the write's position, reads one's own write.
    const plan = await therapist.GET('/patients/{patientId}/plan', {
      params: { ...params, query: { minPosition: started.data!.position } },
    });
    expect(plan.data!.position).toBeGreaterThanOrEqual(started.data!.position);
    expect(started.response.headers.get('location')).toBe(
      `/patients/${patientId}/plan?minPosition=${started.data!.position}`,
    );
    const etag = plan.response.headers.get('etag')!;
    expect(etag).toBe(`"${started.data!.version}"`);

    const reviewed = await therapist.POST('/patients/{patientId}/care-plan/reviews', {
      params: { ...params, header: { 'If-Match': etag } },
      body: { summary: 'Settling in.' },
    });
    expect(reviewed.data!.version).toBe(started.data!.version + 1);

    const stale = await therapist.POST('/patients/{patientId}/care-plan/reviews', {
      params: { ...params, header: { 'If-Match': etag } },
      body: { summary: 'Again.' },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(stale.error).toMatchObject({ status: 412, code: 'VERSION_CONFLICT' });
    expect(stale.response.headers.get('etag')).toBe(`"${reviewed.data!.version}"`);

    const removed = await therapist.DELETE('/patients/{patientId}/care-team/{userId}', {
      params: { path: { patientId, userId: 'client-care-manager' }, query: { reason: 'Left the clinic.' } },
    });
    expect(removed.response.status).toBe(200);
    expect(removed.data).toMatchObject({ streamId: started.data!.streamId, version: reviewed.data!.version + 1 });
  });

  it('reads a 400 as a typed problem naming the field', async () => {
    const therapist = await as('client-therapist-2', 'therapist');
    const refused = await therapist.POST('/patients', { body: { name: { given: '', family: 'X' } } });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.errors?.map((e) => e.field)).toContain('name.given');
  });
});
