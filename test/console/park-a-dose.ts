import { clientFor, type ApiProcess } from '../support/api-process';
import { parkADoseIn } from '../support/park-a-dose';

/** What `parkADose` made: the parked event and whose it is. */
export interface ParkedDose {
  eventId: string;
  patientId: string;
  medicationId: string;
  therapist: string;
}

/**
 * Makes a real dose park in the adherence model of an API process started with
 * `PROJECTION_POISON_POLICY=park` on PostgreSQL, an event that applies on retry: a patient of
 * their own with a medication, then test/support/park-a-dose.ts.
 */
export async function parkADose(api: ApiProcess): Promise<ParkedDose> {
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
  const slot = new Date(Math.floor(Date.now() / 86_400_000 - 1) * 86_400_000 + 8 * 3_600_000).toISOString();
  const eventId = await parkADoseIn(api, {
    patientId,
    medicationId,
    scheduledFor: slot,
    patientBearer: await api.bearer(patientId, 'patient'),
  });
  return { eventId, patientId, medicationId, therapist };
}
