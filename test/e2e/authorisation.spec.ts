import { clientFor, startApiProcess, type ApiProcess, type JsonResponse } from '../support/api-process';
import {
  authorisationMatrix,
  enrolMatrix,
  publicEndpoints,
  type MatrixRow,
  type Role,
  type TeamRole,
} from './authorisation-matrix';

const DAY = 86_400_000;
const at = (ms: number): string => new Date(ms).toISOString();
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

type Caller = { label: string; userId: string; role: Role; onTeam: boolean; self?: boolean };

/** Every endpoint x every role x on the patient's care team or not, against authorisation-matrix.ts. */
describe('the authorisation matrix', () => {
  let api: ApiProcess;
  const ids: Record<string, string> = {};
  const now = Date.now();
  const slot = at(Math.floor((now - 2 * DAY) / DAY) * DAY + 8 * 3_600_000);

  const teamRoles: TeamRole[] = ['therapist', 'prescriber', 'primary-care', 'care-manager'];
  const callers = (): Caller[] => [
    ...teamRoles.map((role) => ({ label: `${role} on the team`, userId: `team-${role}`, role, onTeam: true })),
    ...teamRoles.map((role) => ({ label: `${role} off the team`, userId: `other-${role}`, role, onTeam: false })),
    { label: 'the patient', userId: ids['patientId']!, role: 'patient', onTeam: false, self: true },
    { label: 'another patient', userId: 'someone-else', role: 'patient', onTeam: false },
    { label: 'admin', userId: 'admin-1', role: 'admin', onTeam: false },
    { label: 'analyst', userId: 'analyst-1', role: 'analyst', onTeam: false },
  ];

  const bodies = (): Record<string, unknown> => ({
    'POST /admin/projections/{projection}/parked/{doseEventId}/skip': { reason: 'Checked by hand.' },
    'POST /patients/{patientId}/care-plan': { track: 'integrated' },
    'POST /patients/{patientId}/care-plan/reviews': { summary: 'Reviewed' },
    'POST /patients/{patientId}/care-team': {
      userId: `member-${Math.random().toString(36).slice(2)}`,
      role: 'care-manager',
      chosenByPatient: false,
    },
    'POST /patients/{patientId}/goals': { description: 'Sleep seven hours' },
    'POST /patients/{patientId}/goals/{goalId}/revisions': { description: 'Sleep six hours' },
    'POST /patients/{patientId}/goals/{goalId}/achievement': {},
    'POST /patients/{patientId}/holistic-context': { lifestyle: 'Walks daily' },
    'POST /patients/{patientId}/therapy': { modality: 'DBT', frequency: { sessions: 1, per: 'week' } },
    'POST /patients/{patientId}/therapy/modality': { modality: 'CBT' },
    'POST /patients/{patientId}/therapy/frequency': { frequency: { sessions: 2, per: 'month' } },
    'POST /patients/{patientId}/medications': {
      drug: { name: 'Fluoxetine' },
      strength: { value: 20, unit: 'mg' },
      schedule: { timesPerDay: 1, daysOfWeek: EVERY_DAY },
      startsAt: at(now - 5 * DAY),
    },
    'POST /patients/{patientId}/medications/{medicationId}/adjustments': {
      strength: { value: 75, unit: 'mg' },
      schedule: { timesPerDay: 1, daysOfWeek: EVERY_DAY },
      effectiveFrom: at(now),
      // The adjustment set up below is still pending and effective later: it stands.
      pendingAdjustments: 'keep',
    },
    'POST /patients/{patientId}/medications/{medicationId}/adjustments/{adjustmentId}/cancellation': {
      reason: 'Titration no longer needed',
    },
    'POST /patients/{patientId}/doses/taken': {
      medicationId: ids['medicationId'],
      scheduledFor: at(Date.parse(slot) - DAY),
      occurredAt: at(Date.parse(slot) - DAY),
    },
    'POST /patients/{patientId}/doses/missed': {
      medicationId: ids['medicationId'],
      scheduledFor: at(Date.parse(slot) - 2 * DAY),
    },
    'POST /patients/{patientId}/sessions': {
      kind: 'psychotherapy',
      scheduledFor: at(now + 3 * DAY),
      durationMinutes: 50,
    },
    'POST /patients/{patientId}/sessions/{sessionId}/reschedulings': { scheduledFor: at(now + 4 * DAY) },
    'POST /patients/{patientId}/sessions/{sessionId}/attendance': {},
    'POST /patients/{patientId}/sessions/{sessionId}/no-show': {},
    'POST /patients/{patientId}/sessions/{sessionId}/cancellation': {
      cancelledBy: 'clinician',
      reason: 'Clinician ill',
    },
    'POST /patients/{patientId}/side-effects': { symptom: 'Headache', severity: 'mild' },
    'POST /patients/{patientId}/side-effects/{sideEffectId}/reviews': { action: 'monitor' },
    'POST /patients/{patientId}/side-effects/{sideEffectId}/resolution': {},
    'POST /patients/{patientId}/outcomes': { instrument: 'GAD-7', items: [1, 1, 1, 1, 1, 1, 1], total: 7 },
    'POST /patients/{patientId}/consultations': {
      requestedRole: 'prescriber',
      topic: 'Dose timing',
      urgency: 'routine',
    },
    'POST /patients/{patientId}/consultations/{consultationId}/answer': { answer: 'Mornings' },
    'POST /patients/{patientId}/collaboration-notes': { body: 'Patient engaged well' },
    'POST /patients/{patientId}/case-reviews': {
      attendees: [{ userId: 'team-therapist', role: 'therapist' }],
      decisions: ['Continue'],
    },
    'POST /patients/{patientId}/entries/{doseEventId}/corrections': {
      stream: ids['doseStream'],
      changes: [{ field: 'occurredAt', value: at(Date.parse(slot) + 600_000) }],
      reason: 'Time entered wrongly',
    },
    'POST /patients/{patientId}/entries/{doseEventId}/entered-in-error': {
      stream: ids['doseStream'],
      reason: 'Duplicate',
    },
    'POST /patients/{patientId}/care-plan/track': { track: 'medication-only', reason: 'Therapy paused' },
    'POST /patients/{patientId}/medications/{medicationId}/discontinuation': { reason: 'patient-choice' },
    'POST /patients/{patientId}/care-plan/closure': { reason: 'completed' },
    'POST /patients/{patientId}/erasure': { reason: 'GDPR Art. 17 request 2026-041' },
    'POST /admin/seed': { patients: 1, days: 3, seed: `matrix-${Math.random().toString(36).slice(2)}` },
    'POST /admin/console/views': { page: 'projections' },
    'POST /admin/replays': { to: at(now), into: 'matrix', models: ['adherence'] },
    'POST /admin/reports/effectiveness': { from: '2026-01-01', to: '2026-12-31' },
  });

  beforeAll(async () => {
    api = await startApiProcess('postgres');
    const as = async (userId: string, role: Parameters<ApiProcess['bearer']>[1]) =>
      clientFor(api, await api.bearer(userId, role));
    const created = (r: JsonResponse): JsonResponse['body'] => {
      if (r.status !== 201) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const therapist = await as('team-therapist', 'therapist');
    const prescriber = await as('team-prescriber', 'prescriber');
    const patientId = created(await therapist.post('/patients', { name: { given: 'Matrix', family: 'Patient' } }))[
      'id'
    ];
    ids['patientId'] = patientId;
    const base = `/patients/${patientId}`;
    for (const [userId, role] of [
      ['team-prescriber', 'prescriber'],
      ['team-primary-care', 'primary-care'],
      ['team-care-manager', 'care-manager'],
      ['removable', 'therapist'],
    ]) {
      created(await therapist.post(`${base}/care-team`, { userId, role, chosenByPatient: true }));
    }
    created(await therapist.post(`${base}/care-plan`, { track: 'integrated' }));
    ids['goalId'] = created(await therapist.post(`${base}/goals`, { description: 'Walk daily' }))['id'];
    ids['medicationId'] = created(
      await prescriber.post(`${base}/medications`, {
        drug: { name: 'Sertraline' },
        strength: { value: 50, unit: 'mg' },
        schedule: { timesPerDay: 1, daysOfWeek: EVERY_DAY },
        startsAt: at(now - 10 * DAY),
      }),
    )['id'];
    ids['adjustmentId'] = created(
      await prescriber.post(`${base}/medications/${ids['medicationId']}/adjustments`, {
        strength: { value: 100, unit: 'mg' },
        schedule: { timesPerDay: 1, daysOfWeek: EVERY_DAY },
        effectiveFrom: at(now + 30 * DAY),
      }),
    )['eventIds'][0];
    ids['sessionId'] = created(
      await therapist.post(`${base}/sessions`, {
        kind: 'psychotherapy',
        scheduledFor: at(now + 60_000),
        durationMinutes: 50,
      }),
    )['id'];
    const patient = await as(patientId, 'patient');
    ids['sideEffectId'] = created(
      await patient.post(`${base}/side-effects`, { symptom: 'Dry mouth', severity: 'mild' }),
    )['id'];
    ids['consultationId'] = created(
      await therapist.post(`${base}/consultations`, {
        requestedRole: 'prescriber',
        topic: 'Sleep',
        urgency: 'routine',
      }),
    )['id'];
    const dose = created(
      await patient.post(`${base}/doses/taken`, {
        medicationId: ids['medicationId'],
        scheduledFor: slot,
        occurredAt: slot,
      }),
    );
    ids['doseEventId'] = dose['eventIds'][0];
    ids['doseStream'] = dose['streamId'];
    ids['removableUserId'] = 'removable';
    ids['projection'] = 'adherence';
    const exported = await fetch(`${api.baseUrl}/fhir/R4/$export?_type=Patient`, {
      headers: { Authorization: await api.bearer('admin-1', 'admin'), Prefer: 'respond-async' },
    });
    ids['exportJob'] = (exported.headers.get('content-location') ?? '').split('/').pop()!;
  });
  afterAll(() => api?.stop());

  /** Placeholders that name no record (FHIR types, a version, a group): not secrets an error could leak. */
  const fixed: Record<string, string> = {
    fhirSearchType: 'Observation',
    fhirPatientType: 'Patient',
    fhirAuditType: 'AuditEvent',
    firstVersion: '1',
    exportGroup: 'all',
    exportFile: 'Patient.ndjson',
  };

  const pathOf = (endpoint: string, patientId: string): [string, string] => {
    const [method, template] = endpoint.split(' ') as [string, string];
    return [
      method,
      template.replace(/\{(\w+)\}/g, (_, name: string) =>
        name === 'patientId' ? patientId : (fixed[name] ?? ids[name]!),
      ),
    ];
  };

  /** Any answer, JSON or an export, as text and (when JSON) parsed. */
  const send = async (
    method: string,
    path: string,
    auth: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string; body: Record<string, unknown> }> => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { Authorization: auth, 'Content-Type': 'application/json', ...headers },
      // A DELETE carries no body (its reason is in the query).
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: JSON.stringify(body ?? {}) }),
    });
    const text = await response.text();
    const json =
      /^application\/(problem\+|fhir\+)?json/.test(response.headers.get('content-type') ?? '') && text
        ? (JSON.parse(text) as Record<string, unknown>)
        : {};
    return { status: response.status, text, body: json };
  };

  const allowedFor = (row: MatrixRow, caller: Caller): boolean =>
    (row.anyone ?? []).includes(caller.role) ||
    (caller.onTeam && (row.team as readonly string[]).includes(caller.role)) ||
    (caller.self === true && row.patientSelf);

  it.each(authorisationMatrix.map((row) => [row.endpoint, row] as const))('%s', async (_, row) => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const caller of callers()) {
      const [method, path] = pathOf(row.endpoint, ids['patientId']!);
      const body = bodies()[row.endpoint];
      // Bulk export clients ask for the asynchronous pattern (docs/fhir.md).
      const headers: Record<string, string> = path.includes('$export') ? { Prefer: 'respond-async' } : {};
      const response = await send(method, path, await api.bearer(caller.userId, caller.role), body, headers);
      expected.push(`${caller.label}: ${allowedFor(row, caller) ? 'allowed' : 'denied'}`);
      const denied = response.status === 403;
      outcomes.push(
        `${caller.label}: ${denied ? 'denied' : response.status === 401 || response.status === 400 ? `status ${response.status}` : 'allowed'}`,
      );
      if (denied && path.startsWith('/fhir/')) {
        // The FHIR API says the same as an OperationOutcome.
        expect(response.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
        if (row.kind === 'read') expect(response.text).toContain('You are not permitted to do this for this patient.');
      } else if (denied) {
        expect(response.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
        // A refusal of anything about a patient says nothing about them.
        if (row.kind === 'write' || row.kind === 'read')
          expect(response.body['detail']).toMatch(/^You are not permitted to do this for this patient\.( Only .+\.)?$/);
      }
      if (response.status >= 400) {
        // No error names the patient, their team, or an id the caller did not send.
        const secrets = [
          'Matrix',
          ...Object.values(ids).filter((id) => !`${path} ${JSON.stringify(body ?? {})}`.includes(id)),
          'team-therapist',
          'team-prescriber',
          'team-primary-care',
          'team-care-manager',
        ];
        for (const secret of secrets.filter((x) => x !== caller.userId)) {
          expect({
            endpoint: row.endpoint,
            caller: caller.label,
            leaked: response.text.includes(secret) ? secret : null,
          }).toEqual({
            endpoint: row.endpoint,
            caller: caller.label,
            leaked: null,
          });
        }
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('answers a stale If-Match from outside the team with 403, never 412 and the version', async () => {
    const outsider = await api.bearer('other-therapist', 'therapist');
    const writes = authorisationMatrix.filter((row) => row.kind === 'write');
    const outcomes: string[] = [];
    for (const row of writes) {
      const [method, path] = pathOf(row.endpoint, ids['patientId']!);
      const response = await send(method, path, outsider, bodies()[row.endpoint], { 'If-Match': '"999"' });
      outcomes.push(`${row.endpoint}: ${response.status} ${response.body['code'] ?? ''}`);
    }
    expect(outcomes).toEqual(writes.map((row) => `${row.endpoint}: 403 FORBIDDEN`));
  });

  it('lists every endpoint of the API in the matrix', async () => {
    const openApi = (await (await fetch(`${api.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const served = Object.entries(openApi.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`),
    );
    const listed = new Set(
      [...authorisationMatrix.map((row) => row.endpoint), enrolMatrix.endpoint].map((e) =>
        e.split('?')[0]!.replace(/\{[^}]+\}/g, '{}'),
      ),
    );
    expect(served.filter((endpoint) => !publicEndpoints.includes(endpoint) && !listed.has(endpoint))).toEqual([]);
  });

  it('lets any clinician enrol a patient, and nobody else', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const role of [
      'therapist',
      'prescriber',
      'primary-care',
      'care-manager',
      'patient',
      'admin',
      'analyst',
    ] as const) {
      const client = clientFor(api, await api.bearer(`enroller-${role}`, role));
      const response = await client.post('/patients', { name: { given: 'New', family: 'Patient' } });
      outcomes.push(
        `${role}: ${response.status === 201 ? 'allowed' : response.status === 403 ? 'denied' : response.status}`,
      );
      expected.push(`${role}: ${(enrolMatrix.allowed as readonly string[]).includes(role) ? 'allowed' : 'denied'}`);
    }
    expect(outcomes).toEqual(expected);
  });

  it('refuses every request without a valid token, naming the problem', async () => {
    const anonymous = clientFor(api, 'Bearer not-a-token');
    const response = await anonymous.post(`/patients/${ids['patientId']}/goals`, { description: 'x' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });
});
