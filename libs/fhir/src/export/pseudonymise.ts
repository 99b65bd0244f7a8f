import type { Patient, Resource } from '@medplum/fhirtypes';
import { personalDataFields, type DomainEvent } from '@caretrail/domain';
import { extensionUrl } from '../codes';

/** What a pseudonymous export shows instead of a personal-data text. */
export const WITHHELD = '[withheld]';

/**
 * The event with every personal-data field (libs/domain `personalDataFields`)
 * withheld: text reads "[withheld]", lists are empty, anything else is null.
 * The clinical facts (codes, scores, dates) stay.
 */
export function withheldEvent(event: DomainEvent): DomainEvent {
  const data = structuredClone(event.data) as Record<string, unknown>;
  for (const path of personalDataFields[event.type]) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let node: unknown = data;
    for (const key of keys)
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    if (typeof node !== 'object' || node === null || !(last in node)) continue;
    const parent = node as Record<string, unknown>;
    const value = parent[last];
    parent[last] = typeof value === 'string' ? WITHHELD : Array.isArray(value) ? [] : null;
  }
  return { ...event, data } as DomainEvent;
}

/**
 * A resource of a pseudonymous export: the patient id replaced by its
 * pseudonym everywhere (ids, references, identifiers, agents), and the
 * Patient reduced to its pseudonym and the key id that made it.
 */
export function pseudonymised(resource: Resource, patientId: string, pseudonym: string, keyId: string): Resource {
  if (resource.resourceType === 'Patient') {
    const patient: Patient = {
      resourceType: 'Patient',
      id: pseudonym,
      ...(resource.meta === undefined ? {} : { meta: resource.meta }),
      extension: [{ url: extensionUrl.pseudonymised, valueString: keyId }],
      ...(resource.active === undefined ? {} : { active: resource.active }),
    };
    return patient;
  }
  return JSON.parse(JSON.stringify(resource).split(patientId).join(pseudonym)) as Resource;
}
