import type { DomainEvent } from '@caretrail/domain';

/**
 * One decoded event of a patient's log with what the FHIR mapping reads
 * beside its data: where it sits in the log, when it was recorded, and who
 * and why (the event's metadata) for Provenance. The API builds it from a
 * stored event after personal data was opened (docs/fhir.md).
 */
export interface FhirSourceEvent {
  readonly event: DomainEvent;
  readonly meta: {
    readonly eventId: string;
    readonly position: number;
    readonly recordedAt: string;
    readonly occurredAt: string | null;
    readonly actor: { readonly userId: string; readonly role: string } | null;
    readonly correlationId: string | null;
    readonly causationId: string | null;
    readonly command: string | null;
  };
}
