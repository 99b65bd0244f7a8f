/**
 * Parked events as an operator sees them (docs/read-models.md, "Parked events"): the event's
 * stream, patient, type and recording time, kept when it is parked so a list needs no read of the
 * log; and what the operator decided: skipped (by whom, when, why: the event stays unapplied), and
 * when it was last retried. A retry that succeeds deletes the row; one that fails again keeps it
 * with the new error. Rows parked before this migration take the event's facts from the log table
 * (left null when the log lives in KurrentDB).
 */
export function parkedEventDecisions(s: string): string {
  return `
ALTER TABLE ${s}.parked_events
  ADD COLUMN stream_id       text,
  ADD COLUMN patient_id      text,
  ADD COLUMN event_type      text,
  ADD COLUMN recorded_at     timestamptz(3),
  ADD COLUMN skipped_by      text,
  ADD COLUMN skipped_at      timestamptz,
  ADD COLUMN skip_reason     text,
  ADD COLUMN last_retried_at timestamptz;

UPDATE ${s}.parked_events AS p
SET stream_id = e.stream_id, patient_id = e.data->>'patientId', event_type = e.event_type, recorded_at = e.recorded_at
FROM ${s}.events AS e
WHERE e.event_id = p.event_id;

CREATE INDEX parked_events_patient ON ${s}.parked_events (projection, generation, patient_id);
`;
}
