import type { Provenance } from '@medplum/fhirtypes';
import { caretrailSystem, extensionUrl } from '../codes';
import type { FhirSourceEvent } from '../source-event';
import { userReference, type AnyReference } from './context';

/**
 * Who, when and why of one event: the versions of the resources it made
 * (`target`), the acting user and role (`agent`), when it was recorded and
 * when it happened, the event type (`activity`), the command it answered
 * (`reason`) and the request's correlation id. An event that made no
 * resource version names the Patient, whose record it belongs to.
 */
export function provenanceOf(
  id: string,
  patient: AnyReference,
  source: FhirSourceEvent,
  targets: string[],
): Provenance {
  const { meta, event } = source;
  return {
    resourceType: 'Provenance',
    id,
    ...(meta.correlationId === null
      ? {}
      : { extension: [{ url: extensionUrl.correlationId, valueString: meta.correlationId }] }),
    target: targets.length === 0 ? [patient] : targets.map((reference) => ({ reference })),
    ...(meta.occurredAt === null ? {} : { occurredDateTime: meta.occurredAt }),
    recorded: meta.recordedAt,
    ...(meta.command === null ? {} : { reason: [{ text: meta.command }] }),
    activity: { coding: [{ system: caretrailSystem.eventType, code: event.type }], text: event.type },
    agent: [
      {
        type: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }],
        },
        who: meta.actor === null ? { display: 'system' } : userReference(meta.actor),
      },
    ],
    entity: [
      {
        role: 'source',
        what: { identifier: { system: 'https://caretrail.dev/fhir/NamingSystem/event-id', value: meta.eventId } },
      },
    ],
  };
}
