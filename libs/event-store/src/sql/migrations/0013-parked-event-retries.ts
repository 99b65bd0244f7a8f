/**
 * Retry requests for parked events (docs/read-models.md, "Parked events"). The process that
 * receives a retry (an API with RUN_PROJECTIONS=false) often holds no shard: it records who asked,
 * when, for which event and patient, and the process holding the patient's shard carries the
 * request out between two of its batches, recording the outcome (`applied`, `still-failing` with
 * the error, or `skipped` when an operator skipped the event meanwhile) and which process did it.
 * At most one request per event is pending: asking again joins it.
 */
export function parkedEventRetries(s: string): string {
  return `
CREATE TABLE ${s}.parked_event_retries (
  id             bigserial PRIMARY KEY,
  projection     text NOT NULL,
  generation     integer NOT NULL,
  event_id       uuid NOT NULL,
  patient_id     text NOT NULL,
  requested_by   text NOT NULL,
  requested_at   timestamptz NOT NULL DEFAULT now(),
  carried_out_at timestamptz,
  carried_out_by text,
  outcome        text CHECK (outcome IN ('applied', 'still-failing', 'skipped')),
  error          text,
  CHECK ((carried_out_at IS NULL) = (outcome IS NULL))
);

CREATE UNIQUE INDEX parked_event_retries_pending
  ON ${s}.parked_event_retries (projection, generation, event_id) WHERE carried_out_at IS NULL;
`;
}
