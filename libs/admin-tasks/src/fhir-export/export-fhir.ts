import {
  decryptEvents,
  decodeStoredEvent,
  isDomainEvent,
  isErasureEvent,
  type PatientKeyReader,
} from '@caretrail/care-log';
import { START, checkpointOf, type EventStore, type StoredEvent } from '@caretrail/event-store';
import {
  exportedResources,
  PatientResources,
  withheldEvent,
  type ExportRequest,
  type FhirSourceEvent,
} from '@caretrail/fhir';
import type { Pseudonymizer } from '../report/pseudonyms';

const READ_BATCH = 1000;
/** Reads every sealed field as erased: what a pseudonymous export sees of personal data. */
const NO_KEYS: PatientKeyReader = { get: () => Promise.resolve(null) };

export interface FhirExportPorts {
  readonly store: EventStore;
  /** Opens personal data for an identified export (docs/erasure.md); a pseudonymous one never calls it. */
  readonly open: (events: readonly StoredEvent[]) => Promise<StoredEvent[]>;
  /** Required when the request pseudonymises: the effectiveness report's pseudonyms (docs/analytics.md). */
  readonly pseudonyms?: Pseudonymizer;
}

export interface FhirExportRun {
  /** Events recorded up to this instant are exported: one consistent cut of the log. */
  readonly transactionTime: string;
  /** One resource, as its NDJSON line (with the newline), for the file of its type. */
  readonly write: (type: string, line: string) => Promise<void> | void;
  readonly progress?: (patientsDone: number, patientsTotal: number) => void;
  /** Checked between patients: true stops the export. */
  readonly cancelled?: () => boolean;
}

/** A stored event as the FHIR fold reads it: decoded, with who and why from its metadata. */
export function fhirSourceOf(stored: StoredEvent): FhirSourceEvent {
  const { event, meta } = decodeStoredEvent(stored);
  const extra = stored.metadata.extra ?? {};
  return {
    event,
    meta: {
      eventId: meta.eventId,
      position: meta.position,
      recordedAt: meta.recordedAt,
      occurredAt: meta.occurredAt,
      actor: stored.metadata.actor ? { userId: stored.metadata.actor.userId, role: stored.metadata.actor.role } : null,
      correlationId: stored.metadata.correlationId ?? null,
      causationId: stored.metadata.causationId ?? null,
      command: typeof extra['command'] === 'string' ? extra['command'] : null,
    },
  };
}

/**
 * The FHIR Bulk export of the log (docs/fhir.md, "Bulk export"): the
 * patients are listed from their enrolments in the global order, then each
 * is read through the patient index, folded and written, one at a time, so
 * memory holds one patient's resources and the list of ids however long the
 * log. A pseudonymous export never opens personal data: sealed fields read
 * as if the key were gone (their kind kept), then are withheld, and the
 * patient id becomes its pseudonym.
 */
export async function exportFhir(
  ports: FhirExportPorts,
  request: ExportRequest,
  run: FhirExportRun,
): Promise<{ patients: number; resources: number }> {
  if (request.pseudonymise && !ports.pseudonyms) throw new Error('a pseudonymous export needs the pseudonym key');
  const patients = await patientIds(ports.store, run);
  let resources = 0;
  for (const [i, patientId] of patients.entries()) {
    if (run.cancelled?.()) break;
    const stored = await ports.store.readPatient(patientId, { recordedUntil: run.transactionTime });
    const opened = request.pseudonymise ? await decryptEvents(stored, NO_KEYS) : await ports.open(stored);
    const sources = opened
      .filter(isDomainEvent)
      .map(fhirSourceOf)
      .map((source) => (request.pseudonymise ? { ...source, event: withheldEvent(source.event) } : source));
    const pseudonym =
      request.pseudonymise && ports.pseudonyms
        ? { of: ports.pseudonyms.pseudonymOf(patientId), keyId: ports.pseudonyms.keyId }
        : undefined;
    const exported = exportedResources(PatientResources.of(patientId, sources), request, {
      pseudonym,
      erased: stored.some(isErasureEvent),
    });
    for (const { type, resource } of exported) await run.write(type, `${JSON.stringify(resource)}\n`);
    resources += exported.length;
    run.progress?.(i + 1, patients.length);
  }
  return { patients: patients.length, resources };
}

/** Every enrolled patient up to the cut, in the order of the log, read in batches. */
async function patientIds(store: EventStore, run: FhirExportRun): Promise<string[]> {
  const ids = new Set<string>();
  let after = START;
  for (;;) {
    if (run.cancelled?.()) return [];
    const batch = await store.readAll({ after, limit: READ_BATCH });
    for (const event of batch)
      if (event.type === 'PatientEnrolled' && event.recordedAt <= run.transactionTime)
        ids.add(String(event.data['patientId']));
    if (batch.length === 0) return [...ids];
    after = checkpointOf(batch[batch.length - 1]!);
  }
}
