import { setTimeout as sleep } from 'node:timers/promises';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { parkADoseIn } from '../support/park-a-dose';
import { exampleRequests, withIds, type ExampleRequest, type OpenApiDocument } from '../support/openapi-examples';
import { authorisationMatrix, enrolMatrix, publicEndpoints, type Role } from './authorisation-matrix';

/**
 * Every example of the OpenAPI document, played against the built API as the OpenAPI UI sends it.
 *
 * The id convention: an example shows one realistic id per kind of record (apps/api/src/http/
 * validation/example-ids.ts); this spec replaces it, wherever it occurs, with the id of the record
 * it created (`ids`, keyed by the path parameter's name). Where an operation needs a record in a
 * state the examples cannot produce (a session that is due, a dose adjustment still pending, a
 * finished export), `before` sets that record up and names it in `ids`.
 */

/** The user each role signs in as: dr-theo founds the team, the examples add dr-priya and cm-maria. */
const USERS: Record<Exclude<Role, 'patient'>, string> = {
  therapist: 'dr-theo',
  prescriber: 'dr-priya',
  'care-manager': 'cm-maria',
  'primary-care': 'dr-gp',
  admin: 'admin-1',
  analyst: 'analyst-1',
};

const shape = (endpoint: string): string => endpoint.split('?')[0]!.replace(/\{[^}]+\}/g, '{}');

/** A role the authorisation matrix allows for the operation (the first it lists), or none for a public one. */
function roleFor(operation: string): Role | 'public' {
  if (publicEndpoints.includes(operation)) return 'public';
  if (operation === enrolMatrix.endpoint) return enrolMatrix.allowed[0]!;
  const row = authorisationMatrix.find((r) => shape(r.endpoint) === shape(operation));
  if (!row) throw new Error(`${operation} is not in the authorisation matrix (test/e2e/authorisation-matrix.ts)`);
  return row.team[0] ?? row.anyone?.[0] ?? 'patient';
}

interface Context {
  api: ApiProcess;
  ids: Record<string, string>;
  /** A request as `role` (its user, or the patient), outside the examples. */
  send(role: Role, method: string, path: string, body?: unknown): Promise<Response>;
}

interface Step {
  operation: string;
  before?: (c: Context) => Promise<void>;
  after?: (c: Context, answer: Record<string, unknown>, response: Response) => void;
}

const takeId =
  (name: string) =>
  (c: Context, answer: Record<string, unknown>): void => {
    c.ids[name] = String(answer['id']);
  };

const DAY = 86_400_000;

/** A session that is due now: attendance and no-shows are recorded only once a session's time has come. */
async function dueSession(c: Context): Promise<void> {
  const response = await c.send('therapist', 'POST', `/patients/${c.ids['patientId']}/sessions`, {
    kind: 'psychotherapy',
    scheduledFor: new Date(Date.now() + 60_000).toISOString(),
    durationMinutes: 50,
  });
  c.ids['sessionId'] = String(((await response.json()) as { id: string }).id);
}

/** Two doses of the example medication parked by adherence: `eventId` names the first, `secondParked` the other. */
async function twoParkedDoses(c: Context): Promise<void> {
  const dose = {
    patientId: c.ids['patientId']!,
    medicationId: c.ids['medicationId']!,
    patientBearer: await c.api.bearer(c.ids['patientId']!, 'patient'),
  };
  c.ids['eventId'] = await parkADoseIn(c.api, { ...dose, scheduledFor: '2026-01-13T08:00:00Z' });
  c.ids['secondParked'] = await parkADoseIn(c.api, { ...dose, scheduledFor: '2026-01-14T08:00:00Z' });
}

/**
 * The operations in the order a clinic's records allow: a patient, team and plan before anything
 * else; a medication before its doses; a correction after the dose it corrects; stops before the
 * plan closes; reads after the writes; erasure last. An operation missing here fails the spec.
 */
const STEPS: Step[] = [
  { operation: 'POST /patients', after: takeId('patientId') },
  { operation: 'POST /patients/{patientId}/care-team' },
  { operation: 'POST /patients/{patientId}/care-plan' },
  { operation: 'POST /patients/{patientId}/holistic-context' },
  { operation: 'POST /patients/{patientId}/goals', after: takeId('goalId') },
  { operation: 'POST /patients/{patientId}/goals/{goalId}/revisions' },
  { operation: 'POST /patients/{patientId}/goals/{goalId}/achievement' },
  { operation: 'POST /patients/{patientId}/therapy' },
  { operation: 'POST /patients/{patientId}/therapy/modality' },
  { operation: 'POST /patients/{patientId}/therapy/frequency' },
  { operation: 'POST /patients/{patientId}/medications', after: takeId('medicationId') },
  {
    operation: 'POST /patients/{patientId}/doses/taken',
    after: (c, answer) => void (c.ids['eventId'] = String((answer['eventIds'] as string[])[0])),
  },
  { operation: 'POST /patients/{patientId}/doses/missed' },
  { operation: 'POST /patients/{patientId}/entries/{eventId}/corrections' },
  { operation: 'POST /patients/{patientId}/entries/{eventId}/entered-in-error' },
  { operation: 'POST /patients/{patientId}/side-effects', after: takeId('sideEffectId') },
  { operation: 'POST /patients/{patientId}/side-effects/{sideEffectId}/reviews' },
  { operation: 'POST /patients/{patientId}/side-effects/{sideEffectId}/resolution' },
  { operation: 'POST /patients/{patientId}/outcomes' },
  // An admin lists, reads and retries a parked dose, skips the other, then retries what is left.
  { operation: 'GET /admin/projections/{name}/parked', before: twoParkedDoses },
  { operation: 'GET /admin/projections/{name}/parked/{eventId}' },
  { operation: 'POST /admin/projections/{name}/parked/{eventId}/retry' },
  {
    operation: 'POST /admin/projections/{name}/parked/{eventId}/skip',
    before: async (c) => void (c.ids['eventId'] = c.ids['secondParked']!),
  },
  { operation: 'POST /admin/projections/{name}/parked/retry' },
  { operation: 'POST /patients/{patientId}/medications/{medicationId}/adjustments' },
  {
    operation: 'POST /patients/{patientId}/medications/{medicationId}/adjustments/{adjustmentId}/cancellation',
    // Only an adjustment not yet in effect is withdrawn: one effective next week.
    before: async (c) => {
      const response = await c.send(
        'prescriber',
        'POST',
        `/patients/${c.ids['patientId']}/medications/${c.ids['medicationId']}/adjustments`,
        {
          strength: { value: 150, unit: 'mg' },
          schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: ['08:00'] },
          effectiveFrom: new Date(Date.now() + 7 * DAY).toISOString(),
        },
      );
      c.ids['adjustmentId'] = ((await response.json()) as { eventIds: string[] }).eventIds.at(-1)!;
    },
  },
  { operation: 'POST /patients/{patientId}/sessions', after: takeId('sessionId') },
  { operation: 'POST /patients/{patientId}/sessions/{sessionId}/reschedulings' },
  { operation: 'POST /patients/{patientId}/sessions/{sessionId}/cancellation' },
  { operation: 'POST /patients/{patientId}/sessions/{sessionId}/attendance', before: dueSession },
  { operation: 'POST /patients/{patientId}/sessions/{sessionId}/no-show', before: dueSession },
  { operation: 'POST /patients/{patientId}/consultations', after: takeId('consultationId') },
  { operation: 'POST /patients/{patientId}/consultations/{consultationId}/answer' },
  { operation: 'POST /patients/{patientId}/collaboration-notes' },
  { operation: 'POST /patients/{patientId}/case-reviews' },
  { operation: 'GET /fhir/R4/$export' },
  {
    operation: 'GET /fhir/R4/Group/{groupId}/$export',
    after: (c, _answer, response) =>
      void (c.ids['jobId'] = String(response.headers.get('content-location')).split('/').pop()!),
  },
  { operation: 'GET /fhir/R4/$export-status/{jobId}' },
  {
    operation: 'GET /fhir/R4/$export-file/{jobId}/{file}',
    // A file is there once the export has finished.
    before: async (c) => {
      for (let tries = 0; tries < 100; tries++) {
        const status = await c.send('admin', 'GET', `/fhir/R4/$export-status/${c.ids['jobId']}`);
        if (status.status === 200) return;
        await sleep(100);
      }
    },
  },
  { operation: 'DELETE /fhir/R4/$export-status/{jobId}' },
  { operation: 'POST /patients/{patientId}/care-plan/reviews' },
  {
    operation: 'DELETE /patients/{patientId}/care-team/{userId}',
    before: async (c) => {
      await c.send('therapist', 'POST', `/patients/${c.ids['patientId']}/care-team`, {
        userId: USERS['care-manager'],
        role: 'care-manager',
        chosenByPatient: false,
      });
    },
  },
  { operation: 'POST /patients/{patientId}/care-plan/track' },
  { operation: 'POST /patients/{patientId}/medications/{medicationId}/discontinuation' },
  { operation: 'POST /patients/{patientId}/care-plan/closure' },
  { operation: 'GET /patients' },
  { operation: 'GET /patients/{patientId}' },
  { operation: 'GET /patients/{patientId}/plan' },
  { operation: 'GET /patients/{patientId}/adherence' },
  { operation: 'GET /patients/{patientId}/collaboration' },
  { operation: 'GET /patients/{patientId}/outcomes' },
  { operation: 'GET /registry' },
  { operation: 'GET /fhir/R4/{resourceType}' },
  { operation: 'GET /fhir/R4/{resourceType}/{id}' },
  { operation: 'GET /fhir/R4/{resourceType}/{id}/_history' },
  { operation: 'GET /fhir/R4/{resourceType}/{id}/_history/{versionId}' },
  { operation: 'GET /reports/effectiveness' },
  { operation: 'GET /audit' },
  { operation: 'GET /patients/{patientId}/history' },
  { operation: 'GET /admin/patients/{patientId}/as-of' },
  { operation: 'GET /admin/integrity/anchor' },
  { operation: 'POST /admin/console/views' },
  { operation: 'POST /admin/projections/{name}/pause' },
  { operation: 'POST /admin/projections/{name}/resume' },
  { operation: 'POST /admin/projections/{name}/rebuild' },
  { operation: 'POST /admin/reports/effectiveness' },
  { operation: 'POST /admin/replays' },
  { operation: 'POST /admin/seed' },
  { operation: 'POST /patients/{patientId}/erasure' },
];

/** A long task's NDJSON answer ends in `{"problem": ...}` when it failed, after its 200. */
const taskProblem = (text: string): unknown =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { problem?: unknown })
    .find((line) => line.problem !== undefined)?.problem;

describe('the examples of the OpenAPI document', () => {
  let api: ApiProcess;
  let document: OpenApiDocument;

  beforeAll(async () => {
    api = await startApiProcess('postgres', { PROJECTION_POISON_POLICY: 'park' });
    document = (await (await fetch(`${api.baseUrl}/docs-json`)).json()) as OpenApiDocument;
  });
  afterAll(() => api?.stop());

  it('cover every operation with a body or parameters, each once in the order of play', () => {
    const { requests, missing } = exampleRequests(document);
    expect(missing).toEqual([]);
    expect(STEPS.map((s) => s.operation).sort()).toEqual(requests.map((r) => r.operation).sort());
  });

  it('are accepted, each with a 2xx, ids passed from step to step', async () => {
    const { requests, idExamples } = exampleRequests(document);
    const byOperation = new Map(requests.map((r) => [r.operation, r]));
    const ids: Record<string, string> = {};
    const bearer = async (role: Role): Promise<string> =>
      role === 'patient' ? api.bearer(ids['patientId']!, 'patient') : api.bearer(USERS[role], role);
    const context: Context = {
      api,
      ids,
      send: async (role, method, path, body) =>
        fetch(`${api.baseUrl}${path}`, {
          method,
          headers: { Authorization: await bearer(role), 'Content-Type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
    };
    const answers: Array<{ operation: string; request: ExampleRequest; status: number; problem: unknown }> = [];
    for (const step of STEPS) {
      const example = byOperation.get(step.operation);
      if (!example) continue; // the first test names it
      await step.before?.(context);
      const request = withIds(example, idExamples, ids);
      const role = roleFor(step.operation);
      const query = new URLSearchParams(request.query).toString();
      const response = await fetch(`${api.baseUrl}${request.path}${query ? `?${query}` : ''}`, {
        method: request.method,
        headers: {
          ...request.headers,
          ...(role === 'public' ? {} : { Authorization: await bearer(role) }),
          ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      const json = type.includes('json') && !type.includes('ndjson') && text.startsWith('{');
      const answer = json ? (JSON.parse(text) as Record<string, unknown>) : {};
      const ok = response.status >= 200 && response.status < 300;
      const problem = ok ? (taskProblem(text) ?? null) : json ? answer : text.slice(0, 500);
      answers.push({ operation: step.operation, request, status: response.status, problem });
      if (ok) step.after?.(context, answer, response);
    }
    const refused = answers.filter((a) => a.status >= 300 || a.problem !== null);
    expect(refused).toEqual([]);
    expect(answers).toHaveLength(STEPS.length);
  });
});

describe('the walker of the examples', () => {
  const document: OpenApiDocument = {
    paths: {
      '/patients/{patientId}/doses/taken': {
        post: {
          parameters: [{ name: 'patientId', in: 'path', required: true, schema: { type: 'string', example: 'p-1' } }],
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  properties: {
                    medicationId: { type: 'string' },
                    stream: { type: 'string', example: 'doses-p-1-2026-01' },
                  },
                },
              },
            },
          },
        },
      },
      '/registry': { get: { parameters: [{ name: 'limit', in: 'query', schema: { type: 'number' } }] } },
      '/health': { get: {} },
    },
  };

  it('names every value without an example, and leaves out operations with nothing to fill in', () => {
    const { requests, missing } = exampleRequests(document);
    expect(missing).toEqual([
      'POST /patients/{patientId}/doses/taken: body.medicationId',
      'GET /registry: query parameter limit',
    ]);
    expect(requests.map((r) => r.operation)).toEqual(['POST /patients/{patientId}/doses/taken', 'GET /registry']);
  });

  it('puts the created ids in place of the examples, inside stream names too', () => {
    const { requests, idExamples } = exampleRequests(document);
    const request = withIds(requests[0]!, idExamples, { patientId: 'real-7' });
    expect(request.path).toBe('/patients/real-7/doses/taken');
    expect(request.body).toEqual({ stream: 'doses-real-7-2026-01' });
  });
});
