/**
 * Every domain event's data names its patient (`data.patientId`). Time
 * travel reads one patient's events without scanning the log: an
 * expression index on that field, in log order. A plain CREATE INDEX (the
 * migration runs in a transaction, so not CONCURRENTLY): on a large log it
 * holds appends back while it builds, once.
 */
export function patientIndex(s: string): string {
  return `
CREATE INDEX IF NOT EXISTS events_patient ON ${s}.events ((data->>'patientId'), position);
`;
}
