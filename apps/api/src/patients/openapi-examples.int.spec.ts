import type { ActorRole } from '@caretrail/domain';
import { useTestApi } from '../testing/harness';

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  example?: unknown;
  enum?: unknown[];
  type?: string;
  format?: string;
  minimum?: number;
  properties?: Record<string, Schema>;
  items?: Schema;
};

/**
 * The body the OpenAPI UI fills in for an operation ("Try it out"): every property with its
 * example, else the first of its values, else a value of its type (an instant is now).
 */
function exampleOf(schema: Schema, schemas: Record<string, Schema>): unknown {
  if (schema.$ref) return exampleOf(schemas[schema.$ref.split('/').pop()!]!, schemas);
  if (schema.allOf?.[0]) return exampleOf(schema.allOf[0], schemas);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  if (schema.properties)
    return Object.fromEntries(Object.entries(schema.properties).map(([name, p]) => [name, exampleOf(p, schemas)]));
  if (schema.type === 'array') return [exampleOf(schema.items ?? {}, schemas)];
  if (schema.format === 'date-time') return new Date().toISOString();
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 0;
  if (schema.type === 'boolean') return true;
  return 'string';
}

/** The first week of care (README, "Try it"), in order, with who sends each step. */
const WEEK: Array<[string, ActorRole | 'patient']> = [
  ['/patients', 'therapist'],
  ['/patients/{patientId}/care-team', 'therapist'],
  ['/patients/{patientId}/care-plan', 'therapist'],
  ['/patients/{patientId}/medications', 'prescriber'],
  ['/patients/{patientId}/doses/missed', 'patient'],
  ['/patients/{patientId}/doses/taken', 'patient'],
  ['/patients/{patientId}/side-effects', 'patient'],
  ['/patients/{patientId}/outcomes', 'patient'],
];

describe('the OpenAPI examples of the first week of care', () => {
  const t = useTestApi({ enrol: false });

  it('are accepted as the OpenAPI UI fills them in, ids passed from step to step', async () => {
    const document = (await t.api.http.get('/docs-json').expect(200)).body;
    const schemas = document.components.schemas as Record<string, Schema>;
    const ids: Record<string, string> = {};
    for (const [path, role] of WEEK) {
      const bodySchema = document.paths[path].post.requestBody.content['application/json'].schema as Schema;
      const example = exampleOf(bodySchema, schemas) as Record<string, unknown>;
      // Ids are what earlier answers gave; the example names the clinician the team gets (dr-priya).
      if ('medicationId' in example) example['medicationId'] = ids['medicationId'];
      if ('suspectedMedicationId' in example) example['suspectedMedicationId'] = ids['medicationId'];
      const userId = role === 'patient' ? ids['patientId']! : role === 'prescriber' ? 'dr-priya' : 'dr-theo';
      const response = await t.api.http
        .post(path.replace('{patientId}', ids['patientId'] ?? ''))
        .set('Authorization', await t.api.bearer(userId, role))
        .send(example);
      expect({ path, example, status: response.status, problem: response.status < 300 ? null : response.body }).toEqual(
        { path, example, status: 201, problem: null },
      );
      if (path === '/patients') ids['patientId'] = response.body.id;
      if (path.endsWith('/medications')) ids['medicationId'] = response.body.id;
    }
  });
});
