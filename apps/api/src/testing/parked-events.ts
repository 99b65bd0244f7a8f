import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { streams } from '@caretrail/domain';
import type { ParkedEvent, ProjectionHost } from '@caretrail/projections';
import { PROJECTION_HOST } from '../http/tokens';
import { daysAgo, enrolTestPatient, prescribeTestMedication, type TestPatient } from './care-setup';
import type { TestApi } from './test-api';

/** What `parkADose` made: the parked event and whose it is. */
export interface ParkedDose {
  projection: 'adherence';
  eventId: string;
  patient: TestPatient;
  medicationId: string;
}

/**
 * Makes a real event park in a running test API (started with `PROJECTION_POISON_POLICY: 'park'`),
 * an event that succeeds on retry. The cause is one the projector meets in practice: the patient's
 * stored adherence row no longer has the shape this release folds into (here its `medications` are
 * gone, as in a row copied back from an older backup or edited by hand), so the next dose fails in
 * the model (`detailKeysOf` reads the row's medications) and is parked. The log is intact: a retry
 * re-derives the patient's rows from it (docs/read-models.md, "Parked events"), and the dose applies.
 * Works on PostgreSQL and on the embedded store (the test opens the API's own database handle).
 */
export async function parkADose(api: TestApi): Promise<ParkedDose> {
  const patient = await enrolTestPatient(api);
  const medicationId = await prescribeTestMedication(api, patient, daysAgo(3));
  const host = api.app.get<ProjectionHost>(PROJECTION_HOST);
  const { table } = await host.activeTable('adherence');
  await until(async () => {
    const { rows } = await api.sql.query<{ found: boolean }>(
      `SELECT doc->'medications' ? $2 AS found FROM ${table} WHERE key = $1`,
      [patient.patientId, medicationId],
    );
    return rows[0]?.found === true;
  }, 'the prescription reaches the adherence row');
  await api.sql.query(`UPDATE ${table} SET doc = doc - 'medications' WHERE key = $1`, [patient.patientId]);
  const slot = new Date(Math.floor(Date.now() / 86_400_000 - 1) * 86_400_000 + 8 * 3_600_000).toISOString();
  const dose = await api.http
    .post(`/patients/${patient.patientId}/doses/taken`)
    .set('Authorization', patient.patient.auth)
    .send({ medicationId, scheduledFor: slot, occurredAt: slot });
  if (dose.status !== 201) throw new Error(`the dose was refused: ${dose.status} ${JSON.stringify(dose.body)}`);
  const parked = await parkedOf(host, 'adherence', patient.patientId);
  return { projection: 'adherence', eventId: parked.eventId, patient, medicationId };
}

/**
 * An OutcomeMeasured whose items are not a list (written around the API's validation): the registry
 * cannot fold it whatever the rows, so it is parked and a retry fails again.
 */
export async function parkAnUnreadableOutcome(api: TestApi): Promise<{ eventId: string; patientId: string }> {
  const { patientId } = await enrolTestPatient(api);
  const occurredAt = new Date().toISOString();
  const eventId = randomUUID();
  await api.store.append(
    streams.outcomes(patientId, occurredAt),
    [{ eventId, type: 'OutcomeMeasured', data: { patientId, instrument: 'PHQ-9', items: 5, total: 5, occurredAt } }],
    { expectedVersion: 'any' },
  );
  await parkedOf(api.app.get<ProjectionHost>(PROJECTION_HOST), 'registry', patientId);
  return { eventId, patientId };
}

/** Waits until a read model has parked an event of this patient, and answers it. */
export async function parkedOf(host: ProjectionHost, projection: string, patientId: string): Promise<ParkedEvent> {
  let found: ParkedEvent | undefined;
  await until(async () => {
    found = (await host.parkedEvents(projection, { limit: 200 })).find((p) => p.patientId === patientId);
    return found !== undefined;
  }, `an event of ${patientId} is parked by ${projection}`);
  return found!;
}

/** Waits until `condition` holds, polling; fails naming `what` after `timeoutMs`. */
export async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(50);
  }
}
