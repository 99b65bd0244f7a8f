import { getMetadataStorage } from 'class-validator';
import { useTestApi } from '../testing/harness';
import * as carePlan from './care-plan/care-plan.dto';
import * as collaboration from './collaboration/collaboration.dto';
import * as corrections from './corrections/corrections.dto';
import * as doses from './doses/doses.dto';
import * as medication from './medication/medication.dto';
import * as outcomes from './outcomes/outcomes.dto';
import * as safety from './safety/safety.dto';
import * as sessions from './sessions/sessions.dto';
import * as therapy from './therapy/therapy.dto';

type Schema = { properties?: Record<string, unknown> };
type Operation = { requestBody?: unknown; responses?: Record<string, unknown> };

/** Every class a body is validated with, from every family's DTO file. */
const bodyClasses = [carePlan, collaboration, corrections, doses, medication, outcomes, safety, sessions, therapy]
  .flatMap((module) => Object.values(module))
  .filter((value): value is new () => object => typeof value === 'function' && value.name.endsWith('Dto'));

describe('the OpenAPI document at /docs-json', () => {
  const t = useTestApi({ enrol: false });
  let schemas: Record<string, Schema>;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    const document = (await t.api.http.get('/docs-json').expect(200)).body;
    schemas = document.components.schemas;
    paths = document.paths;
  });

  it.each(bodyClasses.map((type) => [type.name, type] as const))(
    'describes every validated field of %s',
    (name, type) => {
      const validated = new Set(
        getMetadataStorage()
          .getTargetValidationMetadatas(type, '', true, false)
          .map((m) => m.propertyName),
      );
      expect(validated.size).toBeGreaterThan(0);
      expect(Object.keys(schemas[name]?.properties ?? {}).sort()).toEqual([...validated].sort());
    },
  );

  it('gives every write under /patients a request body and a 201 answer, and the one DELETE neither', () => {
    // Erasure (admin, docs/erasure.md) records no clinical fact: it answers 202, or 200 when repeated.
    const writes = Object.entries(paths)
      .filter(([path]) => path.startsWith('/patients') && path !== '/patients/{patientId}/erasure')
      .flatMap(([path, operations]) =>
        Object.entries(operations).map(([method, operation]) => ({
          route: `${method.toUpperCase()} ${path}`,
          operation,
        })),
      )
      .filter(({ route }) => !route.startsWith('GET '));
    expect(writes).toHaveLength(35);
    expect(paths['/patients/{patientId}/erasure']?.['post']?.responses).toHaveProperty('202');
    for (const { route, operation } of writes) {
      const removal = route.startsWith('DELETE ');
      expect({
        route,
        body: operation.requestBody !== undefined,
        answer: Object.keys(operation.responses ?? {}).find((status) => status.startsWith('2')),
      }).toEqual({
        route,
        body: !removal,
        answer: removal ? '200' : '201',
      });
    }
    expect(writes.filter(({ route }) => route.startsWith('DELETE '))).toHaveLength(1);
  });
});
