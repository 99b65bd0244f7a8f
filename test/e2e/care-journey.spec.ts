import { startApiProcess, clientFor, type ApiProcess } from '../support/api-process';

const DAY = 86_400_000;
const at = (ms: number): string => new Date(ms).toISOString();

/**
 * One patient's week of care through the HTTP API, as the clinic's apps
 * would send it: on PostgreSQL, and once on the embedded store.
 */
describe.each(['postgres', 'pglite'] as const)('a week of care over HTTP on %s', (backend) => {
  let api: ApiProcess;
  beforeAll(async () => {
    api = await startApiProcess(backend);
  });
  afterAll(() => api?.stop());

  it('records enrolment to correction, refusing what breaks a rule', async () => {
    const now = Date.now();
    const therapist = clientFor(api, await api.bearer('dr-theo', 'therapist'));
    const prescriber = clientFor(api, await api.bearer('dr-priya', 'prescriber'));
    const expectCreated = (response: { status: number; body: Record<string, unknown> }) => {
      if (response.status !== 201)
        throw new Error(`expected 201, got ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body as { id?: string; version: number; position: number; eventIds: string[]; streamId: string };
    };

    // Enrolment founds the care team; the patient chose their prescriber.
    const enrolled = expectCreated(
      await therapist.post('/patients', {
        name: { given: 'Grace', family: 'Hopper' },
        timeZone: 'Europe/London',
        occurredAt: at(now - 9 * DAY),
      }),
    );
    const patientId = enrolled.id!;
    const base = `/patients/${patientId}`;
    const patient = clientFor(api, await api.bearer(patientId, 'patient'));
    expectCreated(
      await therapist.post(`${base}/care-team`, { userId: 'dr-priya', role: 'prescriber', chosenByPatient: true }),
    );
    const plan = expectCreated(
      await therapist.post(`${base}/care-plan`, { track: 'integrated', occurredAt: at(now - 9 * DAY) }),
    );
    expectCreated(await therapist.post(`${base}/goals`, { description: 'Return to work three days a week' }));
    expectCreated(
      await therapist.post(`${base}/therapy`, { modality: 'CBT', frequency: { sessions: 1, per: 'week' } }),
    );

    // Only a prescriber on the team prescribes.
    const prescription = {
      drug: { name: 'Sertraline' },
      strength: { value: 50, unit: 'mg' },
      schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: ['08:00'] },
      startsAt: at(now - 8 * DAY),
    };
    expect((await therapist.post(`${base}/medications`, prescription)).status).toBe(403);
    const medicationId = expectCreated(await prescriber.post(`${base}/medications`, prescription)).id!;

    // A week of doses from the patient's phone: on time, one late, one missed.
    const slot = (daysAgo: number): string => at(Math.floor((now - daysAgo * DAY) / DAY) * DAY + 8 * 3_600_000);
    for (const daysAgo of [7, 6, 5, 4]) {
      expectCreated(
        await patient.post(`${base}/doses/taken`, {
          medicationId,
          scheduledFor: slot(daysAgo),
          occurredAt: slot(daysAgo),
        }),
      );
    }
    const late = expectCreated(
      await patient.post(`${base}/doses/taken`, {
        medicationId,
        scheduledFor: slot(3),
        occurredAt: at(Date.parse(slot(3)) + 5 * 3_600_000),
      }),
    );
    expectCreated(
      await patient.post(`${base}/doses/missed`, { medicationId, scheduledFor: slot(2), reason: 'forgot' }),
    );

    // The phone was offline and resends yesterday's dose: same key, same answer, nothing new.
    const resend = { medicationId, scheduledFor: slot(1), occurredAt: slot(1) };
    const first = await patient.post(`${base}/doses/taken`, resend, { 'Idempotency-Key': `dose-${patientId}-1` });
    const retry = await patient.post(`${base}/doses/taken`, resend, { 'Idempotency-Key': `dose-${patientId}-1` });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    // Without the key, the same dose is a duplicate the domain refuses.
    expect((await patient.post(`${base}/doses/taken`, resend)).body).toMatchObject({
      status: 409,
      code: 'DOSE_ALREADY_RECORDED',
    });

    // The prescriber adjusts the dose; a dose for another patient's medication is unknown here.
    expectCreated(
      await prescriber.post(`${base}/medications/${medicationId}/adjustments`, {
        strength: { value: 100, unit: 'mg' },
        schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: ['08:00'] },
        effectiveFrom: at(now - 1 * DAY),
        reason: 'Partial response at 50 mg',
      }),
    );
    expect((await patient.post(`${base}/doses/taken`, { ...resend, medicationId: 'no-such-medication' })).status).toBe(
      404,
    );

    // Sessions: one attended, one the patient did not come to.
    const attendedSession = expectCreated(
      await therapist.post(`${base}/sessions`, {
        kind: 'psychotherapy',
        scheduledFor: at(now + 60_000),
        durationMinutes: 50,
      }),
    ).id!;
    expectCreated(await therapist.post(`${base}/sessions/${attendedSession}/attendance`, {}));
    const missedSession = expectCreated(
      await therapist.post(`${base}/sessions`, {
        kind: 'medication-management',
        scheduledFor: at(now + 90_000),
        durationMinutes: 20,
      }),
    ).id!;
    expectCreated(await therapist.post(`${base}/sessions/${missedSession}/no-show`, { reason: 'No answer by phone' }));

    // A severe side effect, reviewed by the prescriber.
    const sideEffectId = expectCreated(
      await patient.post(`${base}/side-effects`, {
        symptom: 'Nausea most mornings',
        severity: 'severe',
        suspectedMedicationId: medicationId,
        fibser: { frequency: 4, intensity: 4, burden: 5 },
      }),
    ).id!;
    expectCreated(
      await prescriber.post(`${base}/side-effects/${sideEffectId}/reviews`, {
        action: 'dose-adjusted',
        note: 'Take with food',
      }),
    );

    // Questionnaires: totals must match their items (12), else the domain's 422 OUTCOME_TOTAL_MISMATCH (docs/domain.md).
    const phq9 = [2, 2, 1, 2, 1, 1, 2, 1, 0];
    expectCreated(await patient.post(`${base}/outcomes`, { instrument: 'PHQ-9', items: phq9, total: 12 }));
    expectCreated(
      await patient.post(`${base}/outcomes`, { instrument: 'GAD-7', items: [1, 2, 1, 1, 0, 1, 2], total: 8 }),
    );
    expect(
      (await patient.post(`${base}/outcomes`, { instrument: 'PHQ-9', items: phq9, total: 13 })).body,
    ).toMatchObject({
      status: 422,
      code: 'OUTCOME_TOTAL_MISMATCH',
    });

    // The therapist asks the prescriber, who answers.
    const consultationId = expectCreated(
      await therapist.post(`${base}/consultations`, {
        requestedRole: 'prescriber',
        topic: 'Sleep worse since the dose change?',
        urgency: 'routine',
      }),
    ).id!;
    expectCreated(
      await prescriber.post(`${base}/consultations/${consultationId}/answer`, {
        answer: 'Move the dose to the morning.',
      }),
    );

    // Concurrency: a write conditional on a stale version fails its precondition (412) and names the current one.
    const stale = await therapist.post(
      `${base}/care-plan/reviews`,
      { summary: 'Week one reviewed' },
      { 'If-Match': `"${plan.version}"` },
    );
    expect(stale.status).toBe(412);
    const current = stale.headers.get('etag')!;
    expectCreated(
      await therapist.post(`${base}/care-plan/reviews`, { summary: 'Week one reviewed' }, { 'If-Match': current }),
    );

    // The team moves to medication only; therapy sessions can no longer be booked.
    expectCreated(
      await prescriber.post(`${base}/care-plan/track`, {
        track: 'medication-only',
        reason: 'Therapy paused at the patient’s request',
      }),
    );
    const refused = await therapist.post(`${base}/sessions`, {
      kind: 'psychotherapy',
      scheduledFor: at(now + DAY),
      durationMinutes: 50,
    });
    expect(refused.body).toMatchObject({ status: 422, code: 'MEDICATION_ONLY_TRACK_HAS_NO_THERAPY' });

    // The late dose was entered against the wrong slot: marked in error, never deleted.
    expectCreated(
      await patient.post(`${base}/entries/${late.eventIds[0]}/entered-in-error`, {
        stream: late.streamId,
        reason: 'Wrong day selected',
      }),
    );

    // Someone outside the care team learns nothing, not even that the patient exists.
    const outsider = clientFor(api, await api.bearer('dr-other', 'prescriber'));
    const denied = await outsider.post(`${base}/medications`, prescription);
    const unknown = await outsider.post(`/patients/no-such-patient/medications`, prescription);
    expect(denied.status).toBe(403);
    expect({ ...denied.body, instance: undefined, correlationId: undefined }).toEqual({
      ...unknown.body,
      instance: undefined,
      correlationId: undefined,
    });
    expect(JSON.stringify(denied.body)).not.toContain('Grace');
  });
});
