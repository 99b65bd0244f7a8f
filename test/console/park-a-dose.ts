import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { testDatabaseUrl } from '@caretrail/event-store/testing';
import { clientFor, type ApiProcess } from '../support/api-process';

/** What `parkADose` made: the parked event and whose it is. */
export interface ParkedDose {
  eventId: string;
  patientId: string;
  medicationId: string;
  therapist: string;
}

/**
 * Makes a real dose park in the adherence model of an API process started with
 * `PROJECTION_POISON_POLICY=park` on PostgreSQL, an event that applies on retry: the way
 * apps/api/src/testing/parked-events.ts does in process (docs/read-models.md, "Parked
 * events"). The patient's stored adherence row loses its `medications` (as a row copied back
 * from an older backup would), so the next dose fails in the model and is parked; a retry
 * re-derives the row from the intact log.
 */
export async function parkADose(api: ApiProcess, schema: string): Promise<ParkedDose> {
  const therapist = await api.bearer('dr-parked', 'therapist');
  const prescriber = await api.bearer('dr-parked-rx', 'prescriber');
  const enrolled = await clientFor(api, therapist).post('/patients', { name: { given: 'Parked', family: 'Dose' } });
  const patientId = String(enrolled.body['id']);
  const team = await clientFor(api, therapist).post(`/patients/${patientId}/care-team`, {
    userId: 'dr-parked-rx',
    role: 'prescriber',
    chosenByPatient: true,
  });
  expect(team.status).toBe(201);
  const plan = await clientFor(api, therapist).post(`/patients/${patientId}/care-plan`, { track: 'integrated' });
  expect(plan.status).toBe(201);
  const prescribed = await clientFor(api, prescriber).post(`/patients/${patientId}/medications`, {
    drug: { name: 'Sertraline' },
    strength: { value: 50, unit: 'mg' },
    schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
    startsAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
  });
  expect({ status: prescribed.status, body: prescribed.body }).toMatchObject({ status: 201 });
  const medicationId = String(prescribed.body['id']);
  const sql = new Client({ connectionString: testDatabaseUrl() });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ active_generation: number }>(
      `SELECT active_generation FROM "${schema}".projections WHERE name = 'adherence'`,
    );
    const table = `"${schema}"."rm_adherence_${rows[0]?.active_generation ?? 1}"`;
    await until(async () => {
      const found = await sql.query<{ found: boolean }>(
        `SELECT doc->'medications' ? $2 AS found FROM ${table} WHERE key = $1`,
        [patientId, medicationId],
      );
      return found.rows[0]?.found === true;
    }, 'the prescription reaches the adherence row');
    await sql.query(`UPDATE ${table} SET doc = doc - 'medications' WHERE key = $1`, [patientId]);
  } finally {
    await sql.end();
  }
  const slot = new Date(Math.floor(Date.now() / 86_400_000 - 1) * 86_400_000 + 8 * 3_600_000).toISOString();
  const patient = clientFor(api, await api.bearer(patientId, 'patient'));
  const dose = await patient.post(`/patients/${patientId}/doses/taken`, {
    medicationId,
    scheduledFor: slot,
    occurredAt: slot,
  });
  expect(dose.status).toBe(201);
  const admin = clientFor(api, await api.bearer('park-admin', 'admin'));
  let eventId = '';
  await until(async () => {
    const parked = await admin.get('/admin/projections/adherence/parked');
    eventId =
      (parked.body['items'] as Array<{ eventId: string; patientId: string }>).find((p) => p.patientId === patientId)
        ?.eventId ?? '';
    return eventId !== '';
  }, 'the dose is parked by adherence');
  return { eventId, patientId, medicationId, therapist };
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(100);
  }
}
