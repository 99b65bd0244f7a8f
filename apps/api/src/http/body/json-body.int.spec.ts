import { expectInvalid, expectProblem, withoutWrites } from '../../testing/care-setup';
import { useTestApi } from '../../testing/harness';

/** Bytes go out as they are; superagent would turn a Buffer into JSON of its own. */
const asSent = (body: unknown): string => body as string;

const nested = (depth: number, leaf: string): string => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

describe('request bodies a client can get wrong are its 4xx, never a 500, and write nothing', () => {
  const t = useTestApi();
  const sideEffects = () => `/patients/${t.p.patientId}/side-effects`;
  const sendRaw = (path: string, body: string | Buffer, contentType = 'application/json') =>
    withoutWrites(t.api, () =>
      t.api.http
        .post(path)
        .set('Authorization', t.p.therapist.auth)
        .set('Content-Type', contentType)
        .serialize(asSent)
        .send(body),
    );

  it('answers JSON nested 3,000 objects deep with 400 before validation', async () => {
    expectProblem(await sendRaw('/patients', nested(3000, '1')), 400, 'JSON_TOO_DEEP');
  });

  it('answers a 2,000-deep array inside timeZone with 400', async () => {
    const body = `{"name":{"given":"A","family":"B"},"timeZone":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    expectProblem(await sendRaw('/patients', body), 400, 'JSON_TOO_DEEP');
  });

  it('still takes the nesting a real body has', async () => {
    const response = await sendRaw(sideEffects(), nested(20, '1'));
    expectInvalid(response, 'a', 'whitelist');
  });

  it('answers malformed JSON with 400 carrying the correlation id like every other error', async () => {
    const response = await withoutWrites(t.api, () =>
      t.api.http
        .post('/patients')
        .set('Authorization', t.p.therapist.auth)
        .set('Content-Type', 'application/json')
        .set('X-Correlation-Id', 'malformed-json-1')
        .serialize(asSent)
        .send('{"name":'),
    );
    expectProblem(response, 400);
    expect(response.body.correlationId).toBe('malformed-json-1');
    expect(response.headers['x-correlation-id']).toBe('malformed-json-1');
  });

  it('answers a missing required field with one violation, not one per rule', async () => {
    const response = await sendRaw('/patients', '{"timeZone":"Europe/London"}');
    expectInvalid(response, 'name', 'isDefined');
    expect(response.body.errors).toEqual([{ field: 'name', rule: 'isDefined', message: 'name is required' }]);
    expect(response.body.detail).toBe('name: name is required');
  });

  it('takes an empty JSON body as no body: the validation names the missing field', async () => {
    const response = await sendRaw('/patients', '');
    expectInvalid(response, 'name', 'isDefined');
  });

  it('answers a path whose percent escapes do not decode with 400 problem+json, its correlation id and headers', async () => {
    const response = await withoutWrites(t.api, () =>
      t.api.http
        .get(`/patients/${t.p.patientId}%E0%A4%A/plan`)
        .set('Authorization', t.p.therapist.auth)
        .set('X-Correlation-Id', 'bad-escape-1'),
    );
    expectProblem(response, 400, 'BAD_REQUEST');
    expect(response.body.correlationId).toBe('bad-escape-1');
    expect(response.headers['x-correlation-id']).toBe('bad-escape-1');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a key given twice in one object with 400', async () => {
    const response = await sendRaw('/patients', '{"name":{"given":"A","family":"B","fam\\u0069ly":"C"}}');
    expectProblem(response, 400, 'DUPLICATE_JSON_KEY');
  });

  it('answers a body that is not well-formed UTF-8 with 400', async () => {
    const body = Buffer.concat([
      Buffer.from('{"name":{"given":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('","family":"B"}}'),
    ]);
    expectProblem(await sendRaw('/patients', body), 400, 'INVALID_UTF8');
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'name[given]=A&name[family]=B'],
    ['plain text', 'text/plain', '{"name":{"given":"A","family":"B"}}'],
    ['JSON in another charset', 'application/json; charset=latin1', '{"name":{"given":"A","family":"B"}}'],
    ['no content type', '', '{"name":{"given":"A","family":"B"}}'],
  ])('answers %s with 415', async (_, contentType, body) => {
    const response = await withoutWrites(t.api, () => {
      const call = t.api.http.post('/patients').set('Authorization', t.p.therapist.auth);
      return (contentType ? call.set('Content-Type', contentType) : call).serialize(asSent).send(Buffer.from(body));
    });
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a strength of 1e-7 with 400 naming the field and the rule', async () => {
    const body = {
      drug: { name: 'sertraline' },
      strength: { value: 1e-7, unit: 'mg' },
      schedule: { timesPerDay: 1, times: ['08:00'] },
      startsAt: '2026-03-01T08:00:00Z',
    };
    const response = await withoutWrites(t.api, () =>
      t.api.http
        .post(`/patients/${t.p.patientId}/medications`)
        .set('Authorization', t.p.prescriber.auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body).replace('1e-7', '0.0000001')),
    );
    expectInvalid(response, 'strength.value', 'maxDecimalPlaces');
  });

  it.each(['+16:00', '-23:59', '+14:01', '+15:59'])('answers an occurredAt offset of %s with 400', async (offset) => {
    const response = await sendRaw(
      sideEffects(),
      JSON.stringify({ symptom: 'nausea', severity: 'mild', occurredAt: `2026-03-01T08:00:00${offset}` }),
    );
    expectInvalid(response, 'occurredAt', 'matches');
  });
});
