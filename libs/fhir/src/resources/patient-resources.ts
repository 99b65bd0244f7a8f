import type { Resource } from '@medplum/fhirtypes';
import type { DomainEvent, FieldChange } from '@caretrail/domain';
import type { FhirSourceEvent } from '../source-event';
import { FoldContext, keyOf, type ResourceChange, type ResourceKey } from './context';
import { mapEvent } from './map-event';
import { provenanceOf } from './provenance';

/** One version of one resource: its state after one event of the log. */
export interface ResourceVersion {
  readonly resource: Resource;
  /** The global position of the event that made this version. */
  readonly position: number;
}

/** Resource types whose status can say a record was entered in error. */
const ENTERED_IN_ERROR = new Set([
  'CarePlan',
  'MedicationRequest',
  'MedicationAdministration',
  'Appointment',
  'Observation',
  'QuestionnaireResponse',
  'Communication',
]);

/**
 * Every FHIR resource of one patient with every version, folded from the
 * patient's events in log order (docs/fhir.md, "Versions"): each event makes
 * a new version of each resource it changes, plus one Provenance. History
 * is the log's, not stored copies. Corrections amend the event they name: an
 * entered-in-error mark sets the status of what that event created, a
 * correction replays the changed resources with the amended data.
 */
export class PatientResources {
  private readonly versions = new Map<ResourceKey, ResourceVersion[]>();
  /** The keys of each type in creation order: reads of one type never walk the others. */
  private readonly keysOfType = new Map<string, ResourceKey[]>();
  private readonly ctx: FoldContext;
  /** Every event the fold has seen, by id, as amended by corrections so far. */
  private readonly sources = new Map<string, FhirSourceEvent>();
  /** The events that changed each resource, in order: what a correction replays. */
  private readonly touchedBy = new Map<ResourceKey, string[]>();
  private readonly touches = new Map<string, ResourceKey[]>();
  private readonly createdBy = new Map<string, ResourceKey[]>();

  constructor(readonly patientId: string) {
    this.ctx = new FoldContext(patientId);
  }

  static of(patientId: string, events: Iterable<FhirSourceEvent>): PatientResources {
    const resources = new PatientResources(patientId);
    for (const event of events) resources.apply(event);
    return resources;
  }

  apply(source: FhirSourceEvent): void {
    this.sources.set(source.meta.eventId, source);
    const { event } = source;
    const changes =
      event.type === 'EntryEnteredInError'
        ? this.enteredInError(event.data.eventId)
        : event.type === 'EntryCorrected'
          ? this.corrected(event.data.eventId, event.data.changes)
          : mapEvent(this.ctx, source);
    const targets: string[] = [];
    for (const { key, next } of changes) {
      const list = this.versions.get(key) ?? [];
      const previous = list[list.length - 1]?.resource;
      // Changes build a new resource and never touch `previous` (`update` works on a copy), so versions stay as made.
      const resource = next(previous);
      if (resource === undefined) continue;
      const versionId = String(list.length + 1);
      resource.meta = { versionId, lastUpdated: source.meta.recordedAt };
      list.push({ resource, position: source.meta.position });
      if (list.length === 1) this.created(resource.resourceType, key, list);
      this.remember(key, source.meta.eventId, previous === undefined);
      targets.push(`${key}/_history/${versionId}`);
    }
    const provenance = provenanceOf(this.ctx.idOf(source), this.ctx.patient, source, targets);
    provenance.meta = { versionId: '1', lastUpdated: source.meta.recordedAt };
    const key = keyOf('Provenance', provenance.id!);
    if (!this.versions.has(key))
      this.created('Provenance', key, [{ resource: provenance, position: source.meta.position }]);
  }

  /** Every version of one resource, oldest first; undefined when it does not exist. */
  history(resourceType: string, id: string): readonly ResourceVersion[] | undefined {
    return this.versions.get(keyOf(resourceType, id));
  }

  /** The current version of every resource of a type, in the order they were created. */
  current(resourceType: string): Resource[] {
    return (this.keysOfType.get(resourceType) ?? []).map((key) => {
      const list = this.versions.get(key)!;
      return list[list.length - 1]!.resource;
    });
  }

  /** Every resource's current version, in creation order (the export's per-patient input). */
  all(): Resource[] {
    return [...this.versions.values()].map((list) => list[list.length - 1]!.resource);
  }

  private created(resourceType: string, key: ResourceKey, list: ResourceVersion[]): void {
    this.versions.set(key, list);
    const keys = this.keysOfType.get(resourceType) ?? [];
    keys.push(key);
    this.keysOfType.set(resourceType, keys);
  }

  private remember(key: ResourceKey, eventId: string, created: boolean): void {
    const events = this.touchedBy.get(key) ?? [];
    if (!events.includes(eventId)) events.push(eventId);
    this.touchedBy.set(key, events);
    const keys = this.touches.get(eventId) ?? [];
    if (!keys.includes(key)) keys.push(key);
    this.touches.set(eventId, keys);
    if (created) this.createdBy.set(eventId, [...(this.createdBy.get(eventId) ?? []), key]);
  }

  private enteredInError(eventId: string): ResourceChange[] {
    return (this.createdBy.get(eventId) ?? [])
      .filter((key) => ENTERED_IN_ERROR.has(key.slice(0, key.indexOf('/'))))
      .map((key) => ({ key, next: (previous) => ({ ...previous!, status: 'entered-in-error' }) as Resource }));
  }

  private corrected(eventId: string, changes: readonly FieldChange[]): ResourceChange[] {
    const target = this.sources.get(eventId);
    if (!target) return [];
    this.sources.set(eventId, { ...target, event: amend(target.event, changes) });
    return (this.touches.get(eventId) ?? []).map((key) => ({ key, next: () => this.replay(key) }));
  }

  /** A resource rebuilt from the events that changed it, each as amended now. */
  private replay(key: ResourceKey): Resource {
    let resource: Resource | undefined;
    for (const eventId of this.touchedBy.get(key) ?? []) {
      const source = this.sources.get(eventId)!;
      const changes =
        source.event.type === 'EntryEnteredInError'
          ? this.enteredInError(source.event.data.eventId)
          : mapEvent(this.ctx, source);
      for (const c of changes) if (c.key === key) resource = c.next(resource);
    }
    return resource!;
  }
}

/** The event with a correction's field changes applied (dotted paths into `data`). */
function amend(event: DomainEvent, changes: readonly FieldChange[]): DomainEvent {
  const data = structuredClone(event.data) as Record<string, unknown>;
  for (const { field, value } of changes) {
    const path = field.split('.');
    let parent: Record<string, unknown> = data;
    for (const step of path.slice(0, -1)) {
      const next = parent[step];
      if (typeof next !== 'object' || next === null) break;
      parent = next as Record<string, unknown>;
    }
    parent[path[path.length - 1]!] = value;
  }
  return { ...event, data } as DomainEvent;
}
