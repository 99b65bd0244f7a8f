import type { CodeableConcept, Reference, Resource } from '@medplum/fhirtypes';
import { USER_IDENTIFIER } from '../codes';
import { resourceId } from '../ids';
import type { FhirSourceEvent } from '../source-event';

/** A reference any element accepts: the target type is known from the reference or identifier itself. */
export type AnyReference = Reference<never>;

/** `<resourceType>/<id>`: how the fold names one resource. */
export type ResourceKey = string;

/**
 * What one event does to one resource: its next state from the previous one
 * (undefined before the resource exists). Pure, so a correction can replay it.
 */
export interface ResourceChange {
  readonly key: ResourceKey;
  readonly next: (previous: Resource | undefined) => Resource;
}

export const keyOf = (resourceType: string, id: string): ResourceKey => `${resourceType}/${id}`;

export function change<R extends Resource>(
  resourceType: R['resourceType'],
  id: string,
  next: (previous: R | undefined) => R,
): ResourceChange {
  return { key: keyOf(resourceType, id), next: next as (previous: Resource | undefined) => Resource };
}

/** A change of a resource that must exist already; events about unknown ones (out of order, erroneous) change nothing. */
export function update<R extends Resource>(
  resourceType: R['resourceType'],
  id: string | undefined,
  next: (previous: R) => R,
): ResourceChange[] {
  if (id === undefined) return [];
  return [
    change<R>(resourceType, id, (previous) => (previous ? next(structuredClone(previous)) : (previous as never))),
  ];
}

/** A CareTrail user (clinician or patient account) as a logical reference: CareTrail serves no Practitioner. */
export const userReference = (user: { userId: string; role?: string }): AnyReference => ({
  identifier: { system: USER_IDENTIFIER, value: user.userId },
  ...(user.role === undefined ? {} : { display: user.role }),
});

export const text = (value: string): CodeableConcept => ({ text: value });

/**
 * What the fold remembers between events of one patient: which resource an
 * event's own identifiers (medication, session, side effect, ...) point to.
 * Entries are set by event id or record id, so replaying an event for a
 * correction sets the same values again.
 */
export class FoldContext {
  readonly patient: AnyReference;
  readonly carePlans = new Map<string, string>();
  /** medicationId → the drug and its requests (prescription, then adjustments) by event id. */
  readonly medications = new Map<string, { drug: CodeableConcept; requests: Map<string, string> }>();
  /** Event id of a prescription or adjustment → the MedicationRequest it made. */
  readonly requestOfEvent = new Map<string, string>();
  /** MedicationRequest id → the instant its regimen applies from (start or effective date). */
  readonly requestStarts = new Map<string, string>();
  readonly sessions = new Map<string, string>();
  readonly sideEffects = new Map<string, string>();
  readonly consultations = new Map<string, string>();

  constructor(readonly patientId: string) {
    this.patient = { reference: `Patient/${patientId}` };
  }

  idOf(source: FhirSourceEvent): string {
    return resourceId(this.patientId, source.meta.position);
  }

  /** The latest prescription or adjustment of a medication not cancelled, as the log stands. */
  latestRequest(medicationId: string): string | undefined {
    const requests = [...(this.medications.get(medicationId)?.requests.values() ?? [])];
    return requests[requests.length - 1];
  }

  /**
   * The request whose regimen applied at an instant: of those not cancelled,
   * the one taking effect last at or before it; the first one for an instant
   * before them all. By instant, where docs/clinical-rules.md,
   * "Regimen on a day", counts the patient's local dates: this only names the
   * order a dose answered, it decides nothing.
   */
  requestInForce(medicationId: string, at: string): string | undefined {
    const requests = [...(this.medications.get(medicationId)?.requests.values() ?? [])];
    const t = Date.parse(at);
    let inForce: string | undefined;
    let from = -Infinity;
    for (const id of requests) {
      const start = Date.parse(this.requestStarts.get(id) ?? '');
      if (start <= t && start >= from) [inForce, from] = [id, start];
    }
    return inForce ?? requests[0];
  }
}
