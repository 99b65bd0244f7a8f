import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { testDatabaseUrl } from '@caretrail/event-store/testing';
import type { ApiProcess } from './api-process';

/**
 * Makes a dose park in a built API process on PostgreSQL started with `PROJECTION_POISON_POLICY:
 * 'park'`, the way apps/api/src/testing/parked-events.ts does in-process: the patient's stored
 * adherence row loses its `medications` (as a row copied back from an older backup would), so the
 * next dose fails in the model and is parked; a retry re-derives the row from the log and the dose
 * applies (docs/read-models.md, "Parked events"). Answers the parked event's id.
 */
export async function parkADoseIn(
  api: ApiProcess,
  dose: { patientId: string; medicationId: string; scheduledFor: string; patientBearer: string },
): Promise<string> {
  if (!api.schema) throw new Error('parkADoseIn needs an API process on PostgreSQL');
  const schema = `"${api.schema}"`;
  const sql = new Client({ connectionString: testDatabaseUrl() });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ active_generation: number }>(
      `SELECT active_generation FROM ${schema}.projections WHERE name = 'adherence'`,
    );
    const table = `${schema}."rm_adherence_${rows[0]?.active_generation ?? 1}"`;
    await until(async () => {
      // The prescription has reached the row, or an earlier call already took the medications away.
      const found = await sql.query(
        `SELECT 1 FROM ${table} WHERE key = $1 AND (NOT doc ? 'medications' OR doc->'medications' ? $2)`,
        [dose.patientId, dose.medicationId],
      );
      return found.rowCount === 1;
    }, 'the prescription reaches the adherence row');
    await sql.query(`UPDATE ${table} SET doc = doc - 'medications' WHERE key = $1`, [dose.patientId]);
    const response = await fetch(`${api.baseUrl}/patients/${dose.patientId}/doses/taken`, {
      method: 'POST',
      headers: { Authorization: dose.patientBearer, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        medicationId: dose.medicationId,
        scheduledFor: dose.scheduledFor,
        occurredAt: dose.scheduledFor,
      }),
    });
    if (response.status !== 201) throw new Error(`the dose was refused: ${response.status} ${await response.text()}`);
    const { eventIds } = (await response.json()) as { eventIds: string[] };
    const eventId = eventIds[0]!;
    await until(async () => {
      const parked = await sql.query(`SELECT 1 FROM ${schema}.parked_events WHERE event_id = $1`, [eventId]);
      return parked.rowCount === 1;
    }, `the dose ${eventId} is parked`);
    return eventId;
  } finally {
    await sql.end();
  }
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(50);
  }
}
