import { isEventType, redactPersonalData, type DomainEvent } from '@caretrail/domain';
import type { StoredEvent } from '@caretrail/event-store';

export interface HistoryLink {
  eventId: string;
  type: string;
  /** Where the linked event sits in the global order; null when it is not in this patient's log. */
  position: number | null;
}

export interface HistoryEntry {
  position: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  streamVersion: number;
  recordedAt: string;
  occurredAt: string | null;
  /** Who: the acting user and role. */
  actor: { userId: string; role: string } | null;
  /** Why: the request (correlation), what caused it, the command it answered. */
  correlationId: string | null;
  causationId: string | null;
  command: string | null;
  clientAddress: string | null;
  data: unknown;
  /** A correction or entered-in-error mark: the entry it amends. */
  amends: (HistoryLink & { kind: 'correction' | 'entered-in-error' }) | null;
  /** Corrections and entered-in-error marks that amend this entry. */
  amendedBy: Array<HistoryLink & { kind: 'correction' | 'entered-in-error' }>;
}

export interface PatientHistory {
  patientId: string;
  personalData: 'redacted' | 'included';
  events: HistoryEntry[];
}

const AMENDMENTS = { EntryCorrected: 'correction', EntryEnteredInError: 'entered-in-error' } as const;

/**
 * One patient's full trail, in the global order, with every amendment linked
 * both ways. Personal data fields (libs/domain `personalDataFields`) are set
 * to null unless `includePersonalData` (docs/audit.md says why).
 */
export function patientHistory(
  patientId: string,
  events: readonly StoredEvent[],
  includePersonalData: boolean,
): PatientHistory {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const amendedBy = new Map<string, HistoryEntry['amendedBy']>();
  const amends = new Map<string, NonNullable<HistoryEntry['amends']>>();
  for (const event of events) {
    const kind = AMENDMENTS[event.type as keyof typeof AMENDMENTS];
    if (!kind) continue;
    const targetId = String(event.data['eventId']);
    const target = byId.get(targetId);
    amends.set(event.eventId, {
      eventId: targetId,
      type: target?.type ?? String(event.data['eventType'] ?? 'unknown'),
      position: target?.position ?? null,
      kind,
    });
    const links = amendedBy.get(targetId) ?? [];
    links.push({ eventId: event.eventId, type: event.type, position: event.position, kind });
    amendedBy.set(targetId, links);
  }
  return {
    patientId,
    personalData: includePersonalData ? 'included' : 'redacted',
    events: events.map((event) => {
      const metadata = event.metadata;
      const extra = metadata.extra ?? {};
      return {
        position: event.position,
        eventId: event.eventId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        recordedAt: event.recordedAt,
        occurredAt: event.occurredAt,
        actor: metadata.actor ? { userId: metadata.actor.userId, role: metadata.actor.role } : null,
        correlationId: metadata.correlationId ?? null,
        causationId: metadata.causationId ?? null,
        command: typeof extra['command'] === 'string' ? extra['command'] : null,
        clientAddress: typeof extra['clientAddress'] === 'string' ? extra['clientAddress'] : null,
        data: includePersonalData ? event.data : redacted(event),
        amends: amends.get(event.eventId) ?? null,
        amendedBy: amendedBy.get(event.eventId) ?? [],
      };
    }),
  };
}

/** An event type this code does not know has no list of personal fields: nothing of it is shown. */
function redacted(event: StoredEvent): unknown {
  if (!isEventType(event.type)) return null;
  return redactPersonalData({ type: event.type, data: event.data } as DomainEvent).data;
}
