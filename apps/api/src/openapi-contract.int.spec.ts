import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { useTestApi } from './testing/harness';

/** The TypeScript types of the document that the generated-client spec calls the API with. */
const GENERATED = join(__dirname, 'testing', 'api-types.generated.ts');

/**
 * openapi-typescript's own command line, in a Node process of its own: its dependencies are ES
 * modules, which Jest's sandbox does not load through require.
 */
function generateTypes(document: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'caretrail-openapi-'));
  try {
    const source = join(dir, 'openapi.json');
    writeFileSync(source, JSON.stringify(document));
    execFileSync(
      process.execPath,
      [
        join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js'),
        source,
        '-o',
        join(dir, 'api.ts'),
      ],
      {
        stdio: 'pipe',
      },
    );
    return readFileSync(join(dir, 'api.ts'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the OpenAPI document as a contract', () => {
  const t = useTestApi({ enrol: false });
  let document: Record<string, unknown>;

  beforeAll(async () => {
    document = (await t.api.http.get('/docs-json').expect(200)).body;
  });

  it("passes Redocly's recommended ruleset without an error", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
    const errors = problems
      .filter((problem) => problem.severity === 'error')
      .map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`);
    expect(errors).toEqual([]);
  });

  it('declares a server, security on every operation, and problem+json (FHIR: OperationOutcome) for every 4xx', () => {
    expect(document['servers']).toEqual([expect.objectContaining({ url: '/' })]);
    const paths = document['paths'] as Record<string, Record<string, Operation>>;
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        const isPublic = path === '/health' || path === '/asyncapi.json';
        expect({ route, security: operation.security }).toEqual({
          route,
          security: isPublic ? [] : [{ bearer: [] }],
        });
        for (const [status, response] of Object.entries(operation.responses)) {
          const content = Object.keys(response.content ?? {});
          expect({ route, status, content }).toEqual({
            route,
            status,
            // The FHIR API's errors are OperationOutcome resources (docs/fhir.md, "Errors").
            content: status.startsWith('4')
              ? [path.startsWith('/fhir/') ? 'application/fhir+json' : 'application/problem+json']
              : expect.arrayContaining([expect.any(String)]),
          });
        }
      }
    }
  });

  it('matches the committed generated client types', async () => {
    // To regenerate after an API change: UPDATE_API_TYPES=1 with this spec.
    const generated = generateTypes(document);
    if (process.env['UPDATE_API_TYPES'] === '1') writeFileSync(GENERATED, generated);
    expect(readFileSync(GENERATED, 'utf8')).toBe(generated);
  });
});

interface Operation {
  security?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
}
